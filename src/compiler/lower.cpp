// Lowering: the PL nodes of a partition become layers, each through the rule of its layer file
// (compiler/layers); see partition.cpp for what runs where.
#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/registry.hpp"
#include "zynqnn/compiler/partition.hpp"
#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/graph/identifier.hpp"

namespace zynqnn::compiler {

const PlTensor& LayerPlan::tensor(const std::string& value) const {
  auto it = tensors.find(value);
  if (it == tensors.end()) throw Error(ErrorCode::internal, "no PL tensor for value", value);
  return it->second;
}

LayerPlan lower_partitioned(graph::Graph graph, const Partition& partition, const Precision& precision,
                            const std::string& kernel_name) {
  LayerPlan plan;
  plan.graph = std::move(graph);
  plan.precision = precision;
  plan.kernel = graph::sanitized_identifier(kernel_name);
  plan.pre_nodes = partition.pre_nodes;
  plan.post_nodes = partition.post_nodes;
  layers::LoweringContext context(plan);
  for (std::size_t index : partition.pl_nodes) {
    const graph::Node& node = plan.graph.nodes.at(index);
    const layers::LayerRule* rule = layers::registry().find(node.op);
    if (!rule) throw Error(ErrorCode::internal, "a PL node without a layer rule", node.where());
    rule->lower(context, node);
    plan.pl_nodes.push_back(index);
  }
  if (partition.refused_node)
    layers::LoweringContext::unsupported(plan.graph.nodes.at(*partition.refused_node), partition.refusal);
  context.collect_outputs();
  if (!plan.uses_pl()) {  // nothing for the PL: the whole graph runs on the PS
    plan.pre_nodes.clear();
    plan.post_nodes = plan.graph.topological_order();
    plan.pl_inputs.clear();
    plan.pl_outputs.clear();
    plan.tensors.clear();
    plan.pl_nodes.clear();
  }
  return plan;
}

LayerPlan lower(graph::Graph graph, const Precision& precision, const std::string& kernel_name) {
  const Partition placed = partition(graph);
  return lower_partitioned(std::move(graph), placed, precision, kernel_name);
}

std::vector<std::string> describe(const LayerPlan& plan) {
  std::vector<std::string> lines;
  for (std::size_t i : plan.pre_nodes)
    lines.push_back(fmt::format("PS (before PL): {} {}", plan.graph.nodes[i].op, plan.graph.nodes[i].name));
  for (const auto& l : plan.layers)
    lines.push_back(fmt::format("PL: {} {}{}", l.ops, l.nodes.front(), l.ddr_weight_port.empty() ? "" : " (weights streamed from DDR)"));
  for (std::size_t i : plan.post_nodes)
    lines.push_back(fmt::format("PS (after PL): {} {}", plan.graph.nodes[i].op, plan.graph.nodes[i].name));
  return lines;
}

}  // namespace zynqnn::compiler
