#pragma once
// What `compile --dump-after PASS` writes: the graph (before lowering) as JSON, or the plan.
#include <nlohmann/json.hpp>

#include "zynqnn/compiler/partition.hpp"
#include "zynqnn/graph/graph.hpp"

namespace zynqnn::compiler {

// Inputs, outputs, nodes (op, name, inputs, outputs, attributes but tensors) and every value's
// dtype and shape; constants by shape only, not their data.
nlohmann::json graph_to_json(const graph::Graph& graph);

}  // namespace zynqnn::compiler
