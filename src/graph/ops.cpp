#include "zynqnn/graph/ops.hpp"

#include <fmt/format.h>

#include "requant.h"
#include "zynqnn/graph/infer.hpp"

namespace zynqnn::graph {
namespace {
[[noreturn]] void bad(const Node& node, const std::string& why) {
  throw Error(ErrorCode::invalid_argument, why, node.where());
}

std::vector<std::int64_t> spatial_attr(const Node& node, std::string_view attr, std::size_t count,
                                       std::int64_t fallback, std::int64_t minimum) {
  auto values = node.get_ints(attr, std::vector<std::int64_t>(count, fallback));
  if (values.size() != count)
    bad(node, fmt::format("attribute '{}' has {} values, expected {}", attr, values.size(), count));
  for (const auto v : values)
    if (v < minimum || v > kMaxDimension)
      bad(node, fmt::format("attribute '{}' value {} is outside {}..{}", attr, v, minimum,
                            kMaxDimension));
  return values;
}

// Window attributes of a 1-D or 2-D operator as 2-D ones: a 1-D window is the H = 1 case
// (kernel, stride and dilation 1 on H, no H padding; pads [begin, end] become [0, begin, 0, end]).
struct Window2d {
  std::vector<std::int64_t> kernel, strides, dilations, pads;
};
Window2d window_attrs(const Node& node, std::size_t spatial, std::int64_t kernel_fallback) {
  Window2d w{spatial_attr(node, "kernel_shape", spatial, kernel_fallback, kernel_fallback),
             spatial_attr(node, "strides", spatial, 1, 1), spatial_attr(node, "dilations", spatial, 1, 1),
             spatial_attr(node, "pads", 2 * spatial, 0, 0)};
  if (spatial == 1) {
    w.kernel.insert(w.kernel.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.pads = {0, w.pads[0], 0, w.pads[1]};
  }
  return w;
}

const Shape& shape_of(const Graph& graph, const Node& node, std::size_t index) {
  if (!node.has_input(index)) bad(node, fmt::format("input {} is missing", index));
  const Value& v = graph.value(node.input(index));
  if (!v.shape_known) bad(node, fmt::format("shape of input '{}' is not known", v.name));
  return v.shape;
}
}  // namespace

AxisWindow resolve_window(std::string_view auto_pad, std::int64_t in, std::int64_t kernel,
                          std::int64_t stride, std::int64_t dilation, std::int64_t pad_begin,
                          std::int64_t pad_end, bool ceil_mode, const Node& node) {
  const std::int64_t effective = (kernel - 1) * dilation + 1;
  AxisWindow window;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    window.out = (in + stride - 1) / stride;
    const std::int64_t total = std::max<std::int64_t>(0, (window.out - 1) * stride + effective - in);
    window.pad_begin = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
    window.pad_end = total - window.pad_begin;
    return window;
  }
  if (auto_pad == "VALID") {
    pad_begin = 0;
    pad_end = 0;
  } else if (auto_pad != "NOTSET" && !auto_pad.empty()) {
    bad(node, fmt::format("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", auto_pad));
  }
  const std::int64_t span = in + pad_begin + pad_end - effective;
  if (span < 0)
    bad(node, fmt::format("window of {} does not fit input {} with pads {}+{}", effective, in,
                          pad_begin, pad_end));
  window.pad_begin = pad_begin;
  window.pad_end = pad_end;
  window.out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // A window that would start in the end padding only is dropped (ONNX/PyTorch rule).
  if (ceil_mode && (window.out - 1) * stride >= in + pad_begin) --window.out;
  return window;
}

ConvParams conv_params(const Node& node, const Shape& x_given, const Shape& w_given) {
  if (x_given.size() == 5) throw_unsupported(node, "3-D convolution; only 1-D and 2-D");
  if (!((x_given.size() == 4 && w_given.size() == 4) || (x_given.size() == 3 && w_given.size() == 3)))
    bad(node, fmt::format("input {} and weights {} are not both 3-D or both 4-D", shape_to_string(x_given),
                          shape_to_string(w_given)));
  ConvParams p;
  p.one_d = x_given.size() == 3;
  const Shape x = p.one_d ? Shape{x_given[0], x_given[1], 1, x_given[2]} : x_given;
  const Shape w = p.one_d ? Shape{w_given[0], w_given[1], 1, w_given[2]} : w_given;
  p.batch = x[0];
  p.in_channels = x[1];
  p.in_h = x[2];
  p.in_w = x[3];
  p.out_channels = w[0];
  p.kernel_h = w[2];
  p.kernel_w = w[3];
  p.group = node.get_int("group", 1);
  if (p.group < 1 || p.in_channels % p.group != 0 || p.out_channels % p.group != 0 ||
      w[1] * p.group != p.in_channels)
    bad(node, fmt::format("group {} does not fit input channels {} and weights {}", p.group,
                          p.in_channels, shape_to_string(w)));
  const Window2d attrs = window_attrs(node, p.one_d ? 1 : 2, 0);
  const auto& kernel = attrs.kernel;
  if (node.has("kernel_shape") && (kernel[0] != p.kernel_h || kernel[1] != p.kernel_w))
    bad(node, "kernel_shape disagrees with the weights");
  const auto& strides = attrs.strides;
  const auto& dilations = attrs.dilations;
  const auto& pads = attrs.pads;
  const std::string auto_pad = node.get_string("auto_pad", "NOTSET");
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  p.dilation_h = dilations[0];
  p.dilation_w = dilations[1];
  const auto h = resolve_window(auto_pad, p.in_h, p.kernel_h, p.stride_h, p.dilation_h, pads[0], pads[2], false, node);
  const auto v = resolve_window(auto_pad, p.in_w, p.kernel_w, p.stride_w, p.dilation_w, pads[1], pads[3], false, node);
  p.pad_top = h.pad_begin;
  p.pad_bottom = h.pad_end;
  p.out_h = h.out;
  p.pad_left = v.pad_begin;
  p.pad_right = v.pad_end;
  p.out_w = v.out;
  return p;
}

ConvParams conv_params(const Graph& graph, const Node& node) {
  const std::size_t weight_index = node.op == "QLinearConv" ? 3 : 1;
  return conv_params(node, shape_of(graph, node, 0), shape_of(graph, node, weight_index));
}

PoolParams pool_params(const Node& node, const Shape& x_given) {
  if (x_given.size() == 5) throw_unsupported(node, "3-D pooling; only 1-D and 2-D");
  if (x_given.size() != 4 && x_given.size() != 3) bad(node, fmt::format("input {} is not 3-D or 4-D", shape_to_string(x_given)));
  PoolParams p;
  p.one_d = x_given.size() == 3;
  const Shape x = p.one_d ? Shape{x_given[0], x_given[1], 1, x_given[2]} : x_given;
  p.is_max = node.op == "MaxPool" || node.op == "GlobalMaxPool";
  p.batch = x[0];
  p.channels = x[1];
  p.in_h = x[2];
  p.in_w = x[3];
  if (node.op == "GlobalAveragePool" || node.op == "GlobalMaxPool") {
    p.kernel_h = p.in_h;
    p.kernel_w = p.in_w;
    p.out_h = p.out_w = 1;
    if (p.in_h == 0 || p.in_w == 0) bad(node, "empty spatial input");
    return p;
  }
  if (!node.has("kernel_shape")) bad(node, "attribute 'kernel_shape' is missing");
  const Window2d attrs = window_attrs(node, p.one_d ? 1 : 2, 1);
  const auto& kernel = attrs.kernel;
  const auto& strides = attrs.strides;
  const auto& dilations = attrs.dilations;
  const auto& pads = attrs.pads;
  const bool ceil_mode = node.get_int("ceil_mode", 0) != 0;
  p.count_include_pad = node.get_int("count_include_pad", 0) != 0;
  if (ceil_mode && !p.is_max && p.count_include_pad)
    throw_unsupported(node, "ceil_mode=1 with count_include_pad=1");
  if (node.get_int("storage_order", 0) != 0) throw_unsupported(node, "storage_order=1");
  const std::string auto_pad = node.get_string("auto_pad", "NOTSET");
  p.kernel_h = kernel[0];
  p.kernel_w = kernel[1];
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  p.dilation_h = dilations[0];
  p.dilation_w = dilations[1];
  const auto h = resolve_window(auto_pad, p.in_h, p.kernel_h, p.stride_h, p.dilation_h, pads[0], pads[2], ceil_mode, node);
  const auto w = resolve_window(auto_pad, p.in_w, p.kernel_w, p.stride_w, p.dilation_w, pads[1], pads[3], ceil_mode, node);
  p.pad_top = h.pad_begin;
  p.pad_bottom = h.pad_end;
  p.out_h = h.out;
  p.pad_left = w.pad_begin;
  p.pad_right = w.pad_end;
  p.out_w = w.out;
  if (p.pad_top >= p.kernel_h * p.dilation_h || p.pad_left >= p.kernel_w * p.dilation_w ||
      p.pad_bottom >= p.kernel_h * p.dilation_h || p.pad_right >= p.kernel_w * p.dilation_w) {
    // A window made only of padding has no defined average or maximum.
    bad(node, "padding is not smaller than the window");
  }
  return p;
}

Shape ConvParams::output_shape() const {
  return one_d ? Shape{batch, out_channels, out_w} : Shape{batch, out_channels, out_h, out_w};
}

Shape PoolParams::output_shape() const { return one_d ? Shape{batch, channels, out_w} : Shape{batch, channels, out_h, out_w}; }

PoolParams pool_params(const Graph& graph, const Node& node) {
  return pool_params(node, shape_of(graph, node, 0));
}

GemmParams gemm_params(const Node& node, const Shape& a, const Shape& b) {
  if (a.size() != 2 || b.size() != 2)
    bad(node, fmt::format("A {} and B {} must be 2-D", shape_to_string(a), shape_to_string(b)));
  GemmParams p;
  p.alpha = node.get_float("alpha", 1.0F);
  p.beta = node.get_float("beta", 1.0F);
  p.trans_a = node.get_int("transA", 0) != 0;
  p.trans_b = node.get_int("transB", 0) != 0;
  p.m = p.trans_a ? a[1] : a[0];
  p.k = p.trans_a ? a[0] : a[1];
  const std::int64_t kb = p.trans_b ? b[1] : b[0];
  p.n = p.trans_b ? b[0] : b[1];
  if (kb != p.k)
    bad(node, fmt::format("inner dimensions differ: A {} B {}", shape_to_string(a), shape_to_string(b)));
  p.has_bias = node.has_input(2);
  return p;
}

GemmParams gemm_params(const Graph& graph, const Node& node) {
  return gemm_params(node, shape_of(graph, node, 0), shape_of(graph, node, 1));
}

RequantParams requant_params(const Graph& graph, const Node& node) {
  if (node.op != "QConv" && node.op != "QGemm") bad(node, "not a QConv or QGemm node");
  auto constant = [&](std::size_t index) {
    const Value& v = graph.value(node.input(index));
    if (!v.constant || v.dtype != DType::int32)
      bad(node, fmt::format("input '{}' must be an int32 constant", v.name));
    const auto d = v.constant->data<std::int32_t>();
    return std::vector<std::int32_t>(d.begin(), d.end());
  };
  RequantParams p;
  p.bias = constant(2);
  p.multiplier = constant(3);
  p.shift = constant(4);
  p.input_zero_point = node.get_int("input_zero_point", 0);
  p.output_zero_point = node.get_int("output_zero_point", 0);
  p.clamp_min = node.get_int("clamp_min", -128);
  p.clamp_max = node.get_int("clamp_max", 127);
  return p;
}

std::int64_t requantize(std::int32_t acc, std::int32_t multiplier, std::int32_t shift) {
  return zynqnn_hls::rounding_shift_right(static_cast<std::int64_t>(acc) * multiplier, shift);
}

}  // namespace zynqnn::graph
