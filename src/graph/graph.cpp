#include "zynqnn/graph/graph.hpp"

#include <fmt/format.h>

#include <set>

namespace zynqnn::graph {
namespace {
template <class T>
const T* find_attribute(const Node& node, std::string_view name) {
  const auto found = node.attributes.find(std::string(name));
  if (found == node.attributes.end()) return nullptr;
  const T* value = std::get_if<T>(&found->second);
  if (value == nullptr)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("attribute '{}' has the wrong type", name), node.where());
  return value;
}
const std::string kNoInput;
}  // namespace

bool Node::has(std::string_view attribute) const {
  return attributes.count(std::string(attribute)) != 0;
}
std::int64_t Node::get_int(std::string_view attribute, std::int64_t fallback) const {
  const auto* value = find_attribute<std::int64_t>(*this, attribute);
  return value != nullptr ? *value : fallback;
}
float Node::get_float(std::string_view attribute, float fallback) const {
  const auto* value = find_attribute<float>(*this, attribute);
  return value != nullptr ? *value : fallback;
}
std::string Node::get_string(std::string_view attribute, std::string fallback) const {
  const auto* value = find_attribute<std::string>(*this, attribute);
  return value != nullptr ? *value : fallback;
}
std::vector<std::int64_t> Node::get_ints(std::string_view attribute,
                                         std::vector<std::int64_t> fallback) const {
  const auto* value = find_attribute<std::vector<std::int64_t>>(*this, attribute);
  return value != nullptr ? *value : fallback;
}
std::vector<float> Node::get_floats(std::string_view attribute, std::vector<float> fallback) const {
  const auto* value = find_attribute<std::vector<float>>(*this, attribute);
  return value != nullptr ? *value : fallback;
}
const Tensor* Node::get_tensor(std::string_view attribute) const {
  return find_attribute<Tensor>(*this, attribute);
}
const std::string& Node::input(std::size_t index) const {
  return index < inputs.size() ? inputs[index] : kNoInput;
}

Value& Graph::add_value(Value value) {
  if (value.name.empty())
    throw Error(ErrorCode::invalid_argument, "a value needs a name", "graph " + name);
  const auto [position, inserted] = values_.emplace(value.name, value);
  if (!inserted)
    throw Error(ErrorCode::invalid_argument, fmt::format("value '{}' is defined twice", value.name),
                "graph " + name);
  return position->second;
}

Value& Graph::value(std::string_view value_name) {
  const auto found = values_.find(value_name);
  if (found == values_.end())
    throw Error(ErrorCode::not_found, fmt::format("no value named '{}'", value_name), "graph " + name);
  return found->second;
}
const Value& Graph::value(std::string_view value_name) const {
  return const_cast<Graph*>(this)->value(value_name);
}
const Value* Graph::find(std::string_view value_name) const {
  const auto found = values_.find(value_name);
  return found == values_.end() ? nullptr : &found->second;
}
bool Graph::is_constant(std::string_view value_name) const {
  const Value* v = find(value_name);
  return v != nullptr && v->constant.has_value();
}
void Graph::erase_value(std::string_view value_name) {
  const auto found = values_.find(value_name);
  if (found != values_.end()) values_.erase(found);
}

std::optional<std::size_t> Graph::producer(std::string_view value_name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& out : nodes[i].outputs)
      if (out == value_name) return i;
  return std::nullopt;
}
std::vector<std::size_t> Graph::consumers(std::string_view value_name) const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& in : nodes[i].inputs)
      if (in == value_name) {
        result.push_back(i);
        break;
      }
  return result;
}
bool Graph::is_output(std::string_view value_name) const {
  for (const auto& out : outputs)
    if (out == value_name) return true;
  return false;
}

std::vector<std::size_t> Graph::topological_order() const {
  // Kahn's algorithm over value producers; iterative, so hostile depth cannot overflow a stack.
  std::map<std::string_view, std::size_t> producer_of;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& out : nodes[i].outputs)
      if (!out.empty() && !producer_of.emplace(out, i).second)
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("value '{}' is produced by more than one node", out),
                    nodes[i].where());
  std::vector<std::size_t> pending(nodes.size(), 0);
  std::vector<std::vector<std::size_t>> dependents(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& in : nodes[i].inputs) {
      const auto found = producer_of.find(in);
      if (in.empty() || found == producer_of.end()) continue;
      ++pending[i];
      dependents[found->second].push_back(i);
    }
  std::vector<std::size_t> ready, order;
  for (std::size_t i = nodes.size(); i-- > 0;)
    if (pending[i] == 0) ready.push_back(i);
  while (!ready.empty()) {
    const std::size_t i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (const std::size_t d : dependents[i])
      if (--pending[d] == 0) ready.push_back(d);
  }
  if (order.size() != nodes.size()) {
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (pending[i] != 0)
        throw Error(ErrorCode::invalid_argument, "the graph has a cycle through this node",
                    nodes[i].where());
  }
  return order;
}

void Graph::sort() {
  const auto order = topological_order();
  std::vector<Node> sorted;
  sorted.reserve(nodes.size());
  for (const std::size_t i : order) sorted.push_back(std::move(nodes[i]));
  nodes = std::move(sorted);
}

void Graph::validate() const {
  std::set<std::string_view> node_names;
  for (const auto& node : nodes) {
    if (!node_names.insert(node.name).second)
      throw Error(ErrorCode::invalid_argument, "node name is used twice", node.where());
    for (const auto& in : node.inputs)
      if (!in.empty() && find(in) == nullptr)
        throw Error(ErrorCode::invalid_argument, fmt::format("input '{}' is not defined", in),
                    node.where());
    for (const auto& out : node.outputs) {
      if (out.empty()) continue;
      const Value* v = find(out);
      if (v == nullptr)
        throw Error(ErrorCode::invalid_argument, fmt::format("output '{}' has no value", out),
                    node.where());
      if (v->constant)
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("output '{}' overwrites a constant or input", out), node.where());
      for (const auto& input : inputs)
        if (input == out)
          throw Error(ErrorCode::invalid_argument,
                      fmt::format("output '{}' overwrites a graph input", out), node.where());
    }
  }
  (void)topological_order();
  for (const auto& out : outputs)
    if (find(out) == nullptr)
      throw Error(ErrorCode::invalid_argument, fmt::format("graph output '{}' is not defined", out),
                  "graph " + name);
  for (const auto& [value_name, v] : values_)
    if (v.constant && (v.constant->shape() != v.shape || v.constant->dtype() != v.dtype))
      throw Error(ErrorCode::internal,
                  fmt::format("constant '{}' disagrees with its declared type", value_name),
                  "graph " + name);
}

std::int64_t Graph::parameter_count() const {
  std::set<std::string_view> counted;
  std::int64_t total = 0;
  for (const auto& node : nodes)
    for (const auto& in : node.inputs) {
      const Value* v = in.empty() ? nullptr : find(in);
      if (v != nullptr && v->constant && counted.insert(in).second) total += v->constant->size();
    }
  return total;
}

}  // namespace zynqnn::graph
