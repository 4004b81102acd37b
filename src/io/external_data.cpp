#include "io/external_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <optional>

#include "zynqnn/core/error.hpp"

namespace zynqnn::io {
namespace {
namespace fs = std::filesystem;

[[noreturn]] void refuse(ErrorCode code, const std::string& what, std::string_view where) {
  throw Error(code, what, std::string(where));
}

std::uint64_t parse_count(const std::string& key, const std::string& text, std::string_view where) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    refuse(ErrorCode::parse, fmt::format("external data {} '{}' is not a byte count", key, text), where);
  return value;
}

bool is_inside(const fs::path& folder, const fs::path& file) {
  const auto [f, p] = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
  return f == folder.end() && p != file.end();
}
}  // namespace

std::string read_external_data(const onnx::TensorProto& proto, const fs::path& model_folder,
                               std::size_t expected_bytes, std::string_view where) {
  std::optional<std::string> location;
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
  for (const auto& entry : proto.external_data()) {
    if (entry.key() == "location") location = entry.value();
    else if (entry.key() == "offset") offset = parse_count("offset", entry.value(), where);
    else if (entry.key() == "length") length = parse_count("length", entry.value(), where);
    // "checksum" (optional SHA-1) and unknown keys carry nothing needed to read the bytes.
  }
  if (!location || location->empty()) refuse(ErrorCode::parse, "external data has no location", where);
  const fs::path relative(*location);
  if (relative.is_absolute() || relative.has_root_name() || relative.has_root_directory())
    refuse(ErrorCode::invalid_argument, fmt::format("external data location '{}' is absolute", *location), where);
  for (const auto& part : relative)
    if (part == "..")
      refuse(ErrorCode::invalid_argument,
             fmt::format("external data location '{}' leaves the model's folder", *location), where);

  const fs::path joined = model_folder / relative;
  std::error_code ec;
  if (!fs::is_regular_file(joined, ec))
    refuse(ErrorCode::io, fmt::format("external data file '{}' is missing or not a regular file", joined.string()),
           where);
  // A symlink may point anywhere: compare real paths, and read the real path checked.
  const fs::path real_folder = fs::canonical(model_folder.empty() ? fs::path(".") : model_folder, ec);
  const fs::path real_file = ec ? fs::path() : fs::canonical(joined, ec);
  if (ec) refuse(ErrorCode::io, fmt::format("cannot resolve external data file '{}': {}", joined.string(), ec.message()), where);
  if (!is_inside(real_folder, real_file))
    refuse(ErrorCode::invalid_argument,
           fmt::format("external data file '{}' resolves to '{}', outside the model's folder '{}'", joined.string(),
                       real_file.string(), real_folder.string()),
           where);

  const std::uint64_t file_size = fs::file_size(real_file, ec);
  if (ec) refuse(ErrorCode::io, fmt::format("cannot read external data file '{}': {}", joined.string(), ec.message()), where);
  if (offset > file_size)
    refuse(ErrorCode::parse,
           fmt::format("external data offset {} is past the end of '{}' ({} bytes)", offset, joined.string(), file_size),
           where);
  const std::uint64_t bytes = length.value_or(file_size - offset);
  if (bytes > file_size - offset)
    refuse(ErrorCode::parse,
           fmt::format("external data offset {} + length {} is past the end of '{}' ({} bytes)", offset, bytes,
                       joined.string(), file_size),
           where);
  if (bytes != expected_bytes)
    refuse(ErrorCode::parse,
           fmt::format("external data in '{}' has {} bytes, the tensor's dims need {}", joined.string(), bytes,
                       expected_bytes),
           where);

  std::string data(expected_bytes, '\0');
  std::ifstream file(real_file, std::ios::binary);
  if (!file || !file.seekg(static_cast<std::streamoff>(offset)) ||
      !file.read(data.data(), static_cast<std::streamsize>(data.size())))
    refuse(ErrorCode::io, fmt::format("cannot read external data file '{}'", joined.string()), where);
  return data;
}

}  // namespace zynqnn::io
