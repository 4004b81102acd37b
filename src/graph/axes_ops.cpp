#include "axes_ops.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::graph {
namespace {

[[noreturn]] void bad(const Node& node, const std::string& why) {
  throw Error(ErrorCode::invalid_argument, why, node.where());
}

// The axes as given (attribute before `input_from_opset`, else input 1); nullopt when absent,
// throws unsupported when they are a run-time input.
std::optional<std::vector<std::int64_t>> given_axes(const Node& node, std::span<const ValueInfo> inputs,
                                                    std::int64_t opset, std::int64_t input_from_opset) {
  if (opset < input_from_opset) {
    if (!node.has("axes")) return std::nullopt;
    return node.get_ints("axes", {});
  }
  if (inputs.size() < 2 || !inputs[1].present) return std::nullopt;
  if (inputs[1].dtype != DType::int64) bad(node, fmt::format("axes are {}, expected int64", to_string(inputs[1].dtype)));
  if (inputs[1].data == nullptr) throw_unsupported(node, "axes given at run time");
  if (inputs[1].shape.size() > 1) bad(node, "axes must be 1-D");
  return inputs[1].data->to_int64s();
}

// Axes in [-rank, rank) made non-negative and sorted; a repeated axis is an error.
std::vector<std::int64_t> normalized(const Node& node, std::vector<std::int64_t> axes, std::size_t rank) {
  const auto r = static_cast<std::int64_t>(rank);
  for (auto& a : axes) {
    if (a < -r || a >= r) bad(node, fmt::format("axis {} is out of range for rank {}", a, rank));
    if (a < 0) a += r;
  }
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) bad(node, "an axis is repeated");
  return axes;
}

std::int64_t input_from_opset(std::string_view op) { return op == "ReduceMean" ? 18 : 13; }

}  // namespace

bool is_axes_op(std::string_view op) { return op == "Squeeze" || op == "Unsqueeze" || op == "ReduceMean"; }

std::optional<std::vector<std::int64_t>> reduce_mean_axes(const Node& node, std::span<const ValueInfo> inputs,
                                                          std::int64_t opset, std::size_t rank) {
  const auto axes = given_axes(node, inputs, opset, input_from_opset(node.op));
  if (axes && !axes->empty()) return normalized(node, *axes, rank);
  if (opset >= 18 && node.get_int("noop_with_empty_axes", 0) != 0) return std::vector<std::int64_t>{};
  std::vector<std::int64_t> all(rank);
  for (std::size_t i = 0; i < rank; ++i) all[i] = static_cast<std::int64_t>(i);
  return all;
}

OutputInfo infer_axes_op(const Node& node, std::span<const ValueInfo> inputs, std::int64_t opset) {
  if (inputs.empty() || !inputs[0].present) bad(node, "input 0 is missing");
  const ValueInfo& x = inputs[0];
  const Shape& in = x.shape;
  if (node.op == "Unsqueeze") {
    const auto axes = given_axes(node, inputs, opset, input_from_opset(node.op));
    if (!axes || axes->empty()) bad(node, "Unsqueeze needs axes");
    const std::size_t rank = in.size() + axes->size();
    if (rank > kMaxRank) bad(node, fmt::format("rank {} is above the limit {}", rank, kMaxRank));
    const auto at = normalized(node, *axes, rank);
    Shape out;
    auto next = in.begin();
    for (std::size_t i = 0; i < rank; ++i)
      out.push_back(std::binary_search(at.begin(), at.end(), static_cast<std::int64_t>(i)) ? 1 : *next++);
    return {x.dtype, out, true};
  }
  if (node.op == "Squeeze") {
    const auto axes = given_axes(node, inputs, opset, input_from_opset(node.op));
    std::vector<std::int64_t> at;
    if (axes) {
      at = normalized(node, *axes, in.size());
      for (auto a : at)
        if (in[static_cast<std::size_t>(a)] != 1)
          bad(node, fmt::format("axis {} has dimension {}, not 1", a, in[static_cast<std::size_t>(a)]));
    } else {
      for (std::size_t i = 0; i < in.size(); ++i)
        if (in[i] == 1) at.push_back(static_cast<std::int64_t>(i));
    }
    Shape out;
    for (std::size_t i = 0; i < in.size(); ++i)
      if (!std::binary_search(at.begin(), at.end(), static_cast<std::int64_t>(i))) out.push_back(in[i]);
    return {x.dtype, out, true};
  }
  // ReduceMean
  if (x.dtype != DType::float32) throw_unsupported(node, fmt::format("{} input '{}'", to_string(x.dtype), node.input(0)));
  const auto axes = reduce_mean_axes(node, inputs, opset, in.size());
  const bool keep = node.get_int("keepdims", 1) != 0;
  Shape out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const bool reduced = std::binary_search(axes->begin(), axes->end(), static_cast<std::int64_t>(i));
    if (!reduced) out.push_back(in[i]);
    else if (keep) out.push_back(1);
  }
  return {x.dtype, out, true};
}

void reduce_mean(const Tensor& x, const std::vector<std::int64_t>& axes, Tensor& y) {
  const Shape& s = x.shape();
  // y's element of x's element i: drop the reduced coordinates (row-major strides of y's kept axes).
  std::vector<std::int64_t> y_stride(s.size(), 0);
  std::int64_t stride = 1, count = 1;
  for (std::size_t d = s.size(); d-- > 0;) {
    if (std::binary_search(axes.begin(), axes.end(), static_cast<std::int64_t>(d))) {
      count *= s[d];
      continue;
    }
    y_stride[d] = stride;
    stride *= s[d];
  }
  std::vector<double> sums(static_cast<std::size_t>(y.size()), 0.0);
  const auto px = x.data<float>();
  std::vector<std::int64_t> index(s.size(), 0);
  for (std::int64_t i = 0; i < x.size(); ++i) {
    std::int64_t o = 0;
    for (std::size_t d = 0; d < s.size(); ++d) o += index[d] * y_stride[d];
    sums[static_cast<std::size_t>(o)] += static_cast<double>(px[static_cast<std::size_t>(i)]);
    for (std::size_t d = s.size(); d-- > 0;) {
      if (++index[d] < s[d]) break;
      index[d] = 0;
    }
  }
  auto py = y.data<float>();
  for (std::size_t o = 0; o < sums.size(); ++o)
    py[o] = static_cast<float>(count == 0 ? 0.0 : sums[o] / static_cast<double>(count));
}

}  // namespace zynqnn::graph
