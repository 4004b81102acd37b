#pragma once
// Typed views of the nodes a code generator or the executor needs to walk: every attribute
// default applied, auto_pad resolved, shapes checked. Each accessor throws invalid_argument
// (naming the node) if the node does not fit.
#include <cstdint>
#include <string_view>
#include <vector>

#include "zynqnn/graph/graph.hpp"

namespace zynqnn::graph {

// 2-D convolution (Conv, ConvInteger, QLinearConv, QConv): NCHW input, OIHW weights.
struct ConvParams {
  std::int64_t batch = 1;
  std::int64_t in_channels = 0, out_channels = 0, group = 1;
  std::int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool one_d = false;  // [N, C, L]: computed as H = 1, the output is [N, C, out_w]
  bool depthwise() const { return group > 1 && group == in_channels && group == out_channels; }
  Shape output_shape() const;
};
ConvParams conv_params(const Node& node, const Shape& input, const Shape& weights);
ConvParams conv_params(const Graph& graph, const Node& node);

// 1-D or 2-D MaxPool / AveragePool; GlobalAveragePool/GlobalMaxPool give a kernel of the input size.
struct PoolParams {
  bool is_max = true;
  std::int64_t batch = 1, channels = 0;
  std::int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;
  bool one_d = false;  // [N, C, L]: computed as H = 1, the output is [N, C, out_w]
  Shape output_shape() const;
};
PoolParams pool_params(const Node& node, const Shape& input);
PoolParams pool_params(const Graph& graph, const Node& node);

// Gemm / QGemm: Y[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C.
struct GemmParams {
  std::int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0F, beta = 1.0F;
  bool trans_a = false, trans_b = false;
  bool has_bias = false;
};
GemmParams gemm_params(const Node& node, const Shape& a, const Shape& b);
GemmParams gemm_params(const Graph& graph, const Node& node);

// Integer requantization of QConv / QGemm (quantizer output): per output channel
// y = clamp(requantize(acc + bias[c], multiplier[c], shift[c]) + output_zero_point, clamp_min,
// clamp_max) with acc = sum((x - input_zero_point) * w). Vectors have one entry per channel
// (a single entry applies to all).
struct RequantParams {
  std::vector<std::int32_t> bias, multiplier, shift;
  std::int64_t input_zero_point = 0, output_zero_point = 0;
  std::int64_t clamp_min = -128, clamp_max = 127;
};
RequantParams requant_params(const Graph& graph, const Node& node);

// Resolves padding for one spatial axis: explicit pads or an auto_pad mode (NOTSET, VALID,
// SAME_UPPER, SAME_LOWER). Returns {begin, end, out}; ceil_mode rounds the window count up.
struct AxisWindow {
  std::int64_t pad_begin = 0, pad_end = 0, out = 0;
};
AxisWindow resolve_window(std::string_view auto_pad, std::int64_t in, std::int64_t kernel,
                          std::int64_t stride, std::int64_t dilation, std::int64_t pad_begin,
                          std::int64_t pad_end, bool ceil_mode, const Node& node);

}  // namespace zynqnn::graph

namespace zynqnn::graph {

// Integer-only requantization, as the accelerator does it (zynqnn_hls::rounding_shift_right in
// hls/layers/requant.h, the one definition): round_half_even(acc * multiplier * 2^-shift),
// exact in 64-bit arithmetic; multiplier >= 0 and shift in 1..62.
std::int64_t requantize(std::int32_t acc, std::int32_t multiplier, std::int32_t shift);

}  // namespace zynqnn::graph
