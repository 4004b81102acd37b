#include "zynqnn/graph/executor.hpp"

#include <fmt/format.h>

namespace zynqnn::graph {

Executor::Executor(const Graph& graph) : graph_(graph) {
  graph_.validate();
  order_ = graph_.topological_order();
}

TensorMap Executor::run(const TensorMap& inputs, const Observer& observer) const {
  TensorMap values;
  for (const auto& name : graph_.inputs) {
    const auto found = inputs.find(name);
    if (found == inputs.end())
      throw Error(ErrorCode::invalid_argument, fmt::format("input '{}' is missing", name), "executor");
    const Value& declared = graph_.value(name);
    const Tensor& given = found->second;
    if (given.dtype() != declared.dtype || (declared.shape_known && given.shape() != declared.shape))
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("input '{}' is {} {}, the graph expects {} {}", name, to_string(given.dtype()),
                              shape_to_string(given.shape()), to_string(declared.dtype),
                              declared.shape_known ? shape_to_string(declared.shape) : "[?]"),
                  "executor");
    values.emplace(name, given);
    if (observer) observer(name, given);
  }
  for (const auto& [name, unused] : inputs)
    if (values.find(name) == values.end())
      throw Error(ErrorCode::invalid_argument, fmt::format("'{}' is not an input of the graph", name), "executor");

  auto lookup = [&](const std::string& name) -> const Tensor* {
    if (name.empty()) return nullptr;
    if (const auto found = values.find(name); found != values.end()) return &found->second;
    const Value& v = graph_.value(name);
    if (v.constant) return &*v.constant;
    throw Error(ErrorCode::internal, fmt::format("value '{}' is read before it is computed", name), "executor");
  };

  for (const std::size_t index : order_) {
    const Node& node = graph_.nodes[index];
    std::vector<const Tensor*> args;
    args.reserve(node.inputs.size());
    for (const auto& name : node.inputs) args.push_back(lookup(name));
    auto results = run_node(node, args, graph_.opset);
    for (std::size_t i = 0; i < results.size() && i < node.outputs.size(); ++i) {
      if (node.outputs[i].empty()) continue;
      if (observer) observer(node.outputs[i], results[i]);
      values.insert_or_assign(node.outputs[i], std::move(results[i]));
    }
  }

  TensorMap outputs;
  for (const auto& name : graph_.outputs) outputs.insert_or_assign(name, *lookup(name));
  return outputs;
}

}  // namespace zynqnn::graph
