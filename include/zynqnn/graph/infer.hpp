#pragma once
// Shape and type inference, one node at a time. The same function serves the importer (where
// only constants carry data) and the executor (where every input carries data), so shapes
// that depend on data (Reshape with a run-time shape input) are known exactly when they can be.
#include <span>
#include <vector>

#include "zynqnn/graph/graph.hpp"

namespace zynqnn::graph {

struct ValueInfo {
  DType dtype = DType::float32;
  Shape shape;
  bool shape_known = true;
  const Tensor* data = nullptr;  // set when the value's elements are known
  bool present = true;           // false for an absent optional input
};

struct OutputInfo {
  DType dtype = DType::float32;
  Shape shape;
  bool shape_known = true;
};

// Throws unsupported ("unsupported: <op> (<why>) at node <name>") for operators, attributes
// or types outside the supported set, invalid_argument for inconsistent shapes.
std::vector<OutputInfo> infer_node(const Node& node, std::span<const ValueInfo> inputs,
                                   std::int64_t opset);

// The message format of every unsupported-feature error.
[[noreturn]] void throw_unsupported(const Node& node, std::string_view why);

// Operators the importer, shape inference and executor handle.
bool is_supported_op(std::string_view op);

}  // namespace zynqnn::graph
