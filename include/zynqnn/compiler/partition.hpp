#pragma once
// The partition pass: which nodes of a graph run on the PS before the PL, which become PL
// layers, and which run on the PS after the PL. Lowering (plan.hpp) then turns the PL nodes
// into layers: lower() is partition() followed by lower_partitioned().
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler {

struct Partition {
  // Graph node indices, each list in topological order.
  std::vector<std::size_t> pre_nodes, pl_nodes, post_nodes;
  // The first node (topological order) that runs neither on the PL nor on the PS at its place,
  // and why; the nodes after it are not placed. Kept rather than thrown so that lowering
  // reports the refusals of the PL nodes before it first: errors come in graph order.
  std::optional<std::size_t> refused_node;
  std::string refusal;
};

Partition partition(const graph::Graph& graph);

// Lowers the PL nodes of `partition` (made by partition() from this same graph), then throws
// its refusal if it has one: zynqnn::Error(unsupported, "unsupported: <op> (<why>) at node <name>").
LayerPlan lower_partitioned(graph::Graph graph, const Partition& partition, const Precision& precision,
                            const std::string& kernel_name);

}  // namespace zynqnn::compiler
