#pragma once
// Operators defined by a list of axes: Squeeze, Unsqueeze, ReduceMean. The axes are an
// attribute before opset 13 (ReduceMean: 18) and an optional int64 input from then on; either
// form is accepted when it is a constant, as the operator definitions allow.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "zynqnn/graph/graph.hpp"
#include "zynqnn/graph/infer.hpp"

namespace zynqnn::graph {

bool is_axes_op(std::string_view op);

// Output shape and dtype. Throws invalid_argument (an axis out of range or repeated, Squeeze of
// a dimension that is not 1) or unsupported (axes known only at run time, a non-float ReduceMean).
OutputInfo infer_axes_op(const Node& node, std::span<const ValueInfo> inputs, std::int64_t opset);

// ReduceMean's reduced axes, normalized and sorted (every axis when the list is empty and
// noop_with_empty_axes is 0; none when it is 1); nullopt when the axes are a run-time input.
std::optional<std::vector<std::int64_t>> reduce_mean_axes(const Node& node, std::span<const ValueInfo> inputs,
                                                          std::int64_t opset, std::size_t rank);

// y = the mean of x over `axes` (double accumulation, as the pooling kernels), y's shape given.
void reduce_mean(const Tensor& x, const std::vector<std::int64_t>& axes, Tensor& y);

}  // namespace zynqnn::graph
