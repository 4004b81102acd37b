// `zynqnn estimate LAYERS.json`: analytical cycle/FPS/resource estimates of a layer pipeline
// on the XC7Z020, and with --target-fps the PE/SIMD folding that meets the target (or the
// best FPS that fits). Exit code 1 when the design does not fit or misses the target.
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/estimate/estimator.hpp"
#include "zynqnn/estimate/folding.hpp"
#include "zynqnn/estimate/json.hpp"
#include "zynqnn/estimate/layer_json.hpp"

namespace zynqnn::cli {

namespace {

struct EstimateOptions {
  std::string layers_path;
  double clock_mhz = 100.0;
  double target_fps = 0;
  double max_utilization = 0.85;
  bool json = false;
};

nlohmann::json read_json_file(std::string path) {
  // A `zynqnn compile` output folder: its layers.json.
  if (std::filesystem::is_directory(path)) path = (std::filesystem::path(path) / "layers.json").string();
  std::ifstream file(path);
  if (!file) throw Error(ErrorCode::io, "cannot open the layer description", path);
  std::stringstream text;
  text << file.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorCode::parse, std::string("malformed JSON: ") + e.what(), path);
  }
}

void print_pipeline(const estimate::PipelineEstimate& p) {
  fmt::print("{:<16} {:<16} {:>4} {:>4} {:>12} {:>9} {:>7} {:>6}\n", "layer", "kind", "pe", "simd", "cycles/frame",
             "lut", "bram18", "dsp");
  for (const auto& l : p.layers)
    fmt::print("{:<16} {:<16} {:>4} {:>4} {:>12} {:>9.0f} {:>7.0f} {:>6.0f}\n", l.name, estimate::to_string(l.kind), l.pe,
               l.simd, l.cycles_per_frame, l.resources.lut, l.resources.bram18, l.resources.dsp);
  fmt::print("estimate at {} MHz: {:.1f} frames/s (bottleneck {}), latency of the layer stages <= {:.3f} ms ({} cycles; "
             "a compiled model's manifest adds the unpacking/packing at its DMA ports)\n",
             p.clock_mhz, p.frames_per_second, p.layers[p.bottleneck].name, p.latency_ms, p.latency_cycles);
  fmt::print("estimated resources: {:.0f} LUT, {:.0f} FF, {:.0f} BRAM18, {:.0f} DSP of {} ({:.0f}/{:.0f}/{:.0f}/{:.0f})\n",
             p.total.lut, p.total.ff, p.total.bram18, p.total.dsp, p.budget.device, p.budget.available.lut,
             p.budget.available.ff, p.budget.available.bram18, p.budget.available.dsp);
  for (const auto& o : p.overflows)
    fmt::print("over budget: {} {:.0f} > {:.0f}\n", o.resource, o.used, o.available);
}

void run_estimate(const EstimateOptions& options) {
  const auto layers = estimate::layers_from_json(read_json_file(options.layers_path));
  if (options.target_fps > 0) {
    estimate::FoldingRequest request;
    request.target_fps = options.target_fps;
    request.clock_mhz = options.clock_mhz;
    request.max_utilization = options.max_utilization;
    const auto result = estimate::optimize_folding(layers, request);
    if (options.json) {
      fmt::print("{}\n", estimate::to_json(result, request).dump());
    } else {
      print_pipeline(result.estimate);
      fmt::print("target {:.1f} frames/s: {}\n", options.target_fps,
                 result.target_met ? "met (estimate)"
                                   : (result.fits ? "not reachable; the best that fits is shown (estimate)"
                                                  : "nothing fits the budget (estimate)"));
    }
    if (!result.target_met) set_exit_code(1);
  } else {
    const auto pipeline = estimate::estimate_pipeline(layers, options.clock_mhz);
    if (options.json) fmt::print("{}\n", estimate::to_json(pipeline).dump());
    else print_pipeline(pipeline);
    if (!pipeline.fits()) set_exit_code(1);
  }
}

}  // namespace

void add_estimate_verb(CLI::App& app) {
  auto options = std::make_shared<EstimateOptions>();
  auto* verb = app.add_subcommand("estimate", "Analytical cycle, FPS and FPGA resource estimates of a layer pipeline");
  verb->add_option("layers", options->layers_path, "JSON layer description ({\"layers\": [...]}) or a `zynqnn compile` output folder")->required();
  verb->add_option("--clock-mhz", options->clock_mhz, "PL clock in MHz");
  verb->add_option("--target-fps", options->target_fps, "choose PE/SIMD per layer to reach this frame rate");
  verb->add_option("--max-utilization", options->max_utilization, "fraction of the device the folding may use");
  verb->add_flag("--json", options->json, "print one JSON object");
  verb->callback([options] { run_estimate(*options); });
}

}  // namespace zynqnn::cli
