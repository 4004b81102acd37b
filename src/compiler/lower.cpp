#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/graph/identifier.hpp"
#include "zynqnn/graph/infer.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::compiler {
namespace {

using graph::DType;
using graph::Graph;
using graph::Node;
using graph::Shape;
using graph::Tensor;

// Operators that only move data, convert it or finish the result: the PS runs them (with the
// reference kernels) before the first or after the last PL layer.
const std::set<std::string, std::less<>> kHostOps = {"Reshape",   "Flatten",         "Transpose",
                                                     "Identity",  "Dropout",         "Softmax",
                                                     "LogSoftmax", "QuantizeLinear", "DequantizeLinear",
                                                     "Cast",      "Squeeze",         "Unsqueeze",
                                                     "QLinearRequantize"};

// Operators with a PL layer (subject to their attributes).
const std::set<std::string, std::less<>> kPlOps = {
    "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Gemm", "Relu", "LeakyRelu",
    "Clip", "Sigmoid", "Add",     "Mul",         "Concat",            "Pad",           "ChannelAffine", "Flatten",
    "Reshape", "MatMul", "BatchNormalization", "ConvInteger", "MatMulInteger"};

[[noreturn]] void unsupported(const Node& node, std::string_view why) { graph::throw_unsupported(node, why); }

std::vector<float> as_floats(const Tensor& t) {
  if (t.dtype() == DType::float32) {
    auto d = t.data<float>();
    return {d.begin(), d.end()};
  }
  std::vector<float> out;
  for (double v : t.to_doubles()) out.push_back(static_cast<float>(v));
  return out;
}

// The layout a value gets on the PL, from its ONNX shape.
PlTensor make_tensor(const graph::Value& value, std::string id) {
  PlTensor t;
  t.value = value.name;
  t.id = std::move(id);
  t.shape = value.shape;
  t.dtype = value.dtype;
  const Shape& s = value.shape;
  if (s.size() >= 3 && s[0] == 1) {  // an image [1, C, H, W], or a trace [1, C, L] as H = 1
    t.channels = s[1];
    t.height = s.size() >= 4 ? s[2] : 1;
    t.width = s.size() >= 4 ? s[3] : s[2];
    std::int64_t rest = 1;
    for (std::size_t i = 2; i < s.size(); ++i) rest *= s[i];
    t.pixels = rest;
    t.order = {t.channels, t.pixels};
  } else if (!s.empty()) {  // rows of the last axis
    t.channels = s.back();
    t.pixels = 1;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) t.pixels *= s[i];
  }
  return t;
}

bool is_image(const PlTensor& t) { return t.shape.size() == 4 && t.shape[0] == 1; }

// Broadcasts constant `c` (NumPy rules) to `shape` and returns it in row-major order.
std::vector<float> broadcast_to(const Tensor& c, const Shape& shape, const Node& node) {
  const auto values = as_floats(c);
  const Shape& cs = c.shape();
  if (cs.size() > shape.size()) unsupported(node, "a constant of higher rank than the tensor");
  const std::size_t offset = shape.size() - cs.size();
  for (std::size_t i = 0; i < cs.size(); ++i)
    if (cs[i] != 1 && cs[i] != shape[offset + i])
      unsupported(node, fmt::format("constant {} does not broadcast to {}", graph::shape_to_string(cs),
                                    graph::shape_to_string(shape)));
  std::int64_t total = 1;
  for (auto d : shape) total *= d;
  std::vector<float> out(static_cast<std::size_t>(total));
  for (std::int64_t i = 0; i < total; ++i) {
    std::int64_t rem = i, src = 0, stride = 1;
    for (std::size_t a = shape.size(); a-- > 0;) {
      const std::int64_t idx = rem % shape[a];
      rem /= shape[a];
      if (a >= offset) {
        const std::int64_t cd = cs[a - offset];
        src += (cd == 1 ? 0 : idx) * stride;
        stride *= cd;
      }
    }
    out[static_cast<std::size_t>(i)] = values[static_cast<std::size_t>(src)];
  }
  return out;
}

// The per-channel constant vector (in stream channel order) of a constant applied to every
// pixel of `t`; nullopt if the constant varies across pixels.
std::optional<std::vector<float>> per_channel(const Tensor& c, const PlTensor& t, const Node& node) {
  const auto full = broadcast_to(c, t.shape, node);
  std::vector<float> channel(static_cast<std::size_t>(t.channels));
  for (std::int64_t j = 0; j < t.elements(); ++j) {
    const float v = full[static_cast<std::size_t>(t.order.onnx_index(j))];
    const auto ch = static_cast<std::size_t>(j % t.channels);
    if (j < t.channels) channel[ch] = v;
    else if (channel[ch] != v && !(std::isnan(v) && std::isnan(channel[ch]))) return std::nullopt;
  }
  return channel;
}

class Lowering {
 public:
  Lowering(LayerPlan& plan) : plan_(plan), g_(plan.graph) {}

  void run() {
    const auto order = g_.topological_order();
    std::set<std::string> pre_values(g_.inputs.begin(), g_.inputs.end());
    for (std::size_t index : order) {
      const Node& node = g_.nodes[index];
      const bool reads_pl = std::any_of(node.inputs.begin(), node.inputs.end(), [&](const std::string& v) {
        return !v.empty() && (plan_.tensors.count(v) || pads_.count(v));
      });
      const bool reads_post = std::any_of(node.inputs.begin(), node.inputs.end(),
                                          [&](const std::string& v) { return post_values_.count(v) > 0; });
      std::optional<std::string> ps_pad;  // a Pad no convolution can absorb: the PS pads
      if (node.op == "Pad") ps_pad = pad_refusal(node);
      const bool host_op = kHostOps.count(node.op) > 0 || ps_pad.has_value();
      const bool transparent = (node.op == "Flatten" || node.op == "Reshape") && reads_pl && flattens(node);
      if (host_op && !transparent) {
        if (!reads_pl && !reads_post && plan_.layers.empty()) {
          plan_.pre_nodes.push_back(index);
        } else {
          plan_.post_nodes.push_back(index);
          for (const auto& o : node.outputs) post_values_.insert(o);
          if (ps_pad) ps_reasons_[node.outputs[0]] = "Pad on the PS: " + *ps_pad;
        }
        continue;
      }
      if (!kPlOps.count(node.op)) {
        if (!graph::is_supported_op(node.op)) unsupported(node, "operator not supported");
        if (node.op == "QLinearConv" || node.op == "QLinearMatMul")
          unsupported(node, "its weights, scales or zero points are run-time inputs: the int8 layers' requantization "
                            "(M, R) and weights are fixed when the PL is built; with constant ones it runs on the PL");
        unsupported(node, "no PL layer for this operator");
      }
      if (reads_post) {
        for (const auto& v : node.inputs)
          if (post_values_.count(v))
            unsupported(node, fmt::format("its input {} comes from an operator the PS runs after the PL{}", v,
                                          ps_reasons_.count(v) ? " (" + ps_reasons_.at(v) + ")" : std::string()));
      }
      lower_node(index, node);
      plan_.pl_nodes.push_back(index);
    }
    // PL outputs: PL tensors that are graph outputs or read by PS operators after the PL.
    std::set<std::string> seen;
    auto add_output = [&](const std::string& v) {
      if (pads_.count(v)) throw Error(ErrorCode::unsupported, "unsupported: Pad (its result leaves the PL unpadded)", v);
      if (plan_.tensors.count(v) && seen.insert(v).second) plan_.pl_outputs.push_back(v);
    };
    for (std::size_t index : plan_.post_nodes)
      for (const auto& v : g_.nodes[index].inputs) add_output(v);
    for (const auto& v : g_.outputs) add_output(v);
    for (const auto& v : plan_.pl_outputs)
      if (std::find(plan_.pl_inputs.begin(), plan_.pl_inputs.end(), v) != plan_.pl_inputs.end() &&
          !produced_.count(plan_.tensors.at(v).id))
        throw Error(ErrorCode::unsupported, "unsupported: a graph input passed through unchanged", v);
  }

 private:
  // Flatten/Reshape of a PL tensor to [1, N] (or [N]): the stream is unchanged.
  bool flattens(const Node& node) const {
    const auto& out = g_.value(node.outputs[0]).shape;
    return (out.size() == 2 && out[0] == 1) || out.size() == 1;
  }

  const graph::Value& value(const std::string& name) const { return g_.value(name); }

  // The PL tensor of a data input: an existing stream, or a new PL input port.
  const PlTensor& input(const Node& node, const std::string& name) {
    if (auto it = plan_.tensors.find(name); it != plan_.tensors.end()) return it->second;
    if (g_.is_constant(name)) unsupported(node, "a constant where a stream is expected: " + name);
    PlTensor t = make_tensor(value(name), ids_.sanitized_identifier("in_" + name));
    plan_.pl_inputs.push_back(name);
    return plan_.tensors.emplace(name, std::move(t)).first->second;
  }

  // A run-time operand the host prepares (packs, broadcasts, transposes) before streaming it.
  std::string packed_input(const Node& node, const std::string& name, const HostPacking& packing, std::int64_t pixels,
                           std::int64_t channels, const std::string& role) {
    if (g_.is_constant(name)) throw Error(ErrorCode::internal, "packed input is a constant", name);
    if (produced_by_pl(name)) unsupported(node, "a " + role + " computed on the PL (run-time " + role + " must come from the host)");
    const std::string key = name + "\x01" + role + "\x01" + node.name;
    PlTensor t = make_tensor(value(name), ids_.sanitized_identifier("in_" + name + "_" + role));
    t.pixels = pixels;
    t.channels = channels;
    t.height = t.width = 1;
    t.order = {};
    t.packing = packing;
    plan_.pl_inputs.push_back(key);
    plan_.tensors.emplace(key, std::move(t));
    return key;
  }

  bool produced_by_pl(const std::string& name) const {
    auto it = plan_.tensors.find(name);
    return it != plan_.tensors.end() && produced_.count(it->second.id) > 0;
  }

  PlTensor& output(const Node& node, std::size_t index = 0) {
    const auto& v = value(node.outputs.at(index));
    if (!v.shape_known) unsupported(node, "output shape unknown at compile time");
    PlTensor t = make_tensor(v, ids_.sanitized_identifier("s_" + v.name));
    produced_.insert(t.id);
    return plan_.tensors.emplace(v.name, std::move(t)).first->second;
  }

  const Tensor& constant(const Node& node, std::size_t index) {
    if (!node.has_input(index) || !g_.is_constant(node.input(index)))
      unsupported(node, fmt::format("input {} is not a compile-time constant (the PL layer's {} are fixed when it is built)",
                                    node.has_input(index) ? node.input(index) : std::to_string(index),
                                    node.op == "Pad" ? "paddings" : "parameters"));
    return *g_.value(node.input(index)).constant;
  }

  PlLayer& add_layer(LayerKind kind, const Node& node) {
    PlLayer layer;
    layer.kind = kind;
    layer.id = ids_.sanitized_identifier("l_" + node.name);
    layer.nodes = {node.name};
    layer.ops = node.op;
    plan_.layers.push_back(std::move(layer));
    return plan_.layers.back();
  }

  void require_float(const Node& node, const PlTensor& t) {
    if (t.dtype != DType::float32)
      unsupported(node, fmt::format("{} tensor {}; this layer takes float32", graph::to_string(t.dtype), t.value));
  }

  void lower_node(std::size_t, const Node& node) {
    const std::string& op = node.op;
    if (op == "Conv") return lower_conv(node);
    if (op == "MaxPool" || op == "AveragePool") return lower_pool(node);
    if (op == "GlobalAveragePool" || op == "GlobalMaxPool") return lower_global_pool(node);
    if (op == "Gemm" || op == "MatMul") return lower_gemm(node);
    if (op == "BatchNormalization") return lower_batchnorm(node);
    if (op == "ConvInteger" || op == "MatMulInteger") return lower_integer(node);
    if (op == "Relu" || op == "LeakyRelu" || op == "Clip" || op == "Sigmoid") return lower_activation(node);
    if (op == "Add" || op == "Mul") return lower_binary(node);
    if (op == "ChannelAffine") return lower_affine(node);
    if (op == "Concat") return lower_concat(node);
    if (op == "Pad") return lower_pad(node);
    if (op == "Flatten" || op == "Reshape") {
      if (!flattens(node)) unsupported(node, "a reshape other than a flatten between PL layers");
      PlTensor t = input(node, node.input(0));
      const auto& out = value(node.outputs[0]);
      t.value = out.name;
      t.shape = out.shape;
      t.channels = t.elements();
      t.pixels = 1;
      t.height = t.width = 1;
      plan_.tensors[out.name] = t;  // same stream, ONNX order kept in t.order
      return;
    }
    unsupported(node, "no PL layer for this operator");
  }

  // Absorbs a following activation into `layer` when the activation is the only reader.
  void set_output(PlLayer& layer, const Node& node) {
    PlTensor& out = output(node);
    layer.output = out.value;
  }

  void lower_conv(const Node& node) {
    std::string data = node.input(0);
    std::array<std::int64_t, 4> extra{0, 0, 0, 0};  // top, left, bottom, right from a folded Pad
    if (auto it = pads_.find(data); it != pads_.end()) {
      extra = it->second.pads;
      data = it->second.source;
    }
    const PlTensor& in = input(node, data);
    require_float(node, in);
    if (!is_image(in) && !(in.shape.size() == 3 && in.shape[0] == 1))
      unsupported(node, "only 1-D or 2-D convolution of a single image");
    const bool runtime_w = !g_.is_constant(node.input(1));
    const auto p = graph::conv_params(g_, node);
    if (p.batch != 1) unsupported(node, "batch size above 1");
    const bool depthwise = p.depthwise() && p.group > 1;
    if (p.group != 1 && !depthwise) unsupported(node, fmt::format("grouped convolution (group={})", p.group));
    PlLayer& layer = add_layer(depthwise ? LayerKind::depthwise_conv : LayerKind::conv, node);
    layer.inputs = {data};
    layer.in_h = in.height;  // the unpadded input when a Pad is folded in; 1-D: height 1
    layer.in_w = in.width;
    layer.in_c = p.in_channels;
    layer.out_c = p.out_channels;
    layer.groups = p.group;
    layer.kernel_h = p.kernel_h;
    layer.kernel_w = p.kernel_w;
    layer.stride_h = p.stride_h;
    layer.stride_w = p.stride_w;
    layer.dilation_h = p.dilation_h;
    layer.dilation_w = p.dilation_w;
    layer.pad_top = p.pad_top + extra[0];
    layer.pad_left = p.pad_left + extra[1];
    layer.pad_bottom = p.pad_bottom + extra[2];
    layer.pad_right = p.pad_right + extra[3];
    layer.out_h = (layer.in_h + layer.pad_top + layer.pad_bottom - layer.dilation_h * (layer.kernel_h - 1) - 1) /
                      layer.stride_h + 1;
    layer.out_w = (layer.in_w + layer.pad_left + layer.pad_right - layer.dilation_w * (layer.kernel_w - 1) - 1) /
                      layer.stride_w + 1;
    if (runtime_w) {
      if (depthwise) unsupported(node, "run-time weights of a depthwise convolution");
      if (plan_.precision.kind == PrecisionKind::int8) unsupported(node, "run-time weights with int8 precision");
      HostPacking pk;
      pk.kind = HostPacking::Kind::mvu_weights;
      pk.conv = true;
      pk.out_c = p.out_channels;
      pk.in_c = p.in_channels;
      pk.kernel_h = p.kernel_h;
      pk.kernel_w = p.kernel_w;
      layer.weight_port = packed_input(node, node.input(1), pk, 1, p.out_channels * p.in_channels * p.kernel_h * p.kernel_w, "weights");
    } else {
      layer.weights = as_floats(constant(node, 1));
    }
    layer.bias.assign(static_cast<std::size_t>(p.out_channels), 0.0F);
    if (node.has_input(2)) layer.bias = as_floats(constant(node, 2));
    if (extra != std::array<std::int64_t, 4>{0, 0, 0, 0}) {
      layer.nodes.push_back(pads_.at(node.input(0)).node);
      layer.ops = "Pad+Conv";
    }
    set_output(layer, node);
    const PlTensor& out = plan_.tensors.at(layer.output);
    if (out.height != layer.out_h || out.width != layer.out_w || out.channels != layer.out_c)
      throw Error(ErrorCode::internal, "convolution output geometry disagrees with shape inference", node.where());
  }

  void lower_pool(const Node& node) {
    const PlTensor& in = input(node, node.input(0));
    require_float(node, in);
    if (node.outputs.size() > 1 && !node.outputs[1].empty()) unsupported(node, "the Indices output");
    if (in.shape.size() != 4 && in.shape.size() != 3) unsupported(node, fmt::format("{}-D pooling", in.shape.size() - 2));
    if (in.shape[0] != 1) unsupported(node, "batch size above 1");
    graph::PoolParams p = graph::pool_params(g_, node);  // 1-D: a 2-D window of height 1
    // ceil_mode: the extra window positions are padding at the bottom/right, which max pooling
    // ignores (lowest value) and average pooling leaves out of the divisor.
    const bool ceil = node.get_int("ceil_mode", 0) != 0;
    if (ceil) {
      const std::int64_t need_h = (p.out_h - 1) * p.stride_h + p.dilation_h * (p.kernel_h - 1) + 1 - (p.in_h + p.pad_top + p.pad_bottom);
      const std::int64_t need_w = (p.out_w - 1) * p.stride_w + p.dilation_w * (p.kernel_w - 1) + 1 - (p.in_w + p.pad_left + p.pad_right);
      if ((need_h > 0 || need_w > 0) && !p.is_max && p.count_include_pad)
        unsupported(node, "ceil_mode=1 with count_include_pad=1");
      if (need_h > 0) p.pad_bottom += need_h;
      if (need_w > 0) p.pad_right += need_w;
    }
    PlLayer& layer = add_layer(LayerKind::pool, node);
    layer.inputs = {node.input(0)};
    layer.pool_max = p.is_max;
    layer.count_include_pad = p.count_include_pad;
    layer.in_h = p.in_h;
    layer.in_w = p.in_w;
    layer.in_c = layer.out_c = p.channels;
    layer.out_h = p.out_h;
    layer.out_w = p.out_w;
    layer.kernel_h = p.kernel_h;
    layer.kernel_w = p.kernel_w;
    layer.stride_h = p.stride_h;
    layer.stride_w = p.stride_w;
    layer.dilation_h = p.dilation_h;
    layer.dilation_w = p.dilation_w;
    layer.pad_top = p.pad_top;
    layer.pad_left = p.pad_left;
    layer.pad_bottom = p.pad_bottom;
    layer.pad_right = p.pad_right;
    const std::int64_t expect_h =
        (p.in_h + p.pad_top + p.pad_bottom - p.dilation_h * (p.kernel_h - 1) - 1) / p.stride_h + 1;
    const std::int64_t expect_w =
        (p.in_w + p.pad_left + p.pad_right - p.dilation_w * (p.kernel_w - 1) - 1) / p.stride_w + 1;
    if (expect_h != p.out_h || expect_w != p.out_w)
      unsupported(node, fmt::format("output {}x{} from a window count of {}x{}", p.out_h, p.out_w, expect_h, expect_w));
    set_output(layer, node);
  }

  void lower_global_pool(const Node& node) {
    const PlTensor& in = input(node, node.input(0));
    require_float(node, in);
    if (!is_image(in) && !(in.shape.size() == 3 && in.shape[0] == 1)) unsupported(node, "input is not a single image");
    PlLayer& layer = add_layer(LayerKind::global_pool, node);
    layer.inputs = {node.input(0)};
    layer.pool_max = node.op == "GlobalMaxPool";
    layer.in_c = layer.out_c = in.channels;
    layer.pixels = in.pixels;
    set_output(layer, node);
  }

  void lower_gemm(const Node& node) {
    const bool matmul = node.op == "MatMul";
    graph::GemmParams p;
    if (matmul) {
      const auto& a = value(node.input(0)).shape;
      const auto& b = value(node.input(1)).shape;
      if (a.size() != 2 || b.size() != 2) unsupported(node, "MatMul of other than 2-D operands");
      p.m = a[0];
      p.k = a[1];
      p.n = b[1];
    } else {
      p = graph::gemm_params(g_, node);
    }
    std::string a_key = node.input(0);
    if (p.trans_a) {  // the host transposes A before streaming it
      if (plan_.tensors.count(a_key)) unsupported(node, "transA=1 of a tensor computed on the PL");
      HostPacking pk;
      pk.kind = HostPacking::Kind::transpose;
      a_key = packed_input(node, a_key, pk, p.m, p.k, "a_transposed");
    }
    const PlTensor& in = input(node, a_key);
    require_float(node, in);
    PlLayer& layer = add_layer(LayerKind::dense, node);
    layer.inputs = {a_key};
    layer.pixels = p.m;
    layer.in_c = p.k;
    layer.out_c = p.n;
    if (in.channels != p.k || in.pixels != p.m) unsupported(node, "A is not [M, K] on the stream");
    const ElementOrder columns = in.order;
    if (!g_.is_constant(node.input(1))) {
      if (plan_.precision.kind == PrecisionKind::int8) unsupported(node, "run-time weights with int8 precision");
      HostPacking pk;
      pk.kind = HostPacking::Kind::mvu_weights;
      pk.trans_b = p.trans_b;
      pk.out_c = p.n;
      pk.in_c = p.k;
      pk.factor = p.alpha;
      pk.columns = columns;
      layer.weight_port = packed_input(node, node.input(1), pk, 1, p.n * p.k, "weights");
    } else {
      const auto bv = as_floats(constant(node, 1));
      // Weights [n][j] with j in stream order: column j of the stream is ONNX column onnx_index(j)
      // (a flattened NCHW tensor arrives NHWC).
      layer.weights.resize(static_cast<std::size_t>(p.n * p.k));
      for (std::int64_t n = 0; n < p.n; ++n)
        for (std::int64_t j = 0; j < p.k; ++j) {
          const std::int64_t k = columns.onnx_index(j);
          const float v = p.trans_b ? bv[static_cast<std::size_t>(n * p.k + k)] : bv[static_cast<std::size_t>(k * p.n + n)];
          layer.weights[static_cast<std::size_t>(n * p.k + j)] = p.alpha * v;
        }
    }
    layer.bias.assign(static_cast<std::size_t>(p.n), 0.0F);
    const bool has_c = !matmul && node.has_input(2) && p.beta != 0.0F;
    bool c_stream = false;
    if (has_c && g_.is_constant(node.input(2))) {
      const Tensor& c = constant(node, 2);
      const auto full = broadcast_to(c, {p.m, p.n}, node);
      bool rows_equal = true;
      for (std::int64_t n = 0; n < p.n; ++n)
        for (std::int64_t m = 1; m < p.m; ++m)
          rows_equal = rows_equal && full[static_cast<std::size_t>(m * p.n + n)] == full[static_cast<std::size_t>(n)];
      if (!rows_equal) unsupported(node, "a constant bias C that differs between rows");
      for (std::int64_t n = 0; n < p.n; ++n) layer.bias[static_cast<std::size_t>(n)] = p.beta * full[static_cast<std::size_t>(n)];
    } else if (has_c) {
      c_stream = true;
    }
    if (!c_stream) {
      set_output(layer, node);
      return;
    }
    // Run-time C: the host broadcasts beta*C to [M, N]; an elementwise add follows the MVU.
    if (plan_.precision.kind == PrecisionKind::int8) unsupported(node, "a run-time bias C with int8 precision");
    PlTensor mid = make_tensor(value(node.outputs[0]), ids_.sanitized_identifier("s_" + node.name + "_product"));
    mid.value = node.outputs[0] + "\x01product";
    produced_.insert(mid.id);
    plan_.tensors.emplace(mid.value, mid);
    layer.output = mid.value;
    HostPacking pk;
    pk.kind = HostPacking::Kind::broadcast;
    pk.shape = {p.m, p.n};
    pk.factor = p.beta;
    const std::string c_key = packed_input(node, node.input(2), pk, p.m, p.n, "bias");
    PlLayer& add = add_layer(LayerKind::eltwise, node);
    add.id = ids_.sanitized_identifier("l_" + node.name + "_bias");
    add.ops = "Gemm(+C)";
    add.inputs = {mid.value, c_key};
    add.binary = BinaryOp::add;
    add.pixels = p.m;
    add.in_c = add.out_c = p.n;
    set_output(add, node);
  }

  void lower_activation(const Node& node) {
    const PlTensor& in = input(node, node.input(0));
    if (node.op != "Clip" && node.op != "Relu") require_float(node, in);
    if (node.op == "Clip" && g_.opset >= 11 &&
        ((node.has_input(1) && !g_.is_constant(node.input(1))) || (node.has_input(2) && !g_.is_constant(node.input(2)))))
      return lower_clip_stream(node, in);
    if (in.dtype != DType::float32 && in.dtype != DType::int8 && in.dtype != DType::uint8 && in.dtype != DType::int32)
      unsupported(node, fmt::format("{} elements", graph::to_string(in.dtype)));
    Activation a;
    if (node.op == "Relu") a.kind = ActivationKind::relu;
    if (node.op == "Sigmoid") a.kind = ActivationKind::sigmoid;
    if (node.op == "LeakyRelu") {
      a.kind = ActivationKind::leaky_relu;
      a.alpha = node.get_float("alpha", 0.01F);
    }
    if (node.op == "Clip") {
      a.kind = ActivationKind::clip;
      double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
      if (g_.opset < 11) {
        lo = node.get_float("min", -std::numeric_limits<float>::max());
        hi = node.get_float("max", std::numeric_limits<float>::max());
      } else {
        const bool runtime_lo = node.has_input(1) && !g_.is_constant(node.input(1));
        const bool runtime_hi = node.has_input(2) && !g_.is_constant(node.input(2));
        if (runtime_lo || runtime_hi) return lower_clip_stream(node, in);
        if (node.has_input(1)) lo = constant(node, 1).to_doubles().at(0);
        if (node.has_input(2)) hi = constant(node, 2).to_doubles().at(0);
      }
      if (in.dtype != DType::float32) {  // the element type's range bounds an absent limit
        const double tmin = in.dtype == DType::int8 ? -128 : in.dtype == DType::uint8 ? 0 : -2147483648.0;
        const double tmax = in.dtype == DType::int8 ? 127 : in.dtype == DType::uint8 ? 255 : 2147483647.0;
        lo = std::max(lo, tmin);
        hi = std::min(hi, tmax);
      } else {
        lo = std::max(lo, -static_cast<double>(std::numeric_limits<float>::max()));
        hi = std::min(hi, static_cast<double>(std::numeric_limits<float>::max()));
      }
      if (lo > hi) lo = hi;  // ONNX: min(max(x, lo), hi)
      a.lo = static_cast<float>(lo);
      a.hi = static_cast<float>(hi);
    }
    // Fuse into the producing conv/dense when this node is its only reader.
    if (auto producer = g_.producer(node.input(0)); producer && in.dtype == DType::float32) {
      PlLayer& last = plan_.layers.back();
      if ((last.kind == LayerKind::conv || last.kind == LayerKind::depthwise_conv || last.kind == LayerKind::dense) &&
          last.output == node.input(0) && last.activation.kind == ActivationKind::none &&
          g_.consumers(node.input(0)).size() == 1 && !g_.is_output(node.input(0))) {
        last.activation = a;
        last.nodes.push_back(node.name);
        last.ops += "+" + node.op;
        const PlTensor old = plan_.tensors.at(last.output);
        plan_.tensors.erase(last.output);
        produced_.erase(old.id);
        set_output(last, node);
        return;
      }
    }
    PlLayer& layer = add_layer(LayerKind::activation, node);
    layer.inputs = {node.input(0)};
    layer.activation = a;
    layer.pixels = in.pixels;
    layer.in_c = layer.out_c = in.channels;
    set_output(layer, node);
  }

  void lower_binary(const Node& node) {
    const bool a_const = g_.is_constant(node.input(0)), b_const = g_.is_constant(node.input(1));
    const BinaryOp bop = node.op == "Add" ? BinaryOp::add : BinaryOp::mul;
    if (a_const && b_const) unsupported(node, "two constant operands (not folded)");
    const auto& out_shape = value(node.outputs[0]).shape;
    if (a_const || b_const) {
      const std::string& data = node.input(a_const ? 1 : 0);
      const PlTensor& in = input(node, data);
      require_float(node, in);
      if (in.shape != out_shape) unsupported(node, "the constant broadcasts the tensor to a larger shape");
      auto channel = per_channel(constant(node, a_const ? 0 : 1), in, node);
      if (!channel) unsupported(node, "a constant that is not one value per channel");
      PlLayer& layer = add_layer(LayerKind::channel_const, node);
      layer.inputs = {data};
      layer.binary = bop;
      layer.constants = *channel;
      layer.pixels = in.pixels;
      layer.in_c = layer.out_c = in.channels;
      set_output(layer, node);
      return;
    }
    const auto& shape_a = value(node.input(0)).shape;
    const auto& shape_b = value(node.input(1)).shape;
    if (shape_a != shape_b) {
      // One operand broadcast along the other's channels: read once per frame.
      const bool b_small = shape_a == out_shape;
      const std::string& data = node.input(b_small ? 0 : 1);
      const std::string& small = node.input(b_small ? 1 : 0);
      const PlTensor& in = input(node, data);
      require_float(node, in);
      const auto& ss = value(small).shape;
      const bool per_channel = !is_image(in) && !ss.empty() && ss.back() == in.channels &&
                               std::all_of(ss.begin(), ss.end() - 1, [](std::int64_t d) { return d == 1; });
      if (!per_channel || in.shape != out_shape)
        unsupported(node, "two run-time operands broadcast other than along the last axis");
      if (value(small).dtype != graph::DType::float32) unsupported(node, "a non-float run-time operand");
      const std::string key = input(node, small).value;
      PlTensor& params = plan_.tensors.at(key);
      params.pixels = 1;
      params.channels = in.channels;
      PlLayer& layer = add_layer(LayerKind::channel_stream, node);
      layer.inputs = {data, key};
      layer.binary = bop;
      layer.pixels = in.pixels;
      layer.in_c = layer.out_c = in.channels;
      layer.outer = b_small ? 0 : 1;  // 1: the broadcast operand is the left one
      set_output(layer, node);
      return;
    }
    const PlTensor& a = input(node, node.input(0));
    const PlTensor& b = input(node, node.input(1));
    require_float(node, a);
    require_float(node, b);
    if (a.order.channels_major != b.order.channels_major || a.order.pixels_major != b.order.pixels_major ||
        a.channels != b.channels)
      unsupported(node, "operands with different stream layouts");
    PlLayer& layer = add_layer(LayerKind::eltwise, node);
    layer.inputs = {node.input(0), node.input(1)};
    layer.binary = bop;
    layer.pixels = a.pixels;
    layer.in_c = layer.out_c = a.channels;
    set_output(layer, node);
  }

  void lower_affine(const Node& node) {
    const PlTensor& in = input(node, node.input(0));
    require_float(node, in);
    if (!is_image(in)) unsupported(node, "per-channel affine of a non-image tensor");
    auto scale = as_floats(constant(node, 1)), shift = as_floats(constant(node, 2));
    PlLayer& mul = add_layer(LayerKind::channel_const, node);
    mul.inputs = {node.input(0)};
    mul.binary = BinaryOp::mul;
    mul.constants = scale;
    mul.pixels = in.pixels;
    mul.in_c = mul.out_c = in.channels;
    mul.ops = "ChannelAffine(scale)";
    PlTensor mid = make_tensor(value(node.input(0)), ids_.sanitized_identifier("s_" + node.name + "_scaled"));
    mid.value = node.outputs[0] + "\x01scaled";
    produced_.insert(mid.id);
    plan_.tensors.emplace(mid.value, mid);
    mul.output = mid.value;
    PlLayer& add = add_layer(LayerKind::channel_const, node);
    add.id = ids_.sanitized_identifier("l_" + node.name + "_shift");
    add.inputs = {mid.value};
    add.binary = BinaryOp::add;
    add.constants = shift;
    add.pixels = in.pixels;
    add.in_c = add.out_c = in.channels;
    add.ops = "ChannelAffine(shift)";
    set_output(add, node);
  }

  // `key` minus the zero point `zp` (a run-time scalar, or none), as int16.
  std::string zero_point_shift(const Node& node, const std::string& key, const std::string& zp, const std::string& role) {
    const PlTensor& in = input(node, key);
    if (in.dtype != DType::uint8 && in.dtype != DType::int8) unsupported(node, fmt::format("{} {}", graph::to_string(in.dtype), role));
    std::string zp_key;
    if (!zp.empty()) {
      if (g_.is_constant(zp)) unsupported(node, "a constant zero point with run-time operands");
      if (value(zp).dtype != in.dtype) unsupported(node, "a zero point of another type than its operand");
      zp_key = input(node, zp).value;
    }
    PlTensor shifted = in;
    shifted.value = key + "\x01shifted\x01" + node.name;
    shifted.id = ids_.sanitized_identifier("s_" + node.name + "_" + role + "_shifted");
    shifted.dtype = DType::int16;
    shifted.packing = {};
    produced_.insert(shifted.id);
    plan_.tensors.emplace(shifted.value, shifted);
    PlLayer& layer = add_layer(LayerKind::zero_point, node);
    layer.id = ids_.sanitized_identifier("l_" + node.name + "_" + role + "_zero_point");
    layer.ops = node.op + "(" + role + " zero point)";
    layer.inputs = {key, zp_key};
    layer.pixels = in.pixels;
    layer.in_c = layer.out_c = in.channels;
    layer.output = shifted.value;
    return shifted.value;
  }

  void lower_integer(const Node& node) {
    const bool conv = node.op == "ConvInteger";
    if (plan_.precision.kind != PrecisionKind::float32) unsupported(node, "integer operators need --precision float32 (types as given)");
    if (g_.is_constant(node.input(1))) unsupported(node, "constant integer weights (run-time weights only)");
    const auto& xs = value(node.input(0)).shape;
    const auto& ws = value(node.input(1)).shape;
    HostPacking pk;
    pk.kind = HostPacking::Kind::mvu_weights;
    std::int64_t rows = 1;
    graph::ConvParams cp;
    if (conv) {
      cp = graph::conv_params(g_, node);
      if (cp.batch != 1 || cp.group != 1) unsupported(node, "batch or groups above 1");
      pk.conv = true;
      pk.out_c = cp.out_channels;
      pk.in_c = cp.in_channels;
      pk.kernel_h = cp.kernel_h;
      pk.kernel_w = cp.kernel_w;
    } else {
      if (xs.size() != 2 || ws.size() != 2) unsupported(node, "operands other than 2-D");
      rows = xs[0];
      pk.out_c = ws[1];
      pk.in_c = ws[0];
    }
    const std::string x_zp = node.has_input(2) ? node.input(2) : "";
    const std::string w_zp = node.has_input(3) ? node.input(3) : "";
    const std::string x = zero_point_shift(node, node.input(0), x_zp, "x");
    const std::string w_port = packed_input(node, node.input(1), pk, 1, pk.out_c * pk.in_c * pk.kernel_h * pk.kernel_w, "weights");
    const std::string w = zero_point_shift(node, w_port, w_zp, "w");
    const PlTensor& in = plan_.tensors.at(x);
    PlLayer& layer = add_layer(conv ? LayerKind::conv : LayerKind::dense, node);
    layer.integer = true;
    layer.inputs = {x};
    layer.weight_port = w;
    layer.in_c = pk.in_c;
    layer.out_c = pk.out_c;
    layer.bias.assign(static_cast<std::size_t>(pk.out_c), 0.0F);
    if (conv) {
      layer.in_h = in.height;
      layer.in_w = in.width;
      layer.kernel_h = cp.kernel_h;
      layer.kernel_w = cp.kernel_w;
      layer.stride_h = cp.stride_h;
      layer.stride_w = cp.stride_w;
      layer.dilation_h = cp.dilation_h;
      layer.dilation_w = cp.dilation_w;
      layer.pad_top = cp.pad_top;
      layer.pad_left = cp.pad_left;
      layer.pad_bottom = cp.pad_bottom;
      layer.pad_right = cp.pad_right;
      layer.out_h = cp.out_h;
      layer.out_w = cp.out_w;
    } else {
      layer.pixels = rows;
      if (in.channels != pk.in_c) unsupported(node, "A is not [M, K] on the stream");
    }
    set_output(layer, node);
  }

  void lower_clip_stream(const Node& node, const PlTensor& in) {
    if (in.dtype != DType::float32 && in.dtype != DType::int8 && in.dtype != DType::uint8 && in.dtype != DType::int32)
      unsupported(node, fmt::format("{} elements", graph::to_string(in.dtype)));
    std::vector<std::string> inputs{node.input(0), "", ""};
    for (std::size_t i = 1; i <= 2; ++i) {
      if (!node.has_input(i)) continue;
      if (g_.is_constant(node.input(i))) unsupported(node, "one constant and one run-time bound");
      if (value(node.input(i)).dtype != in.dtype) unsupported(node, "bounds of another type than x");
      inputs[i] = input(node, node.input(i)).value;
    }
    const std::int64_t pixels = in.pixels, channels = in.channels;
    PlLayer& layer = add_layer(LayerKind::clip_stream, node);
    layer.inputs = inputs;
    layer.pixels = pixels;
    layer.in_c = layer.out_c = channels;
    set_output(layer, node);
  }

  void lower_batchnorm(const Node& node) {
    const PlTensor& in = input(node, node.input(0));
    require_float(node, in);
    if (in.shape.size() < 2) unsupported(node, "input of rank below 2");
    if (node.outputs.size() > 1) unsupported(node, "training-mode outputs");
    // Channel axis 1: per element, (i / inner) % C in the stream's order.
    std::int64_t inner = 1;
    const std::int64_t c_count = in.shape[1];
    if (!is_image(in))
      for (std::size_t d = 2; d < in.shape.size(); ++d) inner *= in.shape[d];
    std::vector<std::string> inputs{node.input(0)};
    for (std::size_t i = 1; i <= 4; ++i) {
      if (g_.is_constant(node.input(i))) unsupported(node, "a mix of constant and run-time statistics");
      PlTensor& params = plan_.tensors.count(node.input(i)) ? plan_.tensors.at(node.input(i))
                                                              : const_cast<PlTensor&>(input(node, node.input(i)));
      params.pixels = 1;
      params.channels = c_count;
      inputs.push_back(node.input(i));
    }
    const std::int64_t total = in.elements();
    PlLayer& layer = add_layer(LayerKind::batchnorm_stream, node);
    layer.inputs = inputs;
    layer.pixels = total / c_count;
    layer.in_c = layer.out_c = c_count;
    layer.inner_a = inner;
    layer.epsilon = node.get_float("epsilon", 1e-5F);
    set_output(layer, node);
  }

  void lower_concat(const Node& node) {
    std::vector<std::string> parts;
    for (const auto& v : node.inputs)
      if (!v.empty()) parts.push_back(v);
    if (parts.size() < 2) unsupported(node, "fewer than two inputs");
    const PlTensor first = input(node, parts[0]);
    const auto rank = static_cast<std::int64_t>(first.shape.size());
    std::int64_t axis = node.get_int("axis", 1);
    if (axis < 0) axis += rank;
    const std::int64_t channel_axis = is_image(first) ? 1 : rank - 1;
    if (axis != channel_axis) {
      if (is_image(first)) unsupported(node, fmt::format("axis {} of an image (only the channel axis)", axis));
      return lower_concat_rows(node, parts, axis);
    }
    std::string current = parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const PlTensor a = input(node, current);
      const PlTensor b = input(node, parts[i]);
      if (a.dtype != b.dtype || a.pixels != b.pixels || a.dtype != DType::float32)
        unsupported(node, "inputs of different pixel counts or types");
      PlLayer& layer = add_layer(LayerKind::concat, node);
      if (i > 1) layer.id = ids_.sanitized_identifier("l_" + node.name + "_" + std::to_string(i));
      layer.inputs = {current, parts[i]};
      layer.pixels = a.pixels;
      layer.in_c = a.channels;
      layer.out_c = a.channels + b.channels;
      if (i + 1 == parts.size()) {
        set_output(layer, node);
      } else {
        PlTensor mid = a;
        mid.value = node.outputs[0] + "\x01part" + std::to_string(i);
        mid.id = ids_.sanitized_identifier("s_" + node.name + "_part" + std::to_string(i));
        mid.channels = layer.out_c;
        mid.order = {mid.channels, mid.pixels};
        produced_.insert(mid.id);
        plan_.tensors.emplace(mid.value, mid);
        layer.output = mid.value;
      }
      current = layer.output;
    }
  }

  // Row-major concatenation along `axis`: per outer index, a block of each input in turn.
  void lower_concat_rows(const Node& node, const std::vector<std::string>& parts, std::int64_t axis) {
    std::string current = parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const PlTensor a = input(node, current);
      const PlTensor b = input(node, parts[i]);
      if (a.dtype != DType::float32 || b.dtype != DType::float32) unsupported(node, "non-float inputs");
      const auto& sa = a.shape;
      const auto& sb = b.shape;
      std::int64_t outer = 1, inner_a = 1, inner_b = 1;
      for (std::int64_t d = 0; d < static_cast<std::int64_t>(sa.size()); ++d) {
        if (d < axis) outer *= sa[static_cast<std::size_t>(d)];
        else {
          inner_a *= sa[static_cast<std::size_t>(d)];
          inner_b *= sb[static_cast<std::size_t>(d)];
        }
      }
      PlLayer& layer = add_layer(LayerKind::concat, node);
      if (i > 1) layer.id = ids_.sanitized_identifier("l_" + node.name + "_" + std::to_string(i));
      layer.inputs = {current, parts[i]};
      layer.outer = outer;
      layer.inner_a = inner_a;
      layer.inner_b = inner_b;
      layer.pixels = a.pixels;
      layer.in_c = a.channels;
      if (i + 1 == parts.size()) {
        set_output(layer, node);
      } else {
        PlTensor mid = a;
        mid.value = node.outputs[0] + "\x01part" + std::to_string(i);
        mid.id = ids_.sanitized_identifier("s_" + node.name + "_part" + std::to_string(i));
        graph::Shape shape = sa;
        shape[static_cast<std::size_t>(axis)] += sb[static_cast<std::size_t>(axis)];
        mid.shape = shape;
        mid.channels = shape.back();
        mid.pixels = (outer * (inner_a + inner_b)) / mid.channels;
        produced_.insert(mid.id);
        plan_.tensors.emplace(mid.value, mid);
        layer.output = mid.value;
      }
      current = layer.output;
    }
  }

  // Pad: kept as extra padding of the convolution(s) that read it.
  void lower_pad(const Node& node) {
    if (const auto why = pad_refusal(node)) unsupported(node, *why);
    const auto pads = pad_amounts(node);
    pads_[node.outputs[0]] = PadAlias{node.input(0), node.name, {pads[2], pads[3], pads[6], pads[7]}};
  }

  std::vector<std::int64_t> pad_amounts(const Node& node) const {
    return g_.opset < 11 ? node.get_ints("pads", {}) : g_.value(node.input(1)).constant->to_int64s();
  }

  // Why a Pad cannot become a convolution's padding; none when it can. Such a Pad runs on the
  // PS when it comes before the PL or after it (reflect/edge padding of the network's input...).
  std::optional<std::string> pad_refusal(const Node& node) const {
    const std::string mode = node.get_string("mode", "constant");
    if (mode != "constant") return fmt::format("mode={}", mode);
    if (value(node.input(0)).shape.size() != 4) return "padding of a tensor that is not an image";
    if (g_.opset >= 11) {
      if (!g_.is_constant(node.input(1)))
        return "input pads is not a compile-time constant (the PL layer's paddings are fixed when it is built)";
      if (node.has_input(2) && (!g_.is_constant(node.input(2)) || g_.value(node.input(2)).constant->to_doubles().at(0) != 0.0))
        return "a pad value other than 0";
      if (node.has_input(3)) return "the axes input";
    }
    if (g_.opset < 11 && node.get_float("value", 0.0F) != 0.0F) return "a pad value other than 0";
    const auto pads = pad_amounts(node);
    if (pads.size() != 8) return "pads for other than 4 axes";
    if (pads[0] || pads[1] || pads[4] || pads[5]) return "padding of the batch or channel axis";
    for (auto p : pads)
      if (p < 0) return "negative pads (cropping)";
    for (std::size_t c : g_.consumers(node.outputs[0]))
      if (g_.nodes[c].op != "Conv" || g_.nodes[c].input(0) != node.outputs[0])
        return "a Pad not followed by a Conv (only folded into a convolution's padding)";
    if (g_.is_output(node.outputs[0])) return "a Pad not followed by a Conv (only folded into a convolution's padding)";
    return std::nullopt;
  }

  struct PadAlias {
    std::string source;
    std::string node;
    std::array<std::int64_t, 4> pads;
  };

  LayerPlan& plan_;
  const Graph& g_;
  graph::IdentifierTable ids_;
  std::set<std::string> post_values_;
  std::set<std::string> produced_;  // stream ids written by a PL layer
  std::map<std::string, PadAlias> pads_;
  std::map<std::string, std::string> ps_reasons_;  // why a PS operator after the PL could not be on the PL
};

}  // namespace

const PlTensor& LayerPlan::tensor(const std::string& value) const {
  auto it = tensors.find(value);
  if (it == tensors.end()) throw Error(ErrorCode::internal, "no PL tensor for value", value);
  return it->second;
}

LayerPlan lower(graph::Graph graph, const Precision& precision, const std::string& kernel_name) {
  LayerPlan plan;
  plan.graph = std::move(graph);
  plan.precision = precision;
  plan.kernel = graph::sanitized_identifier(kernel_name);
  Lowering(plan).run();
  if (!plan.uses_pl()) {  // nothing for the PL: the whole graph runs on the PS
    plan.pre_nodes.clear();
    plan.post_nodes = plan.graph.topological_order();
    plan.pl_inputs.clear();
    plan.pl_outputs.clear();
    plan.tensors.clear();
    plan.pl_nodes.clear();
  }
  return plan;
}

std::vector<std::string> describe(const LayerPlan& plan) {
  std::vector<std::string> lines;
  for (std::size_t i : plan.pre_nodes)
    lines.push_back(fmt::format("PS (before PL): {} {}", plan.graph.nodes[i].op, plan.graph.nodes[i].name));
  for (const auto& l : plan.layers)
    lines.push_back(fmt::format("PL: {} {}{}", l.ops, l.nodes.front(), l.ddr_weight_port.empty() ? "" : " (weights streamed from DDR)"));
  for (std::size_t i : plan.post_nodes)
    lines.push_back(fmt::format("PS (after PL): {} {}", plan.graph.nodes[i].op, plan.graph.nodes[i].name));
  return lines;
}

}  // namespace zynqnn::compiler
