// `zynqnn compile MODEL.onnx -o OUT`: an ONNX model to a dataflow accelerator project (HLS,
// Vivado, manifest, host build, Python wrapper, plan.json); prints the estimate summary.
#include <fmt/core.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/resource_paths.hpp"
#include "cli/verbs.hpp"
#include "zynqnn/compiler/compile.hpp"
#include "zynqnn/compiler/npy.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn::cli {
namespace {

// Calibration inputs from an .npy: either one input tensor of the model's input shape, or a
// stack of them along a leading axis.
std::vector<graph::TensorMap> load_calibration(const std::string& path, const std::string& model) {
  const graph::Graph g = onnx_import::import_file(model);
  if (g.inputs.size() != 1)
    throw Error(ErrorCode::unsupported, "calibration from one .npy needs a model with one input", path);
  const auto& shape = g.value(g.inputs[0]).shape;
  graph::Tensor data = compiler::read_npy(path);
  if (data.dtype() != graph::DType::float32) throw Error(ErrorCode::invalid_argument, "calibration data must be float", path);
  std::int64_t per = 1;
  for (auto d : shape) per *= d;
  if (per <= 0 || data.size() % per != 0)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} values are not a whole number of inputs of shape {}", data.size(), graph::shape_to_string(shape)), path);
  const auto values = data.data<float>();
  // A NaN or an infinity would make every range it touches meaningless (and a scale of 1.0).
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("calibration value {} (input {}, element {}) is {}: calibration data must be finite", i,
                              static_cast<std::int64_t>(i) / per, static_cast<std::int64_t>(i) % per, values[i]),
                  path);
  std::vector<graph::TensorMap> out;
  for (std::int64_t n = 0; n < data.size() / per; ++n) {
    std::vector<float> one(values.begin() + n * per, values.begin() + (n + 1) * per);
    graph::TensorMap m;
    m.emplace(g.inputs[0], graph::Tensor::from<float>(shape, one));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

void add_compile_verb(CLI::App& app) {
  struct Options {
    std::string model, output, precision = "float32", calib, board = "pynq-z1", weights = "auto";
    std::vector<std::string> fold, dump_after;
    std::string dump_dir;
    double target_fps = 0, clock_mhz = 100;
    bool no_build = false, force = false, json = false, log_passes = false;
  };
  auto o = std::make_shared<Options>();
  auto* verb = app.add_subcommand("compile", "Compile an ONNX model to a dataflow accelerator project");
  verb->add_option("model", o->model, "ONNX model")->required();
  verb->add_option("-o,--output", o->output, "Output folder")->required();
  verb->add_option("--precision", o->precision, "float32, int8 or fixed<W,I>");
  verb->add_option("--calib", o->calib, "int8: calibration inputs (.npy, float32, one or more inputs)");
  verb->add_option("--target-fps", o->target_fps,
                   "Fold layers (PE/SIMD) to meet this frame rate by the estimate (or the best that fits)");
  verb->add_option("--fold", o->fold,
                   "PE/SIMD of a layer, LAYER=PExSIMD (e.g. conv1=4x1); LAYER: the node name compile lists, or the "
                   "layer id; repeatable");
  verb->add_option("--weights", o->weights,
                   "Convolution/dense weights: auto (on chip; streamed from DDR when they do not fit), on-chip, ddr");
  const CLI::Option* board = verb->add_option("--board", o->board, "pynq-z1 or pynq-z2");
  verb->add_option("--clock-mhz", o->clock_mhz, "PL clock");
  verb->add_flag("--no-build", o->no_build, "Do not compile the host build (sim/libkernel.so)");
  verb->add_flag("--force", o->force,
                 "Replace the output folder even when it is not empty and zynqnn did not make it (everything in it goes)");
  verb->add_flag("--json", o->json, "Print one JSON object");
  verb->add_flag("--log-passes", o->log_passes, "Print what each compiler pass changed, as it ends");
  verb->add_option("--dump-after", o->dump_after,
                   "Write the graph (before lowering) or the layer plan after this pass; repeatable, or all. Passes: " +
                       compiler::pass_names());
  verb->add_option("--dump-dir", o->dump_dir, "Folder of the --dump-after files (default: OUTPUT.passes)");
  verb->callback([o, board] {
    const bool board_assumed = board->count() == 0;
    compiler::CompileOptions options;
    options.model = o->model;
    options.output_dir = o->output;
    options.precision = compiler::Precision::parse(o->precision);
    // A model quantized as given (QDQ) compiles to int8 with its own scales without --calib;
    // a float model with --precision int8 and no --calib is refused by the quantizer.
    if (options.precision.kind == compiler::PrecisionKind::int8 && !o->calib.empty())
      options.calibration = load_calibration(o->calib, o->model);
    options.target_fps = o->target_fps;
    options.weights = compiler::parse_weight_placement(o->weights);
    for (const auto& f : o->fold) options.folding.push_back(compiler::parse_layer_folding(f));
    options.board = o->board;
    options.clock_mhz = o->clock_mhz;
    options.hls_include_dir = installed_or_source("hls/include", ZYNQNN_HLS_INCLUDE_DIR_DEFAULT);
    options.hls_layers_dir = installed_or_source("hls/layers", ZYNQNN_HLS_LAYERS_DIR_DEFAULT);
    options.build_sim = !o->no_build;
    options.replace_foreign_folder = o->force;
    options.dump_after = o->dump_after;
    options.dump_dir = o->dump_dir.empty() ? o->output + ".passes" : o->dump_dir;
    if (o->log_passes && !o->json)
      options.on_pass = [](const compiler::PassRecord& r) { fmt::print("pass {:<13} {}\n", r.name, r.changed); };
    const auto result = compiler::compile_model(options);
    const auto& e = result.estimate;
    nlohmann::json passes = nlohmann::json::array();
    for (const auto& r : result.passes) passes.push_back({{"pass", r.name}, {"changed", r.changed}, {"seconds", r.seconds}});
    nlohmann::json folding = nlohmann::json::array();
    for (const auto& l : result.plan.layers) folding.push_back({{"layer", l.id}, {"pe", l.pe}, {"simd", l.simd}});
    if (o->json) {
      nlohmann::json out{{"output", o->output},
                         {"kernel", result.plan.kernel},
                         {"precision", result.plan.precision.name()},
                         {"board", o->board},
                         {"board_assumed", board_assumed},
                         {"quantization", result.plan.quantization},
                         {"ran_on", result.plan.uses_pl() ? "pl" : "ps"},
                         {"placement", compiler::describe(result.plan)},
                         {"sim_built", result.sim_built},
                         {"interval_cycles_estimate", e.interval_cycles},
                         {"latency_cycles_estimate", e.latency_cycles},
                         {"layer_latency_cycles_estimate", e.pipeline.latency_cycles},
                         {"port_cycles_estimate", e.port_cycles},
                         {"fps_estimate", e.fps},
                         {"dsp_estimate", e.dsp},
                         {"bram18_estimate", e.bram18},
                         {"lut_estimate", e.lut},
                         {"fits_estimate", e.fits()},
                         {"ddr_weight_bytes_per_frame", e.ddr_weight_bytes},
                         {"folding", folding},
                         {"clock_note", result.clock_note},
                         {"passes", passes}};
      fmt::print("{}\n", out.dump());
      return;
    }
    fmt::print("compiled {} ({}{}) into {}\n", o->model, result.plan.precision.name(),
               result.plan.quantization == "model" ? ", the model's own quantization (QDQ)" : "", o->output);
    fmt::print("  board {}{}\n", o->board, board_assumed ? " (assumed: no --board given)" : "");
    if (!result.clock_note.empty()) fmt::print("  {}\n", result.clock_note);
    for (const auto& line : compiler::describe(result.plan)) fmt::print("  {}\n", line);
    if (!result.plan.uses_pl()) {
      fmt::print("no operator needs the PL: the whole model runs on the PS (plan.json)\n");
      return;
    }
    fmt::print("estimate at {:g} MHz (analytical, not synthesis):\n", e.clock_mhz);
    for (const auto& l : e.layers)
      fmt::print("  {:<32} {:<22} PE={:<3} SIMD={:<3} cycles~{:<9} DSP~{:<4} BRAM18~{:<4} LUT~{}{}\n", l.id, l.ops, l.pe,
                 l.simd, l.cycles, l.dsp, l.bram18, l.lut,
                 l.ddr_weight_bytes ? fmt::format("  weights from DDR ({} B/frame)", l.ddr_weight_bytes) : std::string());
    fmt::print("  interval ~{} cycles ({:.1f} frames/s estimate), latency ~{} cycles (the manifest's): layer stages ~{} "
               "(`zynqnn estimate`) + unpacking/packing at the DMA ports ~{}\n",
               e.interval_cycles, e.fps, e.latency_cycles, e.pipeline.latency_cycles, e.port_cycles);
    fmt::print("  DSP ~{}/{}  BRAM18 ~{}/{}  LUT ~{}/{}  {}\n", e.dsp, e.budget.dsp, e.bram18, e.budget.bram18, e.lut,
               e.budget.lut, e.fits() ? "fits the XC7Z020 (estimate)" : "does NOT fit the XC7Z020 (estimate)");
    if (o->target_fps > 0)
      fmt::print("  target {} frames/s: {} (the folding above is what is emitted)\n", o->target_fps,
                 e.fps >= o->target_fps ? "met (estimate)" : "not met; the fastest folding that fits (estimate)");
    fmt::print("  host build: {}\n", result.sim_built ? "sim/libkernel.so" : "not built");
  });
}

}  // namespace zynqnn::cli
