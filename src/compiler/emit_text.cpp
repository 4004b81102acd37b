#include "compiler/emit_text.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "zynqnn/compiler/emit.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace emit_text {

using graph::DType;

std::string float_literal(float v) {
  if (std::isnan(v)) return "(0.0f/0.0f)";
  if (std::isinf(v)) return v > 0 ? "3.40282347e+38f" : "-3.40282347e+38f";
  std::string s = fmt::format("{:.9g}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s + "f";
}

std::string initializer(const std::vector<std::int64_t>& dims, const std::function<std::string(std::int64_t)>& value) {
  std::string out;
  std::int64_t index = 0;
  std::function<void(std::size_t)> level = [&](std::size_t d) {
    out += '{';
    for (std::int64_t i = 0; i < dims[d]; ++i) {
      if (i) out += ',';
      if (d + 1 == dims.size()) out += value(index++);
      else level(d + 1);
    }
    out += '}';
  };
  level(0);
  return out;
}

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string out;
  for (auto d : dims) out += "[" + std::to_string(d) + "]";
  return out;
}

std::string comment_safe(std::string text) {
  for (char& c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                      c == '-' || c == ':' || c == '+' || c == ',' || c == '/' || c == ' ' || c == '(' || c == ')';
    if (!keep) c = '?';
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {  // never a comment opener or closer
    if ((text[i] == '/' && i + 1 < text.size() && (text[i + 1] == '*' || text[i + 1] == '/'))) out += "/?";
    else out += text[i];
  }
  return out;
}

Types types_of(const Precision& p) {
  switch (p.kind) {
    case PrecisionKind::float32: return {"float", "float", "float"};
    case PrecisionKind::int8: return {"ap_int<8>", "ap_int<8>", "ap_int<32>"};
    case PrecisionKind::fixed: {
      // Activations and weights round half to even and saturate (as the host converts inputs);
      // the accumulator holds every product exactly (2F fraction bits) with 8 guard bits.
      const std::string value = fixed_value_type(p);
      return {value, value, fixed_accumulator_type(p)};
    }
  }
  return {};
}

std::string spec_type(const Precision& p, DType dtype) {
  if (dtype == DType::float32) {
    if (p.kind == PrecisionKind::int8) return "int8";
    if (p.kind == PrecisionKind::fixed) return fmt::format("fixed<{},{}>", p.width, p.integer_bits);
    return "float32";
  }
  return std::string(graph::to_string(dtype));
}

}  // namespace emit_text

using emit_text::types_of;
using graph::DType;

std::string fixed_value_type(const Precision& p) {
  return fmt::format("ap_fixed<{},{},AP_RND_CONV,AP_SAT>", p.width, p.integer_bits);
}

std::string fixed_accumulator_type(const Precision& p) {
  const int acc_w = std::min(63, 2 * p.width + 8), acc_i = std::min(acc_w, 2 * p.integer_bits + 8);
  return fmt::format("ap_fixed<{},{}>", acc_w, acc_i);
}

std::string element_type(const Precision& precision, graph::DType dtype) {
  switch (dtype) {
    case DType::float32: return types_of(precision).act;
    case DType::int8: return "ap_int<8>";
    case DType::uint8: return "ap_uint<8>";
    case DType::int16: return "ap_int<16>";
    case DType::uint16: return "ap_uint<16>";
    case DType::int32: return "ap_int<32>";
    default: break;
  }
  throw Error(ErrorCode::unsupported, std::string("unsupported: ") + std::string(graph::to_string(dtype)) + " tensors on the PL",
              "element type");
}

}  // namespace zynqnn::compiler
