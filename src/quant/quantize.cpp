#include "zynqnn/quant/quantize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "requant.h"
#include "zynqnn/graph/ops.hpp"
#include "zynqnn/graph/passes.hpp"

namespace zynqnn::quant {
namespace {
using graph::DType;
using graph::Graph;
using graph::Node;
using graph::Shape;
using graph::Tensor;
using graph::Value;

// Operators that work on int8 values unchanged, keeping the input's scale.
const std::set<std::string> kScalePreserving = {"MaxPool", "GlobalMaxPool", "Reshape", "Flatten",
                                                "Identity", "Relu", "Transpose"};

struct Quantized {
  std::string name;  // the int8 value
  float scale = 1.0F;
};

class Quantizer {
 public:
  Quantizer(const Graph& source, const Ranges& ranges) : src_(source), ranges_(ranges) {}

  Graph run() {
    out_.name = src_.name;
    out_.opset = std::max<std::int64_t>(src_.opset, 13);
    if (src_.opset < 13)
      for (const auto& node : src_.nodes)
        if (node.op == "Softmax" || node.op == "Clip" || node.op == "Pad")
          throw Error(ErrorCode::unsupported,
                      fmt::format("unsupported: {} (opset {} semantics in a quantized graph) at node {}", node.op,
                                  src_.opset, node.name));
    for (const auto& in : src_.inputs) {
      out_.add_value(src_.value(in));
      out_.inputs.push_back(in);
      float_ready_.insert(in);
    }
    for (const auto& [name, v] : src_.values())
      if (v.constant) {
        out_.add_value(v);
        float_ready_.insert(name);
      }
    const auto order = src_.topological_order();
    std::set<std::size_t> fused;
    for (const std::size_t index : order) {
      if (fused.count(index)) continue;
      const Node& node = src_.nodes[index];
      if ((node.op == "Conv" || node.op == "Gemm") && quantizable(node)) {
        // A Relu that alone reads the result becomes the requantization clamp.
        std::optional<std::size_t> relu;
        const auto readers = src_.consumers(node.outputs[0]);
        if (readers.size() == 1 && src_.nodes[readers[0]].op == "Relu" && !src_.is_output(node.outputs[0]))
          relu = readers[0];
        const std::string& result = relu ? src_.nodes[*relu].outputs[0] : node.outputs[0];
        if (relu) fused.insert(*relu);
        if (node.op == "Conv") quantize_conv(node, result, relu.has_value());
        else quantize_gemm(node, result, relu.has_value());
      } else if (kScalePreserving.count(node.op) && quantized_.count(node.input(0)) && !float_ready_.count(node.input(0))) {
        pass_through(node);
      } else {
        run_in_float(node);
      }
    }
    for (const auto& out : src_.outputs) {
      need_float(out);
      out_.outputs.push_back(out);
    }
    graph::remove_unused_values(out_);
    out_.sort();
    out_.validate();
    return std::move(out_);
  }

 private:
  bool quantizable(const Node& node) const {
    const Value& x = src_.value(node.input(0));
    if (x.dtype != DType::float32 || !x.shape_known || !src_.is_constant(node.input(1))) return false;
    if (node.has_input(2) && !src_.is_constant(node.input(2))) return false;
    if (node.op == "Gemm") {
      if (node.get_int("transA", 0) != 0 || x.shape.size() != 2) return false;
      if (node.has_input(2)) {
        const auto& c = src_.value(node.input(2)).shape;
        const std::int64_t n = graph::gemm_params(src_, node).n;
        if (!(c.empty() || c == Shape{n} || c == Shape{1, n} || c == Shape{1})) return false;
      }
    }
    return true;
  }

  float activation_scale(const std::string& name) const {
    const auto found = ranges_.find(name);
    if (found == ranges_.end())
      throw Error(ErrorCode::invalid_argument, fmt::format("no calibration range for '{}'", name), "quantizer");
    return symmetric_params(found->second).scale;
  }

  std::string fresh(const std::string& base) {
    std::string name = base;
    for (int k = 2; out_.find(name) != nullptr || src_.find(name) != nullptr; ++k) name = fmt::format("{}_{}", base, k);
    return name;
  }

  std::string add_constant(const std::string& base, Tensor t) {
    const std::string name = fresh(base);
    out_.add_value({name, t.dtype(), t.shape(), true, std::move(t)});
    return name;
  }

  // The int8 version of a float value, quantizing it if needed.
  Quantized need_quantized(const std::string& name) {
    if (const auto found = quantized_.find(name); found != quantized_.end()) return found->second;
    const float scale = activation_scale(name);
    Quantized q{fresh(name + "_q"), scale};
    const Value& v = out_.value(name);
    const std::string s = add_constant(name + "_scale", Tensor::scalar(scale));
    const std::string z = add_constant(name + "_zero_point", Tensor::scalar<std::int8_t>(0));
    out_.add_value({q.name, DType::int8, v.shape, v.shape_known, std::nullopt});
    out_.nodes.push_back(Node{"QuantizeLinear", fresh_node(name + "_quantize"), {name, s, z}, {q.name}, {}});
    quantized_[name] = q;
    return q;
  }

  // The float version of a value that may exist only in int8.
  void need_float(const std::string& name) {
    if (float_ready_.count(name)) return;
    const Quantized& q = quantized_.at(name);
    const Value& v = src_.value(name);
    const std::string s = add_constant(name + "_scale", Tensor::scalar(q.scale));
    const std::string z = add_constant(name + "_zero_point", Tensor::scalar<std::int8_t>(0));
    out_.add_value({name, DType::float32, v.shape, v.shape_known, std::nullopt});
    out_.nodes.push_back(Node{"DequantizeLinear", fresh_node(name + "_dequantize"), {q.name, s, z}, {name}, {}});
    float_ready_.insert(name);
  }

  std::string fresh_node(const std::string& base) {
    std::string name = base;
    for (int k = 2; node_names_.count(name) != 0; ++k) name = fmt::format("{}_{}", base, k);
    node_names_.insert(name);
    return name;
  }

  // Per-channel int8 weights (channel = first axis of `w`), their scales, and int32 biases.
  struct Weights {
    Tensor q;
    std::vector<float> scales;
  };
  static Weights quantize_weights(const std::vector<float>& w, Shape shape, std::int64_t channels) {
    ChannelWeights channel = quant::quantize_weights(w, channels);
    Weights out{Tensor(DType::int8, std::move(shape)), std::move(channel.scales)};
    std::copy(channel.q.begin(), channel.q.end(), out.q.data<std::int8_t>().begin());
    return out;
  }

  void emit_requantized(const Node& node, const std::string& op, std::vector<std::string> inputs_prefix,
                        const Weights& weights, const std::vector<float>& bias, float in_scale,
                        const std::string& result, bool relu, graph::Node base) {
    const float out_scale = activation_scale(result);
    const auto channels = static_cast<std::int64_t>(weights.scales.size());
    std::vector<std::int32_t> bias_q(weights.scales.size()), mult(weights.scales.size()), shift(weights.scales.size());
    for (std::size_t c = 0; c < weights.scales.size(); ++c) {
      const double acc_scale = static_cast<double>(in_scale) * weights.scales[c];
      bias_q[c] = quantize_bias(bias[c], acc_scale, 0, "node " + node.name);
      const auto m = fixed_point_multiplier(acc_scale / out_scale);
      mult[c] = m.multiplier;
      shift[c] = m.shift;
    }
    inputs_prefix.push_back(add_constant(node.name + "_weight_q", weights.q));
    inputs_prefix.push_back(add_constant(node.name + "_bias_q", Tensor::from<std::int32_t>({channels}, bias_q)));
    inputs_prefix.push_back(add_constant(node.name + "_multiplier", Tensor::from<std::int32_t>({channels}, mult)));
    inputs_prefix.push_back(add_constant(node.name + "_shift", Tensor::from<std::int32_t>({channels}, shift)));
    // Input order of QConv/QGemm: x, w, bias, multiplier, shift.
    const Quantized q{fresh(result + "_q"), out_scale};
    const Value& y = src_.value(result);
    out_.add_value({q.name, DType::int8, y.shape, y.shape_known, std::nullopt});
    base.op = op;
    base.name = fresh_node(node.name);
    base.inputs = inputs_prefix;
    base.outputs = {q.name};
    base.attributes["clamp_min"] = std::int64_t{relu ? 0 : -128};
    base.attributes["clamp_max"] = std::int64_t{127};
    out_.nodes.push_back(std::move(base));
    quantized_[result] = q;
  }

  void quantize_conv(const Node& node, const std::string& result, bool relu) {
    const Quantized x = need_quantized(node.input(0));
    const Tensor& w = *src_.value(node.input(1)).constant;
    const std::int64_t channels = w.shape()[0];
    const auto wv = w.data<float>();
    const Weights weights = quantize_weights({wv.begin(), wv.end()}, w.shape(), channels);
    std::vector<float> bias(static_cast<std::size_t>(channels), 0.0F);
    if (node.has_input(2)) {
      const auto b = src_.value(node.input(2)).constant->data<float>();
      std::copy(b.begin(), b.end(), bias.begin());
    }
    Node base = node;  // keeps kernel_shape, strides, pads, dilations, group, auto_pad
    emit_requantized(node, "QConv", {x.name}, weights, bias, x.scale, result, relu, base);
  }

  void quantize_gemm(const Node& node, const std::string& result, bool relu) {
    const Quantized x = need_quantized(node.input(0));
    const graph::GemmParams p = graph::gemm_params(src_, node);
    const auto b = src_.value(node.input(1)).constant->data<float>();
    // QGemm wants W as [N,K]; alpha joins the weights, beta the bias.
    std::vector<float> w(static_cast<std::size_t>(p.n * p.k));
    for (std::int64_t n = 0; n < p.n; ++n)
      for (std::int64_t k = 0; k < p.k; ++k)
        w[static_cast<std::size_t>(n * p.k + k)] = p.alpha * b[static_cast<std::size_t>(p.trans_b ? n * p.k + k : k * p.n + n)];
    const Weights weights = quantize_weights(w, {p.n, p.k}, p.n);
    std::vector<float> bias(static_cast<std::size_t>(p.n), 0.0F);
    if (node.has_input(2)) {
      const auto c = src_.value(node.input(2)).constant->data<float>();
      for (std::size_t n = 0; n < bias.size(); ++n) bias[n] = p.beta * c[c.size() == 1 ? 0 : n];
    }
    Node base;
    base.attributes["transB"] = std::int64_t{1};
    emit_requantized(node, "QGemm", {x.name}, weights, bias, x.scale, result, relu, base);
  }

  void pass_through(const Node& node) {
    const Quantized x = quantized_.at(node.input(0));
    Node copy = node;
    copy.name = fresh_node(node.name);
    copy.inputs[0] = x.name;
    for (std::size_t i = 1; i < copy.inputs.size(); ++i)
      if (!copy.inputs[i].empty()) need_float(copy.inputs[i]);  // constants such as a Reshape shape
    const Quantized y{fresh(node.outputs[0] + "_q"), x.scale};
    const Value& v = src_.value(node.outputs[0]);
    out_.add_value({y.name, DType::int8, v.shape, v.shape_known, std::nullopt});
    copy.outputs = {y.name};
    out_.nodes.push_back(std::move(copy));
    quantized_[node.outputs[0]] = y;
  }

  void run_in_float(const Node& node) {
    for (const auto& in : node.inputs)
      if (!in.empty()) need_float(in);
    Node copy = node;
    copy.name = fresh_node(node.name);
    out_.nodes.push_back(std::move(copy));
    for (const auto& out : node.outputs)
      if (!out.empty()) {
        out_.add_value(src_.value(out));
        float_ready_.insert(out);
      }
  }

  const Graph& src_;
  const Ranges& ranges_;
  Graph out_;
  std::map<std::string, Quantized, std::less<>> quantized_;
  std::set<std::string, std::less<>> float_ready_;
  std::set<std::string> node_names_;
};

}  // namespace

FixedPointMultiplier fixed_point_multiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real))
    throw Error(ErrorCode::unsupported, fmt::format("unsupported: requantization multiplier {}", real), "quantizer");
  FixedPointMultiplier m;
  if (zynqnn_hls::quantize_multiplier(real, m.multiplier, m.shift)) return m;
  if (real < 1.0) return {0, 1};  // below 2^-62: every int32 accumulator requantizes to 0
  throw Error(ErrorCode::unsupported, fmt::format("unsupported: requantization multiplier {} is too large", real),
              "quantizer");
}

std::int32_t requantize(std::int64_t acc, FixedPointMultiplier m, std::int32_t zero_point, std::int32_t lo,
                        std::int32_t hi) {
  return zynqnn_hls::requantize_value(acc, m.multiplier, m.shift, zero_point, lo, hi);
}

float symmetric_scale(float max_abs, int levels) {
  return max_abs > 0.0F && std::isfinite(max_abs) ? max_abs / static_cast<float>(levels) : 1.0F;
}

std::int8_t quantize_int8(float value, float scale, std::int32_t zero_point) {
  const float q = std::nearbyint(value / scale) + static_cast<float>(zero_point);
  // NaN has no int8 value (a NaN cast is undefined behaviour): it becomes the zero point.
  if (std::isnan(q)) return static_cast<std::int8_t>(std::clamp(zero_point, -128, 127));
  return static_cast<std::int8_t>(std::clamp(q, -128.0F, 127.0F));
}

float dequantize_int8(std::int8_t value, float scale, std::int32_t zero_point) {
  return (static_cast<float>(value) - static_cast<float>(zero_point)) * scale;
}

QuantParams symmetric_params(Range range) {
  if (!std::isfinite(range.min) || !std::isfinite(range.max))
    throw Error(ErrorCode::invalid_argument, "calibration range is not finite", "quantizer");
  return {symmetric_scale(std::max(std::fabs(range.min), std::fabs(range.max))), 0};
}

QuantParams asymmetric_params(Range range) {
  const float lo = std::min(range.min, 0.0F);
  float hi = std::max(range.max, 0.0F);
  if (!std::isfinite(lo) || !std::isfinite(hi))
    throw Error(ErrorCode::invalid_argument, "calibration range is not finite", "quantizer");
  if (hi - lo < 1e-8F) hi = lo + 1e-8F;
  QuantParams p;
  p.scale = (hi - lo) / 255.0F;
  p.zero_point = static_cast<std::int32_t>(std::clamp(std::nearbyint(-128.0 - lo / p.scale), -128.0, 127.0));
  return p;
}

ChannelWeights quantize_weights(std::span<const float> weights, std::int64_t channels) {
  if (channels <= 0 || weights.size() % static_cast<std::size_t>(channels) != 0)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} weights do not split into {} channels", weights.size(), channels), "quantizer");
  const std::size_t per = weights.size() / static_cast<std::size_t>(channels);
  ChannelWeights out{std::vector<std::int8_t>(weights.size()), std::vector<float>(static_cast<std::size_t>(channels))};
  for (std::size_t c = 0; c < out.scales.size(); ++c) {
    float max_abs = 0.0F;
    for (std::size_t k = 0; k < per; ++k) {
      const float w = weights[c * per + k];
      if (!std::isfinite(w))
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("weight {} of output channel {} is {}: no int8 value", k, c, w), "quantizer");
      max_abs = std::max(max_abs, std::fabs(w));
    }
    out.scales[c] = symmetric_scale(max_abs);
    for (std::size_t k = 0; k < per; ++k)
      out.q[c * per + k] = static_cast<std::int8_t>(std::clamp<int>(quantize_int8(weights[c * per + k], out.scales[c]), -127, 127));
  }
  return out;
}

std::int32_t quantize_bias(double bias, double acc_scale, std::int64_t correction, const std::string& where) {
  const double b = std::nearbyint(bias / acc_scale) + static_cast<double>(correction);
  if (!(std::fabs(b) <= 2147483647.0))
    throw Error(ErrorCode::unsupported,
                fmt::format("unsupported: int8 bias {} at accumulator scale {} leaves the int32 range", bias, acc_scale), where);
  return static_cast<std::int32_t>(b);
}

Ranges calibrate(const Graph& float_graph, std::span<const graph::TensorMap> calibration) {
  if (calibration.empty()) throw Error(ErrorCode::invalid_argument, "no calibration inputs", "quantizer");
  Ranges ranges;
  const graph::Executor executor(float_graph);
  for (const auto& inputs : calibration)
    executor.run(inputs, [&](const std::string& name, const Tensor& value) {
      if (value.dtype() != DType::float32) return;
      // Non-finite values (an overflowing calibration input) do not widen the range.
      float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
      for (const float v : value.data<float>())
        if (std::isfinite(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      if (lo > hi) return;
      const auto found = ranges.find(name);
      if (found == ranges.end()) {
        ranges.emplace(name, Range{lo, hi});
      } else {
        found->second.min = std::min(found->second.min, lo);
        found->second.max = std::max(found->second.max, hi);
      }
    });
  return ranges;
}

Graph quantize_int8(const Graph& float_graph, const Ranges& ranges) {
  float_graph.validate();
  return Quantizer(float_graph, ranges).run();
}

Graph quantize_int8(const Graph& float_graph, std::span<const graph::TensorMap> calibration) {
  return quantize_int8(float_graph, calibrate(float_graph, calibration));
}

}  // namespace zynqnn::quant
