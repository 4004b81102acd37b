#pragma once
// Quoting of the few values that are not identifiers or numbers (file system paths) for the
// languages they are written into.
#include <string>
#include <string_view>

namespace zynqnn::codegen {

// 'text' for a POSIX shell: single quotes, each ' written as '\''.
std::string shell_single_quote(std::string_view text);

// "text" as a C/C++/Python string literal: backslash, quote and non-printable bytes escaped.
std::string c_string_literal(std::string_view text);

}  // namespace zynqnn::codegen
