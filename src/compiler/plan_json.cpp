#include "compiler/plan_json.hpp"

#include <algorithm>

#include "compiler/layers/kind.hpp"
#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/compiler/weight_placement.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/estimate/json.hpp"

namespace zynqnn::compiler {
namespace {

using nlohmann::json;

json port_json(const PlTensor& t) {
  return json{{"value", t.value},   {"stream", t.id},          {"onnx_shape", t.shape},
              {"dtype", std::string(graph::to_string(t.dtype))},
              {"pixels", t.pixels}, {"channels", t.channels},  {"height", t.height},
              {"width", t.width},   {"nchw_to_nhwc", !t.order.identity()},
              {"order_channels", t.order.channels_major}, {"order_pixels", t.order.pixels_major},
              {"scale", t.scale},   {"zero_point", t.zero_point}, {"constant", t.constant},
              {"host_packing", {{"kind", static_cast<int>(t.packing.kind)}, {"conv", t.packing.conv},
                                {"trans_b", t.packing.trans_b}, {"out_c", t.packing.out_c}, {"in_c", t.packing.in_c},
                                {"kernel_h", t.packing.kernel_h}, {"kernel_w", t.packing.kernel_w},
                                {"pe", t.packing.pe}, {"simd", t.packing.simd},
                                {"columns_channels", t.packing.columns.channels_major},
                                {"columns_pixels", t.packing.columns.pixels_major},
                                {"shape", t.packing.shape}, {"factor", t.packing.factor}}}};
}

json node_list(const LayerPlan& plan, const std::vector<std::size_t>& nodes) {
  json out = json::array();
  for (std::size_t i : nodes) out.push_back({{"op", plan.graph.nodes[i].op}, {"node", plan.graph.nodes[i].name}});
  return out;
}

}  // namespace

json estimate_to_json(const NetworkEstimate& e) {
  json layers = json::array();
  for (const auto& l : e.layers)
    layers.push_back({{"layer", l.id},
                      {"ops", l.ops},
                      {"pe", l.pe},
                      {"simd", l.simd},
                      {"cycles_estimate", l.cycles},
                      {"ii_estimate", l.cycles},
                      {"latency_cycles_estimate", l.cycles},
                      {"macs", l.macs},
                      {"dsp_estimate", l.dsp},
                      {"bram18_estimate", l.bram18},
                      {"lut_estimate", l.lut},
                      {"ddr_weight_bytes_per_frame", l.ddr_weight_bytes}});
  json out{{"clock_mhz", e.clock_mhz},
              {"layers", layers},
              {"interval_cycles_estimate", e.interval_cycles},
              {"latency_cycles_estimate", e.latency_cycles},
              {"layer_latency_cycles_estimate", e.pipeline.latency_cycles},
              {"port_cycles_estimate", e.port_cycles},
              {"fps_estimate", e.fps},
              {"dsp_estimate", e.dsp},
              {"bram18_estimate", e.bram18},
              {"lut_estimate", e.lut},
              {"ddr_weight_bytes_per_frame", e.ddr_weight_bytes},
              {"budget", {{"device", "XC7Z020"}, {"dsp", e.budget.dsp}, {"bram18", e.budget.bram18}, {"lut", e.budget.lut}}},
              {"fits_estimate", e.fits()},
              {"note", "analytical estimates (no HLS synthesis was run)"}};
  if (!e.pipeline.layers.empty()) out["estimator"] = est::to_json(e.pipeline);
  return out;
}

json layers_json(const LayerPlan& plan) {
  json layers = json::array();
  for (const auto& d : estimator_layers(plan)) {
    json l{{"name", d.name}, {"kind", std::string(est::to_string(d.kind))}, {"in_h", d.in_h}, {"in_w", d.in_w},
           {"in_channels", d.in_channels}, {"out_channels", d.out_channels}, {"kernel_h", d.kernel_h},
           {"kernel_w", d.kernel_w}, {"stride_h", d.stride_h}, {"stride_w", d.stride_w}, {"pad_top", d.pad_top},
           {"pad_left", d.pad_left}, {"pad_bottom", d.pad_bottom}, {"pad_right", d.pad_right},
           {"dilation_h", d.dilation_h}, {"dilation_w", d.dilation_w}, {"groups", d.groups},
           {"input_bits", d.input_bits}, {"weight_bits", d.weight_bits}, {"accumulator_bits", d.accumulator_bits},
           {"output_bits", d.output_bits}, {"floating_point", d.floating_point}, {"pe", d.pe}, {"simd", d.simd},
           {"weights_streamed", d.weights_streamed}};
    layers.push_back(l);
  }
  return json{{"layers", layers}};
}

std::string plan_to_json(const LayerPlan& plan, const NetworkEstimate& estimate, const std::string& model) {
  json layers = json::array();
  for (const auto& l : plan.layers) {
    json inputs = json::array();
    for (const auto& v : l.inputs) inputs.push_back(v.empty() ? std::string() : plan.tensor(v).id);
    layers.push_back({{"layer", l.id}, {"kind", compiler::layers::kind_rule(l.kind).name}, {"ops", l.ops}, {"nodes", l.nodes},
                      {"inputs", inputs}, {"output", plan.tensor(l.output).id}, {"pe", l.pe}, {"simd", l.simd},
                      {"input_lanes", input_lanes(l)}, {"output_lanes", output_lanes(l)}});
    if (can_stream_weights(l)) layers.back()["weights"] = l.ddr_weight_port.empty() ? "on-chip" : "ddr";
    if (!l.ddr_weight_port.empty()) {
      layers.back()["weight_stream"] = plan.tensor(l.ddr_weight_port).id;
      layers.back()["weight_stream_elements_per_frame"] = weight_stream_elements(l);
    }
  }
  json converters = json::array();
  for (const auto& c : width_conversions(plan))
    converters.push_back({{"stream", plan.tensor(c.value).id}, {"reader", c.reader.empty() ? "output port" : c.reader},
                          {"elements", c.elements}, {"from_lanes", c.from}, {"to_lanes", c.to}});
  json in = json::array(), out = json::array();
  for (const auto& v : plan.pl_inputs) {
    in.push_back(port_json(plan.tensor(v)));
    in.back()["key"] = v;
  }
  for (const auto& v : plan.pl_outputs) {
    out.push_back(port_json(plan.tensor(v)));
    out.back()["key"] = v;
  }
  json doc{{"schema_version", 1},
           {"model", model},
           {"kernel", plan.kernel},
           {"precision", plan.precision.name()},
           {"quantization", plan.quantization},
           {"ran_on", plan.uses_pl() ? "pl" : "ps"},
           {"ps_before_pl", node_list(plan, plan.pre_nodes)},
           {"pl_layers", layers},
           {"width_converters", converters},
           {"ps_after_pl", node_list(plan, plan.post_nodes)},
           {"pl_inputs", in},
           {"pl_outputs", out},
           {"graph_inputs", plan.graph.inputs},
           {"graph_outputs", plan.graph.outputs}};
  if (plan.uses_pl()) doc["estimate"] = estimate_to_json(estimate);
  return doc.dump(2) + "\n";
}

}  // namespace zynqnn::compiler
