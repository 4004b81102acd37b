#include "zynqnn/estimate/json.hpp"

#include <string>

namespace zynqnn::estimate {

namespace {

nlohmann::json resources_json(const Resources& r) {
  return {{"lut_estimate", r.lut}, {"ff_estimate", r.ff}, {"bram18_estimate", r.bram18}, {"dsp_estimate", r.dsp}};
}

}  // namespace

nlohmann::json to_json(const LayerEstimate& e) {
  nlohmann::json j{{"name", e.name},
                   {"kind", std::string(to_string(e.kind))},
                   {"pe", e.pe},
                   {"simd", e.simd},
                   {"cycles_per_frame_estimate", e.cycles_per_frame},
                   {"initiation_interval_cycles_estimate", e.cycles_per_frame},
                   {"window_cycles_estimate", e.window_cycles},
                   {"compute_cycles_estimate", e.compute_cycles},
                   {"latency_cycles_estimate", e.latency_cycles},
                   {"resources", resources_json(e.resources)},
                   {"weight_memory", {{"depth", e.weight_depth}, {"width_bits", e.weight_width_bits}}},
                   {"weight_stream_bytes_per_frame_estimate", e.weight_stream_bytes_per_frame}};
  return j;
}

nlohmann::json to_json(const PipelineEstimate& p) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : p.layers) layers.push_back(to_json(layer));
  nlohmann::json overflow = nlohmann::json::array();
  for (const auto& o : p.overflows)
    overflow.push_back({{"resource", o.resource}, {"used_estimate", o.used}, {"available", o.available}});
  return {{"kind", "analytical_estimate"},
          {"note", "figures come from analytical formulas, not from HLS synthesis or measurement"},
          {"clock_mhz", p.clock_mhz},
          {"cycles_per_frame_estimate", p.cycles_per_frame},
          {"bottleneck_layer", p.layers.empty() ? std::string() : p.layers[p.bottleneck].name},
          {"frames_per_second_estimate", p.frames_per_second},
          {"latency_cycles_estimate", p.latency_cycles},
          {"latency_ms_estimate", p.latency_ms},
          {"resources", resources_json(p.total)},
          {"budget",
           {{"device", p.budget.device},
            {"lut", p.budget.available.lut},
            {"ff", p.budget.available.ff},
            {"bram18", p.budget.available.bram18},
            {"dsp", p.budget.available.dsp}}},
          {"fits_estimate", p.fits()},
          {"overflows", overflow},
          {"layers", layers}};
}

nlohmann::json to_json(const FoldingResult& result, const FoldingRequest& request) {
  return {{"kind", "folding_estimate"},
          {"target_fps", request.target_fps},
          {"max_utilization", request.max_utilization},
          {"target_met_estimate", result.target_met},
          {"fits_estimate", result.fits},
          {"pipeline", to_json(result.estimate)}};
}

}  // namespace zynqnn::estimate
