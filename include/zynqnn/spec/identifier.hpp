#pragma once
// Names from a spec become C++ identifiers, Tcl words, Vivado cell/port names, RTL ports
// and Python identifiers. Rather than escaping them for each language, only names that are
// plain and safe in all of them are accepted.
#include <optional>
#include <string>
#include <string_view>

namespace zynqnn::spec {

// Why `name` cannot be used as a generated identifier, or nullopt when it can. Accepted:
// [A-Za-z][A-Za-z0-9_]{0,63}, not a C++/Python/Verilog/VHDL reserved word, not one of the
// HLS block-level port names (ap_clk, ap_start...), not a name the generated code uses itself
// (printf, std, hls, ap_int, a testbench local such as i or word, the Python module zynqnn),
// not starting with the prefix reserved for generated names ("znn_"), no double underscore,
// no trailing underscore. The rules a whole interface must follow are in name_rules.hpp.
std::optional<std::string> identifier_problem(std::string_view name);

// Throws zynqnn::Error(invalid_argument, problem, where) when identifier_problem() says so.
void require_identifier(std::string_view name, const std::string& where);

}  // namespace zynqnn::spec
