#include "zynqnn/graph/identifier.hpp"

#include <iterator>
#include <algorithm>

namespace zynqnn::graph {
namespace {
// C++ keywords and a few names that would shadow common macros or Tcl/HLS words.
constexpr std::string_view kReserved[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
    "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
    "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
    "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
    "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
    "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
    "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "main", "NULL", "EOF",
    "assert", "errno", "stdin", "stdout", "stderr", "proc", "set"};

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
}  // namespace

std::string sanitized_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  for (const char c : name) {
    const char mapped = is_alnum(c) ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(mapped);
  }
  while (!out.empty() && out.back() == '_' && out.size() > 1) out.pop_back();
  if (out.empty() || out == "_" || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')))
    out = (out.empty() || out[0] != '_') ? "id_" + out : "id" + out;
  if (out.size() > 3 && out.back() == '_') out.pop_back();
  if (std::find(std::begin(kReserved), std::end(kReserved), out) != std::end(kReserved)) out += "_";
  return out;
}

const std::string& IdentifierTable::sanitized_identifier(std::string_view name) {
  if (const auto found = by_name_.find(name); found != by_name_.end()) return found->second;
  const std::string base = graph::sanitized_identifier(name);
  std::string candidate = base;
  for (int suffix = 2; taken_.count(candidate) != 0; ++suffix)
    candidate = base + "_" + std::to_string(suffix);
  taken_.insert(candidate);
  return by_name_.emplace(std::string(name), candidate).first->second;
}

}  // namespace zynqnn::graph
