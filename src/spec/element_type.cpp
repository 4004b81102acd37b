#include "zynqnn/spec/element_type.hpp"

#include <array>
#include <cctype>
#include <charconv>

namespace zynqnn::spec {
namespace {

struct NamedType {
  std::string_view name;
  ElementKind kind;
  int bits;
};

constexpr std::array<NamedType, 7> kNamedTypes{{
    {"int8", ElementKind::signed_int, 8},
    {"uint8", ElementKind::unsigned_int, 8},
    {"int16", ElementKind::signed_int, 16},
    {"uint16", ElementKind::unsigned_int, 16},
    {"int32", ElementKind::signed_int, 32},
    {"uint32", ElementKind::unsigned_int, 32},
    {"float32", ElementKind::float32, 32},
}};

// The widest fixed-point value: it must fit the widest slot (and DMA word), 64 bits.
constexpr int kMaxFixedBits = 64;

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 4) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string ElementType::name() const {
  switch (kind) {
    case ElementKind::signed_int: return "int" + std::to_string(value_bits);
    case ElementKind::unsigned_int: return "uint" + std::to_string(value_bits);
    case ElementKind::float32: return "float32";
    case ElementKind::fixed:
      return "fixed<" + std::to_string(value_bits) + "," + std::to_string(integer_bits) + ">";
  }
  return "?";
}

int ElementType::slot_bits() const {
  for (int slot : {8, 16, 32, 64}) {
    if (value_bits <= slot) return slot;
  }
  return 64;
}

std::string ElementType::numpy_dtype() const {
  switch (kind) {
    case ElementKind::signed_int: return "int" + std::to_string(value_bits);
    case ElementKind::unsigned_int: return "uint" + std::to_string(value_bits);
    case ElementKind::float32: return "float32";
    case ElementKind::fixed: return "int" + std::to_string(slot_bits());
  }
  return "?";
}

std::string ElementType::hls_type() const {
  switch (kind) {
    case ElementKind::signed_int: return "ap_int<" + std::to_string(value_bits) + ">";
    case ElementKind::unsigned_int: return "ap_uint<" + std::to_string(value_bits) + ">";
    case ElementKind::float32: return "float";
    case ElementKind::fixed:
      return "ap_fixed<" + std::to_string(value_bits) + "," + std::to_string(integer_bits) + ">";
  }
  return "?";
}

std::vector<std::string> ElementType::accepted_hls_spellings() const {
  const std::string bits = std::to_string(value_bits);
  switch (kind) {
    case ElementKind::signed_int: {
      std::vector<std::string> spellings{hls_type(), "int" + bits + "_t"};
      if (value_bits == 8) spellings.push_back("signed char");
      if (value_bits == 16) spellings.push_back("short");
      if (value_bits == 32) spellings.push_back("int");
      return spellings;
    }
    case ElementKind::unsigned_int: {
      std::vector<std::string> spellings{hls_type(), "uint" + bits + "_t"};
      if (value_bits == 8) spellings.push_back("unsigned char");
      if (value_bits == 16) spellings.push_back("unsigned short");
      if (value_bits == 32) spellings.push_back("unsigned");
      if (value_bits == 32) spellings.push_back("unsigned int");
      return spellings;
    }
    case ElementKind::float32: return {"float"};
    case ElementKind::fixed: return {hls_type()};
  }
  return {};
}

std::optional<ElementType> parse_element_type(std::string_view text) {
  for (const auto& named : kNamedTypes) {
    if (text == named.name) return ElementType{named.kind, named.bits, 0};
  }
  constexpr std::string_view prefix = "fixed<";
  if (text.size() > prefix.size() + 1 && text.substr(0, prefix.size()) == prefix && text.back() == '>') {
    std::string_view inner = text.substr(prefix.size(), text.size() - prefix.size() - 1);
    const auto comma = inner.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    const auto width = parse_int(inner.substr(0, comma));
    const auto integer = parse_int(inner.substr(comma + 1));
    if (!width || !integer) return std::nullopt;
    // ap_fixed allows any I; a plausible range keeps the fraction/integer split meaningful.
    if (*width < 1 || *width > kMaxFixedBits || *integer < 0 || *integer > *width) return std::nullopt;
    return ElementType{ElementKind::fixed, *width, *integer};
  }
  return std::nullopt;
}

std::string normalize_cpp_type(std::string_view spelling) {
  std::string out;
  for (char c : spelling) {
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  }
  constexpr std::string_view std_prefix = "std::";
  if (out.rfind(std_prefix, 0) == 0) out.erase(0, std_prefix.size());
  constexpr std::string_view global_prefix = "::";
  if (out.rfind(global_prefix, 0) == 0) out.erase(0, global_prefix.size());
  return out;
}

}  // namespace zynqnn::spec
