#include "zynqnn/io/npy.hpp"

#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>

#include "zynqnn/core/error.hpp"

namespace zynqnn::io {
namespace {

struct DtypeCode {
  std::string_view name;
  char kind;  // b, i, u, f
  std::size_t size;
};

constexpr std::array<DtypeCode, 11> kDtypes{{
    {"bool", 'b', 1},
    {"int8", 'i', 1},
    {"uint8", 'u', 1},
    {"int16", 'i', 2},
    {"uint16", 'u', 2},
    {"int32", 'i', 4},
    {"uint32", 'u', 4},
    {"int64", 'i', 8},
    {"uint64", 'u', 8},
    {"float32", 'f', 4},
    {"float64", 'f', 8},
}};

constexpr std::size_t kMaxHeaderBytes = 1u << 16;
constexpr std::size_t kMaxDimensions = 32;
constexpr std::string_view kMagic = "\x93NUMPY";

[[noreturn]] void fail(ErrorCode code, const std::string& message, std::string_view origin) {
  throw Error(code, message, std::string(origin));
}

// The header dictionary, a Python literal: {'descr': '<i4', 'fortran_order': False, 'shape': (3,), }
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view origin) : text_(text), origin_(origin) {}

  void parse(std::string& descr, bool& fortran, std::vector<std::uint64_t>& shape) {
    bool has_descr = false, has_fortran = false, has_shape = false;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (has_descr) error("duplicate key 'descr'");
        descr = string_literal();
        has_descr = true;
      } else if (key == "fortran_order") {
        if (has_fortran) error("duplicate key 'fortran_order'");
        fortran = boolean();
        has_fortran = true;
      } else if (key == "shape") {
        if (has_shape) error("duplicate key 'shape'");
        shape = tuple();
        has_shape = true;
      } else {
        error("unexpected key in the header (only descr, fortran_order, shape)");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') error("expected ',' or '}'");
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size()) error("text after the header dictionary");
    if (!has_descr || !has_fortran || !has_shape) error("the header needs descr, fortran_order and shape");
  }

 private:
  [[noreturn]] void error(const std::string& message) const {
    fail(ErrorCode::parse, "header: " + message + " (at byte " + std::to_string(pos_) + " of the header)", origin_);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void expect(char c) {
    if (peek() != c) error(std::string("expected '") + c + "'");
    ++pos_;
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
  }
  std::string string_literal() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') error("expected a quoted string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      const char c = text_[pos_++];
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20) error("unsupported character in a string");
      out += c;
      if (out.size() > 64) error("string too long");
    }
    expect(quote);
    return out;
  }
  bool boolean() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    error("expected True or False");
  }
  std::vector<std::uint64_t> tuple() {
    std::vector<std::uint64_t> dims;
    expect('(');
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) error("expected a non-negative integer dimension");
      std::uint64_t value = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const std::uint64_t digit = static_cast<std::uint64_t>(text_[pos_++] - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) error("dimension too large");
        value = value * 10 + digit;
      }
      if (peek() == 'L') ++pos_;  // written by Python 2
      dims.push_back(value);
      if (dims.size() > kMaxDimensions) error("too many dimensions");
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != ')') error("expected ',' or ')'");
      // Python writes a one-element tuple as (n,): "(n)" is an int, not a tuple.
      if (dims.size() == 1) error("a one-dimensional shape must be written (n,)");
    }
    expect(')');
    return dims;
  }

  std::string_view text_;
  std::string_view origin_;
  std::size_t pos_ = 0;
};

std::string dtype_from_descr(const std::string& descr, std::string_view origin) {
  if (descr.size() < 3 || descr.size() > 4) fail(ErrorCode::unsupported, "unsupported dtype '" + descr + "'", origin);
  const char order = descr[0];
  const char kind = descr[1];
  std::size_t size = 0;
  for (std::size_t i = 2; i < descr.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(descr[i]))) fail(ErrorCode::parse, "malformed dtype '" + descr + "'", origin);
    size = size * 10 + static_cast<std::size_t>(descr[i] - '0');
  }
  if (order == '>' && size > 1) {
    fail(ErrorCode::unsupported, "big-endian data ('" + descr + "') is not supported: save it little-endian", origin);
  }
  if (order != '<' && order != '|' && order != '=' && order != '>') {
    fail(ErrorCode::parse, "malformed dtype '" + descr + "'", origin);
  }
  for (const auto& d : kDtypes) {
    if (d.kind == kind && d.size == size) return std::string(d.name);
  }
  fail(ErrorCode::unsupported, "unsupported dtype '" + descr + "'", origin);
}

std::string descr_of(std::string_view dtype) {
  for (const auto& d : kDtypes) {
    if (d.name == dtype) return std::string(d.size == 1 ? "|" : "<") + d.kind + std::to_string(d.size);
  }
  throw Error(ErrorCode::invalid_argument, "unsupported dtype '" + std::string(dtype) + "'", "npy");
}

// elements × itemsize, or nullopt on overflow of the 64-bit count or of size_t.
std::optional<std::size_t> byte_count(const std::vector<std::uint64_t>& shape, std::size_t itemsize) {
  std::uint64_t total = itemsize;
  for (auto d : shape) {
    if (d != 0 && total > std::numeric_limits<std::uint64_t>::max() / d) return std::nullopt;
    total *= d;
  }
  if (total > std::numeric_limits<std::size_t>::max()) return std::nullopt;
  return static_cast<std::size_t>(total);
}

}  // namespace

std::size_t npy_itemsize(std::string_view dtype) {
  for (const auto& d : kDtypes) {
    if (d.name == dtype) return d.size;
  }
  return 0;
}

std::size_t NpyArray::itemsize() const { return npy_itemsize(dtype); }

std::uint64_t NpyArray::elements() const {
  std::uint64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

NpyArray parse_npy(std::span<const std::uint8_t> bytes, std::string_view origin) {
  if (bytes.size() < 10 || std::string_view(reinterpret_cast<const char*>(bytes.data()), 6) != kMagic) {
    fail(ErrorCode::parse, "not a .npy file (no \\x93NUMPY magic)", origin);
  }
  const unsigned major = bytes[6];
  if (major < 1 || major > 3) {
    fail(ErrorCode::unsupported, "unsupported .npy format version " + std::to_string(major), origin);
  }
  std::size_t header_len = 0;
  std::size_t offset = 0;
  if (major == 1) {
    header_len = static_cast<std::size_t>(bytes[8]) | static_cast<std::size_t>(bytes[9]) << 8;
    offset = 10;
  } else {
    if (bytes.size() < 12) fail(ErrorCode::parse, "truncated header length", origin);
    const std::uint32_t len = static_cast<std::uint32_t>(bytes[8]) | static_cast<std::uint32_t>(bytes[9]) << 8 |
                              static_cast<std::uint32_t>(bytes[10]) << 16 | static_cast<std::uint32_t>(bytes[11]) << 24;
    if (len > kMaxHeaderBytes) fail(ErrorCode::unsupported, "header longer than 64 KiB", origin);
    header_len = len;
    offset = 12;
  }
  if (header_len > bytes.size() - offset) fail(ErrorCode::parse, "header runs past the end of the file", origin);
  const std::string_view header(reinterpret_cast<const char*>(bytes.data() + offset), header_len);
  if (major < 3) {
    for (char c : header) {
      if (static_cast<unsigned char>(c) >= 0x80) fail(ErrorCode::parse, "non-ASCII byte in the header", origin);
    }
  }

  std::string descr;
  bool fortran = false;
  NpyArray array;
  HeaderParser(header, origin).parse(descr, fortran, array.shape);
  array.dtype = dtype_from_descr(descr, origin);
  if (fortran && array.shape.size() > 1) {
    fail(ErrorCode::unsupported, "Fortran-ordered arrays with 2 or more dimensions are not supported: save in C order",
         origin);
  }
  const auto expected = byte_count(array.shape, array.itemsize());
  if (!expected) fail(ErrorCode::parse, "the shape's size overflows", origin);
  const std::size_t data_bytes = bytes.size() - offset - header_len;
  if (data_bytes != *expected) {
    fail(ErrorCode::parse,
         "data is " + std::to_string(data_bytes) + " bytes, the header's shape and dtype need " +
             std::to_string(*expected),
         origin);
  }
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(offset + header_len), bytes.end());
  return array;
}

NpyArray load_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot open the .npy file", path.string());
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_npy(bytes, path.string());
}

std::vector<std::uint8_t> serialize_npy(const NpyArray& array) {
  const std::string descr = descr_of(array.dtype);
  const auto expected = byte_count(array.shape, array.itemsize());
  if (!expected || *expected != array.data.size()) {
    throw Error(ErrorCode::invalid_argument, "data size does not match shape and dtype", "npy");
  }
  std::string shape = "(";
  for (std::size_t i = 0; i < array.shape.size(); ++i) shape += std::to_string(array.shape[i]) + ", ";
  if (array.shape.size() > 1) shape.resize(shape.size() - 2);
  if (array.shape.size() == 1) shape.pop_back();
  shape += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xFFFF) throw Error(ErrorCode::invalid_argument, "shape too long for a .npy 1.0 header", "npy");
  const std::uint8_t prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                   static_cast<std::uint8_t>(header.size() & 0xFF),
                                   static_cast<std::uint8_t>(header.size() >> 8)};
  std::vector<std::uint8_t> out(sizeof prefix + header.size() + array.data.size());
  std::memcpy(out.data(), prefix, sizeof prefix);
  std::memcpy(out.data() + sizeof prefix, header.data(), header.size());
  if (!array.data.empty()) {
    std::memcpy(out.data() + sizeof prefix + header.size(), array.data.data(), array.data.size());
  }
  return out;
}

void save_npy(const std::filesystem::path& path, const NpyArray& array) {
  const auto bytes = serialize_npy(array);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorCode::io, "cannot write the .npy file", path.string());
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();  // the last bytes reach the disk here: a full disk shows at close, not at write
  if (!out) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // no truncated array left to be read as a result
    throw Error(ErrorCode::io, "writing failed (disk full?)", path.string());
  }
}

}  // namespace zynqnn::io
