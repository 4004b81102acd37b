#pragma once
// `zynqnn compile`: an ONNX model to a dataflow accelerator project. Imports and lowers the
// model (plan.hpp), quantizes it for int8, folds layers for a target frame rate, emits the
// network's HLS C++ (emit.hpp) and hands it to the generator, which writes the HLS top,
// testbench, run_hls.tcl, the Vivado block design and build.sh, manifest.json, the sim/ host
// build and the Python wrapper. The compiler adds plan.json (which operators run on the PL
// and which on the PS, and the estimate) and a copy of the model (the PS runs its operators).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/compiler/estimate.hpp"
#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/compiler/passes.hpp"
#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/compiler/weight_placement.hpp"
#include "zynqnn/graph/executor.hpp"

namespace zynqnn::compiler {

struct CompileOptions {
  std::filesystem::path model;
  std::filesystem::path output_dir;
  Precision precision;
  // int8: calibration inputs (each a tensor for the model's single input; .npy or .pb).
  std::vector<graph::TensorMap> calibration;
  double target_fps = 0;  // > 0: fold the layers (PE/SIMD) to meet this frame rate, or the best that fits
  // PE/SIMD of named layers, applied after the target's folding (tests, `compile --fold`).
  std::vector<LayerFolding> folding;
  // Where convolution and dense weights live: on chip, or streamed from DDR when they do not fit.
  WeightPlacement weights = WeightPlacement::automatic;
  std::string board = "pynq-z1";
  double clock_mhz = 100.0;
  std::filesystem::path hls_include_dir;  // hls/include (C-simulation headers)
  std::filesystem::path hls_layers_dir;   // hls/layers (copied into the project)
  bool build_sim = true;
  // Replace output_dir even when it is a non-empty folder zynqnn did not make (`--force`).
  bool replace_foreign_folder = false;
  // Optimization level of the host build of the kernel (e.g. "-O1"); empty: sim/build.sh default.
  std::string sim_cxxflags;
  // Passes after which the compiler's state is written to dump_dir as NN-PASS.graph.json
  // (before lowering) or NN-PASS.plan.json (from lowering on); "all" for every pass.
  std::vector<std::string> dump_after;
  std::filesystem::path dump_dir;
  std::function<void(const PassRecord&)> on_pass;  // called as each pass ends (the log)
};

struct CompileResult {
  LayerPlan plan;
  NetworkEstimate estimate;
  bool sim_built = false;
  bool sim_cached = false;  // the library was already built from identical sources
  double sim_build_seconds = 0;
  std::vector<std::filesystem::path> files;
  std::vector<PassRecord> passes;  // in the order they ran
  // Says so when the PL clock the block design makes differs from the requested one.
  std::string clock_note;
};

// Runs compile_passes() in order. The output folder is written whole, as `generate` writes its own (codegen/output_folder.hpp):
// the previous folder stays until the new one is complete. Throws zynqnn::Error: unsupported
// (with the node), io, invalid_argument (a name or size the generated code cannot carry,
// named with its model input or output; a refused output folder)...
CompileResult compile_model(const CompileOptions& options);

// The same, from an already imported graph (check-onnx imports once): from strip-qdq on, the
// graph as given (onnx_import has run the fusions unless told not to).
CompileResult compile_graph(graph::Graph graph, const CompileOptions& options);

}  // namespace zynqnn::compiler
