#include "zynqnn/spec/identifier.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "zynqnn/core/error.hpp"
#include "zynqnn/core/reserved_words.hpp"

namespace zynqnn::spec {
namespace {

constexpr std::size_t kMaxIdentifierLength = 64;

constexpr std::string_view kGeneratedPrefix = "znn_";

// Names the generated code itself uses in the scope a kernel or stream name lands in
// (templates/hls/*.mustache, templates/sim/*, templates/python/*, templates/vivado/*): a
// stream named like a local of the testbench's main() shadows it, a kernel named like a
// namespace, a type or the Python module breaks the file that declares it.
constexpr auto kGeneratedCodeNames = std::to_array<std::string_view>({
    // C and C++ library names the testbench and top call or declare
    "printf", "snprintf", "fopen", "fread", "fgetc", "fclose", "FILE", "size_t", "std", "uint8_t",
    "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t", "int64_t", "argc", "argv",
    // HLS types and namespaces
    "hls", "ap_int", "ap_uint", "ap_fixed", "ap_ufixed", "ap_axiu", "ap_axis", "zynqnn_hls",
    // Locals of the testbench's main() a stream name would shadow where the stream is used
    // (hls/tb.cpp), and the host build's frame function's parameters (sim/<kernel>_abi.cpp)
    "i", "w", "word", "data", "slot", "bytes", "raw", "got", "expected", "last", "last_word",
    "failures", "constants_dir", "value", "inputs", "outputs",
    // The Python wrapper's module-level names (python/<kernel>.py)
    "zynqnn", "os", "MANIFEST_PATH",
    // Cells of the generated block design (vivado/build_bd.tcl): a kernel's instance is
    // "<kernel>_0", a DMA "axi_dma_<k>"
    "axi_dma", "processing_system7", "rst_ps7", "ps7", "irq_concat", "axi_mem_intercon",
});

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
  if (const std::string_view word = reserved_word_match(name); !word.empty()) {
    return "is a reserved word ('" + std::string(word) + "') in C++, Python, Verilog, VHDL, Tcl or HLS";
  }
  for (const std::string_view used : kGeneratedCodeNames) {
    if (lower == to_lower(used)) {
      return "is a name the generated code uses itself ('" + std::string(used) +
             "': a C or HLS library name, a local of the generated testbench, a module the Python "
             "wrapper imports, or a cell of the block design)";
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
