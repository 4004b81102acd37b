#include "codegen/quoting.hpp"

#include <cstdio>

namespace zynqnn::codegen {

std::string shell_single_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string c_string_literal(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\%03o", byte);  // octal: always 3 digits
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace zynqnn::codegen
