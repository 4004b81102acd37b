#include "compiler/pass_dump.hpp"

#include <type_traits>

namespace zynqnn::compiler {
namespace {

nlohmann::json attribute_json(const graph::AttributeValue& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, graph::Tensor>)
          return {{"tensor_shape", v.shape()}, {"dtype", graph::to_string(v.dtype())}};
        else
          return v;
      },
      value);
}

}  // namespace

nlohmann::json graph_to_json(const graph::Graph& graph) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& node : graph.nodes) {
    nlohmann::json attributes = nlohmann::json::object();
    for (const auto& [name, value] : node.attributes) attributes[name] = attribute_json(value);
    nodes.push_back({{"op", node.op}, {"name", node.name}, {"inputs", node.inputs}, {"outputs", node.outputs},
                     {"attributes", attributes}});
  }
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [name, v] : graph.values()) {
    values[name] = {{"dtype", graph::to_string(v.dtype)},
                    {"shape", v.shape_known ? nlohmann::json(v.shape) : nlohmann::json(nullptr)},
                    {"constant", v.constant.has_value()}};
  }
  return {{"graph", graph.name}, {"opset", graph.opset}, {"inputs", graph.inputs}, {"outputs", graph.outputs},
          {"nodes", nodes},      {"values", values}};
}

}  // namespace zynqnn::compiler
