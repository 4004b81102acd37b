#include "zynqnn/manifest/folder_stamp.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "zynqnn/core/error.hpp"

namespace zynqnn::manifest {
namespace {

namespace fs = std::filesystem;

constexpr int kStampFormat = 1;

// FNV-1a, 64 bits, over the file's bytes.
std::string content_hash(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw Error(ErrorCode::io, "cannot read the file to stamp or check it", path.string());
  std::uint64_t h = 1469598103934665603ULL;
  std::array<unsigned char, 1 << 16> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= buffer[i];
      h *= 1099511628211ULL;
    }
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw Error(ErrorCode::io, "reading failed", path.string());
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

// The files a stamp covers, relative to the folder, in a stable order.
std::vector<std::string> stamped_files(const fs::path& folder) {
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file() || it->is_symlink()) continue;
    const fs::path relative = it->path().lexically_relative(folder);
    if (relative == folder_stamp_file || relative.extension() == ".o") continue;
    files.push_back(relative.generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

void write_folder_stamp(const fs::path& folder) {
  nlohmann::json hashes = nlohmann::json::object();
  for (const auto& file : stamped_files(folder)) hashes[file] = content_hash(folder / file);
  const nlohmann::json stamp{{"zynqnn_folder_stamp", kStampFormat}, {"hash", "fnv1a64"}, {"files", hashes}};
  const fs::path path = folder / folder_stamp_file;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorCode::io, "cannot write the folder's stamp", path.string());
  out << stamp.dump(2) << '\n';
  out.close();
  if (!out) throw Error(ErrorCode::io, "writing the folder's stamp failed (disk full?)", path.string());
}

bool has_folder_stamp(const fs::path& folder) {
  std::error_code ec;
  return fs::is_regular_file(folder / folder_stamp_file, ec);
}

void verify_folder_stamp(const fs::path& folder) {
  if (!has_folder_stamp(folder)) return;
  const fs::path path = folder / folder_stamp_file;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json stamp;
  try {
    stamp = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::parse, std::string("the folder's stamp does not parse: ") + e.what(), path.string());
  }
  if (!stamp.is_object() || stamp.value("zynqnn_folder_stamp", 0) != kStampFormat || !stamp.contains("files") ||
      !stamp["files"].is_object()) {
    throw Error(ErrorCode::parse, "not a folder stamp this zynqnn reads (format 1)", path.string());
  }
  for (const auto& [file, expected] : stamp["files"].items()) {
    const fs::path part = folder / file;
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(part, ec))) {
      throw Error(ErrorCode::bad_state,
                  "the folder is incomplete: " + file + " (listed in its stamp) is missing or not a plain file; "
                  "generate or compile it again",
                  part.string());
    }
    if (!expected.is_string() || content_hash(part) != expected.get<std::string>()) {
      throw Error(ErrorCode::bad_state,
                  "the folder's parts do not belong together: " + file +
                      " is not the file it was generated with (its content does not match zynqnn.stamp); generate or "
                      "compile it again",
                  part.string());
    }
  }
}

}  // namespace zynqnn::manifest
