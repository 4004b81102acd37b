#include "zynqnn/compiler/compile.hpp"

#include "compiler/compile_state.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/spec/board_ps7.hpp"

namespace zynqnn::compiler {
namespace {

// The board and the kernel's name, checked before any pass runs.
void start(CompileState& state) {
  const CompileOptions& options = state.options;
  const auto board = spec::find_board(options.board);
  if (!board) throw Error(ErrorCode::invalid_argument, "unknown board (supported: pynq-z1, pynq-z2)", "--board " + options.board);
  state.board = *board;
  // Folding and estimates are for the clock the generated design really runs at.
  state.pl_clock_mhz = spec::board_fclk(*board, options.clock_mhz).actual_mhz;
  // The kernel is named after the model file, or after its folder for a file named model.onnx.
  state.name = options.model.stem().string();
  if (state.name.empty() || state.name == "model") state.name = options.model.parent_path().filename().string();
}

}  // namespace

CompileResult compile_model(const CompileOptions& options) {
  CompileState state(options);
  start(state);
  run_passes(state, "import");
  return std::move(state.result);
}

CompileResult compile_graph(graph::Graph graph, const CompileOptions& options) {
  CompileState state(options);
  start(state);
  state.graph = std::move(graph);
  run_passes(state, "strip-qdq");
  return std::move(state.result);
}

}  // namespace zynqnn::compiler
