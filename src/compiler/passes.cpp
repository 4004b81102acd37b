// The compiler's passes in order (passes.hpp): each one a function of the compile state that
// says what it changed.
#include "zynqnn/compiler/passes.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/compile_state.hpp"
#include "compiler/pass_dump.hpp"
#include "compiler/plan_json.hpp"
#include "compiler/quantize_plan.hpp"
#include "zynqnn/codegen/output_folder.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/graph/passes.hpp"
#include "zynqnn/onnx/import.hpp"
#include "zynqnn/spec/name_rules.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;

spec::ElementType parse_type(const std::string& name) {
  auto t = spec::parse_element_type(name);
  if (!t) throw Error(ErrorCode::unsupported, "unsupported: stream element type " + name, "compile");
  return *t;
}

// Where each name of the interface comes from in the model, for a refusal.
spec::NameOrigins name_origins(const fs::path& model, const std::vector<NetworkPort>& ports) {
  spec::NameOrigins origins;
  // The kernel is named after the model file, or after its folder for a file named model.onnx.
  const bool from_folder = model.stem().empty() || model.stem() == "model";
  origins.kernel = from_folder ? "the kernel name, from the model's folder name '" + model.parent_path().filename().string() + "'"
                               : "the kernel name, from the model file name '" + model.filename().string() + "'";
  origins.stream = [ports](std::size_t i) {
    return "the stream of model " + std::string(ports[i].constant ? "weights" : ports[i].is_input ? "input" : "output") +
           " '" + ports[i].value + "'";
  };
  return origins;
}

std::size_t count_constants(const graph::Graph& g) {
  return static_cast<std::size_t>(
      std::count_if(g.values().begin(), g.values().end(), [](const auto& v) { return v.second.constant.has_value(); }));
}

std::string import_pass(CompileState& state) {
  onnx_import::ImportOptions import;
  import.fold_dequantize = false;  // strip-qdq records the quantization of a QDQ model's weights
  import.optimize = false;         // the fusions are the next pass
  state.graph = onnx_import::import_file(state.options.model, import);
  return fmt::format("{} nodes, {} constants after constant folding (opset {})", state.graph.nodes.size(),
                     count_constants(state.graph), state.graph.opset);
}

std::string fuse_pass(CompileState& state) {
  const graph::Rewrites r = graph::optimize(state.graph);
  state.graph.sort();
  state.graph.validate();
  return fmt::format("removed {} Identity/Dropout; {} Conv+Add into Conv bias; {} BatchNormalization folded or "
                     "made ChannelAffine; {} MatMul to Gemm; {} unused values dropped",
                     r.identities, r.conv_bias_adds, r.batch_norms, r.matmuls_to_gemm, r.unused_values);
}

std::string strip_qdq_pass(CompileState& state) {
  const std::size_t before = state.graph.nodes.size();
  // A model quantized as given (QDQ) runs int8 with its own scales and zero points.
  state.model_quantization = strip_qdq(state.graph);
  state.precision = state.options.precision;
  if (state.model_quantization.empty())
    return before == state.graph.nodes.size() ? "no quantized activations: nothing to strip"
                                              : fmt::format("{} nodes removed", before - state.graph.nodes.size());
  if (state.precision.kind == PrecisionKind::fixed)
    throw Error(ErrorCode::unsupported, "unsupported: fixed-point precision for a model quantized as given (QDQ): it runs int8",
                "--precision " + state.precision.name());
  state.precision = Precision{PrecisionKind::int8};
  return fmt::format("{} QuantizeLinear/DequantizeLinear nodes removed; the quantization of {} activations and {} "
                     "constants recorded; precision int8",
                     before - state.graph.nodes.size(), state.model_quantization.activations.size(),
                     state.model_quantization.constants.size());
}

std::string partition_pass(CompileState& state) {
  const Partition& p = state.partition.emplace(partition(state.graph));
  std::string changed = fmt::format("{} nodes on the PL; {} on the PS before the PL, {} after", p.pl_nodes.size(),
                                    p.pre_nodes.size(), p.post_nodes.size());
  // The refusal is raised by lowering, after the PL nodes before it: errors in graph order.
  if (p.refused_node) changed += fmt::format("; refused from node {}", state.graph.nodes[*p.refused_node].name);
  return changed;
}

std::string lower_pass(CompileState& state) {
  state.result.plan = lower_partitioned(std::move(state.graph), *state.partition, state.precision,
                                        state.name.empty() ? "network" : state.name);
  state.partition.reset();
  state.lowered = true;
  const LayerPlan& plan = state.plan();
  return fmt::format("{} PL layers from {} nodes; {} nodes on the PS before the PL, {} after", plan.layers.size(),
                     plan.pl_nodes.size(), plan.pre_nodes.size(), plan.post_nodes.size());
}

std::string quantize_pass(CompileState& state) {
  LayerPlan& plan = state.plan();
  if (!state.model_quantization.empty()) {
    plan.quantization = "model";
    if (plan.uses_pl()) quantize_plan_from_model(plan, state.model_quantization);
    return "int8 with the model's own scales and zero points";
  }
  if (plan.precision.kind != PrecisionKind::int8) return plan.precision.name() + ": nothing to quantize";
  plan.quantization = "calibrated";
  if (plan.uses_pl()) quantize_plan(plan, state.options.calibration);
  return fmt::format("int8 calibrated on {} inputs", state.options.calibration.size());
}

std::string place_weights_pass(CompileState& state) {
  LayerPlan& plan = state.plan();
  if (!plan.uses_pl()) return "no PL layer";
  place_weights(plan, state.options.weights, state.pl_clock_mhz);
  const auto in_ddr = std::count_if(plan.layers.begin(), plan.layers.end(),
                                    [](const PlLayer& l) { return !l.ddr_weight_port.empty(); });
  return fmt::format("weights of {} layers streamed from DDR, the rest on chip", in_ddr);
}

// The folding (PE/SIMD per layer) is chosen here and emitted as chosen: --target-fps picks
// it, a hand-given folding overrides it, and the estimate is of the emitted chain.
std::string fold_pass(CompileState& state) {
  LayerPlan& plan = state.plan();
  const CompileOptions& options = state.options;
  if (!plan.uses_pl()) {
    if (!options.folding.empty())
      throw Error(ErrorCode::invalid_argument, "the model has no PL layer to fold", "folding of " + options.folding.front().layer);
    return "no PL layer";
  }
  fold_for_target(plan, state.pl_clock_mhz, options.target_fps);
  apply_folding(plan, options.folding);
  std::vector<std::string> folded;
  for (const auto& l : plan.layers)
    if (l.pe > 1 || l.simd > 1) folded.push_back(fmt::format("{} {}x{}", l.id, l.pe, l.simd));
  return folded.empty() ? "every layer at PE = SIMD = 1" : fmt::format("PE x SIMD: {}", fmt::join(folded, ", "));
}

std::string estimate_pass(CompileState& state) {
  state.result.estimate = estimate(state.plan(), state.pl_clock_mhz);
  const NetworkEstimate& e = state.result.estimate;
  return fmt::format("interval ~{} cycles ({:.1f} frames/s), DSP ~{}, BRAM18 ~{}, LUT ~{} (estimates)",
                     e.interval_cycles, e.fps, e.dsp, e.bram18, e.lut);
}

// The network's sources and its interface, in memory and checked by the generator's name
// rules before anything is written.
std::string emit_pass(CompileState& state) {
  const LayerPlan& plan = state.plan();
  if (!plan.uses_pl()) return "nothing to emit: no PL layer";
  const CompileOptions& options = state.options;
  NetworkSource& source = state.source;
  spec::KernelSpec& spec = state.spec;
  source = emit_network(plan, options.model.filename().string());
  spec.kernel = plan.kernel;
  spec.board = state.board;
  spec.clock_mhz = options.clock_mhz;
  spec.control = spec::Control::none;
  spec::ComputeSpec compute;
  compute.function = source.function;
  for (const auto& p : source.ports) {
    spec::StreamSpec s;
    s.name = p.name;
    s.direction = p.is_input ? spec::Direction::in : spec::Direction::out;
    s.type = parse_type(p.spec_type);
    s.shape = p.shape;
    s.stream_bits = 32;
    spec.streams.push_back(s);
    compute.parameter_types.push_back(p.elem);
  }
  spec.compute = compute;
  // The manifest's latency (the virtual board's modeled time) is the compiler's estimate.
  spec.frame_latency_cycles = state.result.estimate.latency_cycles;
  spec::check_interface(spec, name_origins(options.model, source.ports));
  return fmt::format("{} stream ports; {} bytes of HLS C++ and {} of weights", source.ports.size(), source.source.size(),
                     source.weights_header.size());
}

using PassFunction = std::string (*)(CompileState&);

struct Pass {
  PassInfo info;
  PassFunction run;
};

const std::vector<Pass>& pass_table() {
  static const std::vector<Pass> passes{
      {{"import", "ONNX to the graph IR: shapes inferred, constant subgraphs folded"}, import_pass},
      {{"fuse", "graph rewrites: Identity/Dropout removed, Conv+Add bias, BatchNormalization folding, MatMul to Gemm"},
       fuse_pass},
      {{"strip-qdq", "a model quantized as given (QDQ): its float graph, its scales and zero points recorded"},
       strip_qdq_pass},
      {{"partition", "each node to the PS before the PL, the PL, or the PS after it (or refused, with why)"},
       partition_pass},
      {{"lower", "the PL nodes as layers of the HLS library (src/compiler/layers/<kind>.cpp)"}, lower_pass},
      {{"quantize", "int8: weights, biases and requantization from calibration or the model's own quantization"},
       quantize_pass},
      {{"place-weights", "convolution and dense weights on chip or streamed from DDR"}, place_weights_pass},
      {{"fold", "PE/SIMD per layer: --target-fps, then --fold"}, fold_pass},
      {{"estimate", "cycles, DSP, BRAM, LUT per layer and for the chain (analytical)"}, estimate_pass},
      {{"emit", "the network's HLS C++ and the accelerator's interface, checked"}, emit_pass},
      {{"write", "the output folder: plan, model, HLS, Vivado scripts, manifest (staged)"}, write_output_pass},
      {{"build-sim", "the kernel's host build (sim/libkernel.so); the folder is committed"}, build_sim_pass},
  };
  return passes;
}

void dump(const CompileState& state, std::size_t index, const std::string& pass) {
  const fs::path base = state.options.dump_dir / fmt::format("{:02}-{}", index, pass);
  if (state.lowered)
    codegen::write_file_checked(base.string() + ".plan.json",
                                plan_to_json(state.result.plan, state.result.estimate, state.options.model.filename().string()));
  else
    codegen::write_file_checked(base.string() + ".graph.json",
                                graph_to_json(state.graph, state.partition ? &*state.partition : nullptr).dump(2) + "\n");
}

bool wanted(const std::vector<std::string>& dump_after, std::string_view pass) {
  return std::find(dump_after.begin(), dump_after.end(), "all") != dump_after.end() ||
         std::find(dump_after.begin(), dump_after.end(), pass) != dump_after.end();
}

}  // namespace

const std::vector<PassInfo>& compile_passes() {
  static const std::vector<PassInfo> infos = [] {
    std::vector<PassInfo> out;
    for (const auto& p : pass_table()) out.push_back(p.info);
    return out;
  }();
  return infos;
}

std::string pass_names() {
  std::vector<std::string_view> names;
  for (const auto& p : pass_table()) names.push_back(p.info.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

void run_passes(CompileState& state, std::string_view first) {
  const auto& table = pass_table();
  for (const auto& name : state.options.dump_after) {
    if (name == "all") continue;
    if (std::none_of(table.begin(), table.end(), [&](const Pass& p) { return p.info.name == name; }))
      throw Error(ErrorCode::invalid_argument, fmt::format("unknown pass '{}' (passes: {}, or all)", name, pass_names()),
                  "--dump-after");
  }
  if (!state.options.dump_after.empty() && state.options.dump_dir.empty())
    throw Error(ErrorCode::invalid_argument, "no folder given for the dumps", "--dump-after");
  auto pass = std::find_if(table.begin(), table.end(), [&](const Pass& p) { return p.info.name == first; });
  for (; pass != table.end(); ++pass) {
    const auto start = std::chrono::steady_clock::now();
    PassRecord record{std::string(pass->info.name), pass->run(state), 0};
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (state.options.on_pass) state.options.on_pass(record);
    if (wanted(state.options.dump_after, record.name))
      dump(state, static_cast<std::size_t>(pass - table.begin()), record.name);
    state.result.passes.push_back(std::move(record));
  }
}

}  // namespace zynqnn::compiler
