#include "zynqnn/spec/identifier.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "zynqnn/core/error.hpp"

namespace zynqnn::spec {
namespace {

constexpr std::size_t kMaxIdentifierLength = 48;

// Reserved words of the languages a name ends up in: C++ (the HLS top and testbench),
// Python (the wrapper), Verilog and VHDL (the RTL Vitis HLS writes, where stream names
// become ports), plus names with special meaning to HLS or the generated code.
constexpr auto kReserved = std::to_array<std::string_view>({
    // C++
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
    "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "main",
    // Python
    "False", "None", "True", "as", "assert", "async", "await", "def", "del", "elif", "except",
    "finally", "from", "global", "import", "in", "is", "lambda", "nonlocal", "pass", "raise",
    "with", "yield", "self",
    // Verilog / VHDL (case-insensitive in VHDL: compared in lower case below)
    "always", "assign", "begin", "end", "module", "endmodule", "input", "output", "inout",
    "wire", "reg", "integer", "parameter", "localparam", "initial", "generate", "genvar",
    "function", "task", "posedge", "negedge", "signal", "entity", "architecture", "process",
    "port", "map", "out", "buffer", "variable", "constant", "type", "subtype", "array",
    "record", "range", "downto", "to", "of", "is", "then", "elsif", "loop", "next", "exit",
    "when", "others", "select", "block", "component", "configuration", "library", "use",
    "package", "body", "all", "nand", "nor", "xnor", "sll", "srl", "mod", "rem", "abs",
    "access", "after", "alias", "attribute", "bus", "disconnect", "file", "guarded", "impure",
    "pure", "label", "linkage", "literal", "new", "null", "open", "postponed", "report",
    "return", "severity", "shared", "transport", "reject", "inertial", "unaffected", "units",
    "until", "wait", "on",
    // HLS block-level ports and names of the generated code
    "ap_clk", "ap_rst", "ap_rst_n", "ap_start", "ap_done", "ap_idle", "ap_ready",
    "ap_return", "ap_continue", "ap_ctrl", "s_axi_control", "control", "interrupt",
});

constexpr std::string_view kGeneratedPrefix = "znn_";

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::optional<std::string> identifier_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxIdentifierLength) {
    return "is longer than " + std::to_string(kMaxIdentifierLength) + " characters";
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    if (i == 0 && !letter) {
      return "must start with a letter (A-Z, a-z)";
    }
    if (!letter && !digit && c != '_') {
      const std::string shown = (c >= 0x21 && c < 0x7f) ? std::string(1, static_cast<char>(c))
                                                         : "byte " + std::to_string(c);
      return "contains '" + shown + "' at position " + std::to_string(i) +
             ": only letters, digits and '_' are allowed (the name becomes a C++, Tcl, RTL "
             "and Python identifier)";
    }
  }
  if (name.find("__") != std::string_view::npos) return "contains '__' (reserved in C++)";
  if (name.back() == '_') return "ends with '_' (HLS and RTL names would become ambiguous)";
  const std::string lower = to_lower(name);
  if (lower.rfind(kGeneratedPrefix, 0) == 0) {
    return "starts with '" + std::string(kGeneratedPrefix) + "', reserved for generated names";
  }
  for (std::string_view word : kReserved) {
    if (lower == to_lower(word)) {
      return "is a reserved word ('" + std::string(word) + "') in C++, Python, Verilog, VHDL or HLS";
    }
  }
  return std::nullopt;
}

void require_identifier(std::string_view name, const std::string& where) {
  if (auto problem = identifier_problem(name)) {
    throw Error(ErrorCode::invalid_argument, "name is not a safe identifier: it " + *problem, where);
  }
}

}  // namespace zynqnn::spec
