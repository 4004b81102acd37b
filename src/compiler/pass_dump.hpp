#pragma once
// What `compile --dump-after PASS` writes: the graph (before lowering) as JSON, or the plan.
#include <nlohmann/json.hpp>

#include "zynqnn/compiler/partition.hpp"
#include "zynqnn/graph/graph.hpp"

namespace zynqnn::compiler {

// Inputs, outputs, nodes (op, name, inputs, outputs, attributes but tensors) and every value's
// dtype and shape (null when known only at run time); constants by shape only, not their data.
// With a partition: which nodes go to the PS before the PL, the PL and the PS after it, and the
// refusal if any.
nlohmann::json graph_to_json(const graph::Graph& graph, const Partition* partition = nullptr);

}  // namespace zynqnn::compiler
