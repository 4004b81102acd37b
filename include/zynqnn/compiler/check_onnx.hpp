#pragma once
// Conformance check of the compiler against ONNX backend test folders (model.onnx,
// test_data_set_*/input_*.pb, output_*.pb): compile, run every data set as a user's call runs
// it (the PS operators on the host, the PL part through open_accelerator(manifest, "virtual"):
// AXI DMA driver, DMA register model, simulated DDR, the kernel's C-simulation on the PL
// thread), compare with the expected outputs.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "zynqnn/compiler/precision.hpp"
#include "zynqnn/compiler/weight_placement.hpp"

namespace zynqnn::compiler {

struct CheckOptions {
  Precision precision;
  std::filesystem::path work_dir;  // one compiled project per case (reused when unchanged)
  std::string sim_opt = "-O1";     // host build optimization level
  double rtol = 1e-4, atol = 1e-5;  // float32 tolerance: |a-e| <= atol or <= rtol*|e|
  // A model quantized as given (QDQ): a float output the PL produces may differ from the
  // expected one by this many of its quantization steps (and keeps its top-1 class).
  double quant_steps = 1.0;
  std::string board = "virtual";    // open_accelerator's board
  WeightPlacement weights = WeightPlacement::automatic;  // `ddr`: every conv/dense streams its weights
  // Deadline of each frame's call, on the board's clock (modeled time on the virtual board: a
  // hung kernel fails the case at once instead of stalling the run).
  std::chrono::nanoseconds deadline = std::chrono::seconds(1);
};

struct CaseResult {
  std::string dir;
  std::string status;  // pass, fail, unsupported
  std::string reason;
  std::string ran_on;  // pl (with PS operators around it), ps (no PL work), or "" when not run
  double max_abs_err = 0, max_rel_err = 0;
  std::string quantization;    // int8: "calibrated" or "model" (QDQ as given)
  double max_quant_steps = 0;  // "model": largest output error in quantization steps
  int data_sets = 0;
  double compile_seconds = 0, sim_build_seconds = 0, run_seconds = 0;
  bool sim_cached = false;
};

// fixed<W,I> (F = W - I fraction bits): a float output passes when every element has
// |a-e| <= 2^(5-F) * max(1, max_j |e_j|) (32 units in the last place of the format, relative
// to the output's largest magnitude: the rounding of inputs, weights and each layer's result
// grows with the values the network carries) and |e| lies inside the format's range
// [-2^(I-1), 2^(I-1)); an expected value outside it cannot be represented and fails as such.
double fixed_tolerance(const Precision& precision);

CaseResult check_case(const std::filesystem::path& dir, const CheckOptions& options);

}  // namespace zynqnn::compiler
