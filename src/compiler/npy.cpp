#include "zynqnn/compiler/npy.hpp"

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {

graph::Tensor read_npy(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read", where);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string bytes = s.str();
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw Error(ErrorCode::parse, "not an .npy file", where);
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw Error(ErrorCode::parse, "truncated header", where);
    for (int i = 0; i < 4; ++i) header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    throw Error(ErrorCode::unsupported, "npy format version " + std::to_string(major), where);
  }
  if (header_len > bytes.size() - offset) throw Error(ErrorCode::parse, "truncated header", where);
  const std::string header = bytes.substr(offset, header_len);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')")))
    throw Error(ErrorCode::parse, "no descr in the header", where);
  const std::string descr = m[1];
  if (std::regex_search(header, std::regex(R"('fortran_order'\s*:\s*True)")))
    throw Error(ErrorCode::unsupported, "Fortran-order arrays", where);
  if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))")))
    throw Error(ErrorCode::parse, "no shape in the header", where);
  graph::Shape shape;
  const std::string dims = m[1];
  const std::regex digits(R"(\d+)");
  for (std::sregex_iterator it(dims.begin(), dims.end(), digits), end; it != end; ++it) {
    const std::string d = it->str();
    if (d.size() > 10) throw Error(ErrorCode::invalid_argument, "dimension too large", where);
    shape.push_back(std::stoll(d));
  }
  const std::size_t data_at = offset + header_len;
  std::size_t element = 0;
  graph::DType dtype = graph::DType::float32;
  if (descr == "<f4") element = 4;
  else if (descr == "<f8") element = 8;
  else if (descr == "|u1" || descr == "<u1") { element = 1; dtype = graph::DType::uint8; }
  else if (descr == "|i1" || descr == "<i1") { element = 1; dtype = graph::DType::int8; }
  else throw Error(ErrorCode::unsupported, "npy dtype " + descr + " (float32, float64, uint8, int8 supported)", where);
  graph::Tensor t(dtype, shape);  // checks the shape's limits
  const auto count = static_cast<std::size_t>(t.size());
  if (bytes.size() - data_at != count * element)
    throw Error(ErrorCode::parse, "data size disagrees with the shape", where);
  if (descr == "<f8") {
    auto out = t.data<float>();
    for (std::size_t i = 0; i < count; ++i) {
      double v = 0;
      std::memcpy(&v, bytes.data() + data_at + i * 8, 8);
      out[i] = static_cast<float>(v);
    }
  } else {
    std::memcpy(t.bytes().data(), bytes.data() + data_at, count * element);
  }
  return t;
}

}  // namespace zynqnn::compiler
