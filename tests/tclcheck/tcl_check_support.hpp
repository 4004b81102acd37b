#pragma once
// Helpers of the tcl-check tests: kernel folders generated from the example specs, edits of
// their block-design script, and reading a report's findings.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "../codegen/test_support.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/spec/kernel_spec.hpp"
#include "zynqnn/tclcheck/tcl_check.hpp"

namespace zynqnn::tclcheck::testing {

// Generates DIR/KERNEL (hls, vivado, manifest.json) from examples/specs/KERNEL.json.
inline void generate_kernel(const std::filesystem::path& dir, const std::string& kernel) {
  codegen::GenerateOptions options;
  options.output_dir = dir / kernel;
  options.build_sim = false;
  codegen::generate(spec::load_kernel_spec(zynqnn::testing::example_spec(kernel)), options);
}

// TEXT with each (from, to) applied once, in order; every `from` must occur.
inline std::string edited(std::string text, const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text;
}

inline bool has_finding(const Report& report, const std::string& severity, const std::string& check, const std::string& text) {
  for (const auto& f : report.findings) {
    if (f.severity == severity && f.check == check && f.message.find(text) != std::string::npos) return true;
  }
  return false;
}
inline bool has_error(const Report& report, const std::string& check, const std::string& text) {
  return has_finding(report, "error", check, text);
}

inline std::string describe(const Report& report) {
  std::string out;
  for (const auto& f : report.findings) out += f.severity + " [" + f.check + "] " + f.message + "\n";
  return out;
}

}  // namespace zynqnn::tclcheck::testing
