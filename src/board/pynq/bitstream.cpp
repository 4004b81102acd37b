#include "zynqnn/board/pynq/bitstream.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <fstream>
#include <iterator>

#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

class Reader {
 public:
  Reader(std::span<const std::byte> data, std::string_view source) : data_(data), source_(source) {}

  std::size_t offset() const { return offset_; }
  bool at_end() const { return offset_ == data_.size(); }

  std::uint32_t big_endian(std::size_t bytes, std::string_view what) {
    need(bytes, what);
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | std::to_integer<std::uint32_t>(data_[offset_ + i]);
    offset_ += bytes;
    return value;
  }
  std::span<const std::byte> take(std::size_t bytes, std::string_view what) {
    need(bytes, what);
    auto part = data_.subspan(offset_, bytes);
    offset_ += bytes;
    return part;
  }
  [[noreturn]] void fail(std::string message) const {
    throw Error(ErrorCode::parse, fmt::format("malformed .bit file: {}", message),
                fmt::format("{} at byte {}", source_, offset_));
  }

 private:
  void need(std::size_t bytes, std::string_view what) const {
    if (bytes > data_.size() - offset_) {
      fail(fmt::format("{} needs {} bytes but only {} remain", what, bytes, data_.size() - offset_));
    }
  }

  std::span<const std::byte> data_;
  std::string_view source_;
  std::size_t offset_ = 0;
};

std::string text_field(Reader& reader, char key) {
  const auto length = reader.big_endian(2, fmt::format("the length of field '{}'", key));
  auto bytes = reader.take(length, fmt::format("field '{}'", key));
  std::string text;
  for (std::byte b : bytes) {
    if (b == std::byte{0}) break;
    text.push_back(static_cast<char>(b));
  }
  return text;
}

}  // namespace

Bitstream convert_bit_to_bin(std::span<const std::byte> bit, std::string_view source) {
  Reader reader(bit, source);
  const auto preamble = reader.big_endian(2, "the preamble length");
  if (preamble != 9) reader.fail(fmt::format("preamble length is {}, expected 9", preamble));
  reader.take(preamble, "the preamble");
  const auto marker = reader.big_endian(2, "the field marker");
  if (marker != 1) reader.fail(fmt::format("field marker is {:#x}, expected 0x1", marker));

  Bitstream result;
  std::string* fields[] = {&result.info.design, &result.info.part, &result.info.date, &result.info.time};
  for (char key = 'a'; key <= 'd'; ++key) {
    const auto found = static_cast<char>(reader.big_endian(1, fmt::format("the key of field '{}'", key)));
    if (found != key) reader.fail(fmt::format("expected field '{}', found key byte {:#04x}", key, static_cast<unsigned char>(found)));
    *fields[key - 'a'] = text_field(reader, key);
  }
  const auto key = static_cast<char>(reader.big_endian(1, "the key of field 'e'"));
  if (key != 'e') reader.fail(fmt::format("expected field 'e', found key byte {:#04x}", static_cast<unsigned char>(key)));
  const std::uint32_t length = reader.big_endian(4, "the length of field 'e'");
  if (length == 0) reader.fail("field 'e' (the configuration data) is empty");
  if (length % 4 != 0) reader.fail(fmt::format("configuration data length {} is not a multiple of 4", length));
  auto raw = reader.take(length, "field 'e' (the configuration data)");
  if (!reader.at_end()) reader.fail(fmt::format("{} unexpected bytes after the configuration data", bit.size() - reader.offset()));

  result.bin.resize(raw.size());
  for (std::size_t i = 0; i < raw.size(); i += 4) {
    result.bin[i] = raw[i + 3];
    result.bin[i + 1] = raw[i + 2];
    result.bin[i + 2] = raw[i + 1];
    result.bin[i + 3] = raw[i];
  }
  return result;
}

std::vector<std::byte> read_bitstream_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(std::filesystem::exists(path) ? ErrorCode::io : ErrorCode::not_found,
                "cannot open the bitstream", path.string());
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorCode::io, "cannot read the bitstream", path.string());
  std::vector<std::byte> result(bytes.size());
  std::transform(bytes.begin(), bytes.end(), result.begin(), [](char c) { return static_cast<std::byte>(c); });
  return result;
}

Bitstream read_bit_file(const std::filesystem::path& path) {
  return convert_bit_to_bin(read_bitstream_bytes(path), path.string());
}

}  // namespace zynqnn::pynq_board
