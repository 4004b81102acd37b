#pragma once
// The table of ONNX operators the compiler puts on the PL, generated from the layer registry
// (src/compiler/layers): docs/compiler.md carries it between the markers below, and a test
// checks the two agree. `zynqnn operators --markdown` prints it.
#include <string>

namespace zynqnn::compiler {

inline constexpr const char* kOperatorTableBegin = "<!-- operator-table:begin -->";
inline constexpr const char* kOperatorTableEnd = "<!-- operator-table:end -->";

// The markdown table (header and one line per row, each ending in a newline).
std::string operator_table_markdown();

// `document` with the text between the markers replaced by the table. Throws
// zynqnn::Error(invalid_argument) when the markers are missing or out of order.
std::string with_operator_table(const std::string& document);

}  // namespace zynqnn::compiler
