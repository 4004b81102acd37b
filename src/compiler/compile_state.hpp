#pragma once
// What the compiler's passes hand on to each other (passes.hpp): the graph until lowering,
// then the layer plan, the estimate, the emitted sources and the staged output folder.
#include <memory>
#include <optional>
#include <string>

#include "compiler/qdq.hpp"
#include "zynqnn/codegen/output_folder.hpp"
#include "zynqnn/compiler/compile.hpp"
#include "zynqnn/compiler/emit.hpp"
#include "zynqnn/compiler/partition.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

namespace zynqnn::compiler {

struct CompileState {
  explicit CompileState(const CompileOptions& compile_options) : options(compile_options) {}

  const CompileOptions& options;
  spec::BoardInfo board;
  double pl_clock_mhz = 0;  // the FCLK the board's PS reaches for options.clock_mhz
  std::string name;  // the kernel's name, from the model file (or its folder)
  graph::Graph graph;
  std::optional<Partition> partition;  // from the partition pass until lowering
  bool lowered = false;  // result.plan holds the graph from the lowering on
  ModelQuantization model_quantization;
  Precision precision;
  CompileResult result;
  spec::KernelSpec spec;  // the accelerator's interface (a model with PL layers)
  NetworkSource source;
  std::unique_ptr<codegen::StagedFolder> staged;

  LayerPlan& plan() { return result.plan; }
};

// The passes that write the output folder and build the kernel's host library (write_output.cpp).
std::string write_output_pass(CompileState& state);
std::string build_sim_pass(CompileState& state);

// Runs compile_passes() from `first` on, logging and dumping as the options say.
void run_passes(CompileState& state, std::string_view first);

}  // namespace zynqnn::compiler
