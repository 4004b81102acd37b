#pragma once
// The graph IR: named values (graph inputs, constants, intermediate tensors) and nodes that
// read and write them. Names are kept exactly as the model gives them; code generators use
// sanitized_identifier() (identifier.hpp) to turn them into C++/Tcl identifiers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zynqnn/graph/tensor.hpp"

namespace zynqnn::graph {

using AttributeValue = std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>,
                                    std::vector<float>, Tensor>;

struct Node {
  std::string op;    // ONNX operator type (default domain) or a zynqnn operator (QConv, QGemm...)
  std::string name;  // unique in the graph; the importer names unnamed nodes <op>_<index>
  std::vector<std::string> inputs;  // "" marks an absent optional input
  std::vector<std::string> outputs;
  std::map<std::string, AttributeValue> attributes;

  bool has(std::string_view attribute) const;
  std::int64_t get_int(std::string_view attribute, std::int64_t fallback) const;
  float get_float(std::string_view attribute, float fallback) const;
  std::string get_string(std::string_view attribute, std::string fallback) const;
  std::vector<std::int64_t> get_ints(std::string_view attribute,
                                     std::vector<std::int64_t> fallback) const;
  std::vector<float> get_floats(std::string_view attribute, std::vector<float> fallback) const;
  const Tensor* get_tensor(std::string_view attribute) const;

  // Input i, or "" when it is absent.
  const std::string& input(std::size_t index) const;
  bool has_input(std::size_t index) const { return !input(index).empty(); }
  // "node <name>" for error messages.
  std::string where() const { return "node " + name; }
};

struct Value {
  std::string name;
  DType dtype = DType::float32;
  Shape shape;
  bool shape_known = true;         // false when the shape depends on data seen only at run time
  std::optional<Tensor> constant;  // initializers, Constant nodes and folded results
};

class Graph {
 public:
  std::string name;
  std::int64_t opset = 13;          // of the default ONNX domain
  std::vector<std::string> inputs;  // run-time inputs, in model order
  std::vector<std::string> outputs;
  std::vector<Node> nodes;          // in topological order once validate() passed

  // Adds a value; a second value of the same name is an error.
  Value& add_value(Value value);
  Value& value(std::string_view name);
  const Value& value(std::string_view name) const;
  const Value* find(std::string_view name) const;
  bool is_constant(std::string_view name) const;
  void erase_value(std::string_view name);
  const std::map<std::string, Value, std::less<>>& values() const { return values_; }

  // Index of the node producing `value`, or nullopt for inputs and constants.
  std::optional<std::size_t> producer(std::string_view value) const;
  // Indices of the nodes reading `value`.
  std::vector<std::size_t> consumers(std::string_view value) const;
  bool is_output(std::string_view value) const;

  // Node indices in a topological order; throws invalid_argument naming a node on a cycle.
  std::vector<std::size_t> topological_order() const;
  // Reorders `nodes` topologically (throws on cycles).
  void sort();
  // Structure checks: every input defined, each value produced once, no cycles, unique node
  // names, outputs defined, constants of the declared shape. Throws invalid_argument.
  void validate() const;

  // Number of elements in constant inputs of nodes (weights and biases).
  std::int64_t parameter_count() const;

 private:
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace zynqnn::graph
