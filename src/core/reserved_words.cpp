#include "zynqnn/core/reserved_words.hpp"

#include <array>
#include <cctype>
#include <cstddef>

namespace zynqnn {
namespace {

// Reserved words of the languages a name ends up in: C++ (the HLS top and testbench),
// Python (the wrapper), Verilog and VHDL (the RTL Vitis HLS writes, where stream names
// become ports), plus names with special meaning to HLS or the generated code.
constexpr auto kReservedWords = std::to_array<std::string_view>({
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
    // Common macros and Tcl words
    "NULL", "EOF", "errno", "stdin", "stdout", "stderr", "proc", "set",
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

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string_view reserved_word_match(std::string_view name) noexcept {
  for (std::string_view word : kReservedWords) {
    if (equal_ignoring_case(name, word)) return word;
  }
  return {};
}

}  // namespace zynqnn
