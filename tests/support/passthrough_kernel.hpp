#pragma once
// The C ABI tests' kernel: 64 int32 words in, the same words out, generated (and its
// simulation library built) into `folder`.
#include <unistd.h>

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

// A test suite's folder (named after `prefix` and the process) holding the kernel generated
// into its "passthrough" subfolder; remove_passthrough_suite removes it again.
inline std::filesystem::path* make_passthrough_suite(const std::string& prefix) {
  auto* root = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                         (prefix + "_" + std::to_string(::getpid())));
  std::filesystem::remove_all(*root);
  generate_passthrough_kernel(*root / "passthrough");
  return root;
}
inline void remove_passthrough_suite(std::filesystem::path*& root) {
  std::filesystem::remove_all(*root);
  delete root;
  root = nullptr;
}

}  // namespace zynqnn::testing
