#pragma once
// Conformance check of the compiler against ONNX backend test folders (model.onnx,
// test_data_set_*/input_*.pb, output_*.pb): compile, run on the PL model (the generated
// kernel's host build) with the PS operators around it, compare with the expected outputs.
#include <filesystem>
#include <string>
#include <vector>

#include "zynqnn/compiler/precision.hpp"

namespace zynqnn::compiler {

struct CheckOptions {
  Precision precision;
  std::filesystem::path work_dir;  // one compiled project per case (reused when unchanged)
  std::string sim_opt = "-O1";     // host build optimization level
  double rtol = 1e-4, atol = 1e-5;  // float32 tolerance: |a-e| <= atol or <= rtol*|e|
};

struct CaseResult {
  std::string dir;
  std::string status;  // pass, fail, unsupported
  std::string reason;
  std::string ran_on;  // pl (with PS operators around it), ps (no PL work), or "" when not run
  double max_abs_err = 0, max_rel_err = 0;
  int data_sets = 0;
  double compile_seconds = 0, sim_build_seconds = 0, run_seconds = 0;
  bool sim_cached = false;
};

CaseResult check_case(const std::filesystem::path& dir, const CheckOptions& options);

}  // namespace zynqnn::compiler
