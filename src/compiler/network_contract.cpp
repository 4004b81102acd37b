// The host contract (network.json) of a lowered network: what the runtime needs to run it
// without the ONNX model.
#include "zynqnn/compiler/host_run.hpp"

namespace zynqnn::compiler {
namespace {

network::ValueInfo value_info(const graph::Graph& g, const std::string& name) {
  const graph::Value& v = g.value(name);
  network::ValueInfo info{name, v.dtype, std::nullopt};
  if (v.shape_known) info.shape = v.shape;
  return info;
}

std::vector<graph::Node> ps_nodes(const LayerPlan& plan, const std::vector<std::size_t>& indices,
                                  graph::TensorMap& constants) {
  std::vector<graph::Node> nodes;
  for (std::size_t i : indices) {
    const graph::Node& node = plan.graph.nodes.at(i);
    for (const auto& name : node.inputs)
      if (const auto* v = name.empty() ? nullptr : plan.graph.find(name); v && v->constant)
        constants.emplace(name, *v->constant);
    nodes.push_back(node);
  }
  return nodes;
}

}  // namespace

network::NetworkContract network_contract(const LayerPlan& plan) {
  network::NetworkContract c;
  c.kernel = plan.kernel;
  c.precision = plan.precision;
  c.opset = plan.graph.opset;
  for (const auto& name : plan.graph.inputs) c.inputs.push_back(value_info(plan.graph, name));
  for (const auto& name : plan.graph.outputs) c.outputs.push_back(value_info(plan.graph, name));
  c.ps_before_pl = ps_nodes(plan, plan.pre_nodes, c.constants);
  c.ps_after_pl = ps_nodes(plan, plan.post_nodes, c.constants);
  c.uses_pl = plan.uses_pl();
  for (const auto& v : plan.pl_inputs) c.pl_inputs.push_back(plan.tensor(v));
  for (const auto& v : plan.pl_outputs) c.pl_outputs.push_back(plan.tensor(v));
  return c;
}

}  // namespace zynqnn::compiler
