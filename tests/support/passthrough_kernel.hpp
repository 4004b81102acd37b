#pragma once
// The C ABI tests' kernel: 64 int32 words in, the same words out, generated (and its
// simulation library built) into `folder`.
#include <filesystem>
#include <string>

#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

namespace zynqnn::testing {

inline void generate_passthrough_kernel(const std::filesystem::path& folder) {
  codegen::GenerateOptions options;
  options.hls_include_dir = std::string(ZYNQNN_SOURCE_DIR) + "/hls/include";
  options.project_include_dir = std::string(ZYNQNN_SOURCE_DIR) + "/include";
  options.output_dir = folder;
  codegen::generate(spec::parse_kernel_spec(R"({
      "kernel": "passthrough", "board": "pynq-z2", "clock_mhz": 100, "control": "none",
      "streams": [
        {"name": "in_data", "direction": "in", "type": "int32", "shape": [64], "stream_width": 32},
        {"name": "out_data", "direction": "out", "type": "int32", "shape": [64], "stream_width": 32}]})"),
                    options);
}

}  // namespace zynqnn::testing
