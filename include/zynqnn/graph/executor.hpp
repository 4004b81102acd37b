#pragma once
// The reference executor: runs the IR on the CPU with plain loops, float32 for float
// operators and exact integer arithmetic for the integer ones (ONNX semantics: round half to
// even in QuantizeLinear, saturation). It is the golden model accelerators are checked against.
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "zynqnn/graph/graph.hpp"

namespace zynqnn::graph {

using TensorMap = std::map<std::string, Tensor, std::less<>>;

// Runs one node. inputs[i] is null for an absent optional input.
std::vector<Tensor> run_node(const Node& node, std::span<const Tensor* const> inputs,
                             std::int64_t opset);

class Executor {
 public:
  // Called with every value computed (graph inputs included), e.g. for calibration.
  using Observer = std::function<void(const std::string& name, const Tensor& value)>;

  explicit Executor(const Graph& graph);  // validates the graph; keeps a reference

  // Inputs must match the graph inputs by name, type and (known) shape. Returns the graph
  // outputs by name.
  TensorMap run(const TensorMap& inputs, const Observer& observer = {}) const;

 private:
  const Graph& graph_;
  std::vector<std::size_t> order_;
};

}  // namespace zynqnn::graph
