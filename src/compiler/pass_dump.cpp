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

nlohmann::json partition_json(const graph::Graph& graph, const Partition& partition) {
  auto names = [&](const std::vector<std::size_t>& nodes) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i : nodes) out.push_back(graph.nodes[i].name);
    return out;
  };
  nlohmann::json p{{"ps_before_pl", names(partition.pre_nodes)},
                   {"pl", names(partition.pl_nodes)},
                   {"ps_after_pl", names(partition.post_nodes)}};
  if (partition.refused_node)
    p["refused"] = {{"node", graph.nodes[*partition.refused_node].name}, {"why", partition.refusal}};
  return p;
}

}  // namespace

nlohmann::json graph_to_json(const graph::Graph& graph, const Partition* partition) {
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
  nlohmann::json doc{{"graph", graph.name}, {"opset", graph.opset}, {"inputs", graph.inputs},
                     {"outputs", graph.outputs}, {"nodes", nodes},      {"values", values}};
  if (partition != nullptr) doc["partition"] = partition_json(graph, *partition);
  return doc;
}

}  // namespace zynqnn::compiler
