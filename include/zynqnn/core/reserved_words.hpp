#pragma once
// Words a generated name must never be: it ends up as a C++ identifier (HLS top, testbench),
// a Python identifier (wrapper), a Verilog/VHDL port (the RTL Vitis HLS writes), a Tcl word,
// or collides with HLS block-level ports and common macros. One list for every generator.
#include <string_view>

namespace zynqnn {

// Case-insensitive (VHDL is); returns the listed spelling of the word `name` matches, or an
// empty view.
std::string_view reserved_word_match(std::string_view name) noexcept;

}  // namespace zynqnn
