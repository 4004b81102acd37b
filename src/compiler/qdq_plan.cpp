// A plan put onto the int8 layers with a QDQ model's own scales and zero points (qdq.hpp):
// weights as given, int32 biases at s_in·s_w, requantization from s_in·s_w/s_out.
#include "compiler/layers/kind.hpp"
#include "compiler/qdq.hpp"
#include "compiler/quantize_plan.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::compiler {
namespace {

using graph::DType;
using graph::Graph;
using graph::Node;

[[noreturn]] void refuse(const std::string& what, const std::string& where) { refuse_as_given(what, where); }

// Output-channel axis of a layer's weight operand in its ONNX layout.
std::int64_t weight_output_axis(const Node& node) {
  if (node.op == "Gemm") return node.get_int("transB", 0) != 0 ? 0 : 1;
  if (node.op == "MatMul") return 1;
  return 0;  // Conv: OIHW
}

const Node& node_named(const Graph& g, const std::string& name) {
  for (const auto& n : g.nodes)
    if (n.name == name) return n;
  throw Error(ErrorCode::internal, "layer node not in the graph", name);
}

void quantize_weights_as_given(PlLayer& l, const Graph& g, const ModelQuantization& model, const PlTensor& in,
                               const PlTensor& out) {
  const std::string where = "layer " + l.id;
  const Node& node = node_named(g, l.nodes.front());
  const auto it = model.constants.find(node.input(1));
  if (it == model.constants.end())
    refuse(fmt::format("int8 {} (the model gives its weights {} in float, not through a DequantizeLinear)", l.ops, node.input(1)),
           where);
  const ModelQuantization::Constant& w = it->second;
  if (w.dtype != DType::int8 && w.dtype != DType::uint8)
    refuse(fmt::format("{} weights {} (int8 or uint8 weights only)", graph::to_string(w.dtype), node.input(1)), where);
  const std::int64_t oc = l.out_c;
  if (w.scales.size() != 1 && (w.axis != weight_output_axis(node) || static_cast<std::int64_t>(w.scales.size()) != oc))
    refuse(fmt::format("weights {} quantized along axis {}, not per output channel", node.input(1), w.axis), where);
  const std::int64_t per_out = static_cast<std::int64_t>(l.weights.size()) / oc;
  l.qweights.assign(l.weights.size(), 0);
  l.qbias.assign(static_cast<std::size_t>(oc), 0);
  l.multiplier.assign(static_cast<std::size_t>(oc), 0);
  l.shift.assign(static_cast<std::size_t>(oc), 1);
  for (std::int64_t o = 0; o < oc; ++o) {
    const auto c = static_cast<std::size_t>(o);
    const float sw = w.scales[w.scales.size() == 1 ? 0 : c];
    std::int64_t qsum = 0;
    for (std::int64_t i = 0; i < per_out; ++i) {
      const auto k = static_cast<std::size_t>(o * per_out + i);
      // The lowering only reorders the dequantized weights: (q - zp) * s comes back exactly.
      const float q = std::nearbyint(l.weights[k] / sw);
      if (q * sw != l.weights[k] || q < -128.0F || q > 127.0F)
        refuse(fmt::format("weights {} are not int8 values times their scale after lowering (value {} at {}, scale {}): "
                           "a fusion changed them or the zero-point-shifted value leaves int8",
                           node.input(1), l.weights[k], k, sw),
               where);
      l.qweights[k] = static_cast<std::int8_t>(q);
      qsum += static_cast<std::int64_t>(q);
    }
    // acc = sum qw * (qx - zx) + qbias at scale s_in * s_w; the -zx * sum(qw) term goes into the bias.
    const double acc_scale = static_cast<double>(in.scale) * sw;
    const float bias = l.bias.empty() ? 0.0F : l.bias[c];
    l.qbias[c] = quant::quantize_bias(bias, acc_scale, -static_cast<std::int64_t>(in.zero_point) * qsum, where);
    const quant::FixedPointMultiplier m = quant::fixed_point_multiplier(acc_scale / out.scale);
    l.multiplier[c] = m.multiplier;
    l.shift[c] = m.shift;
  }
  set_requantized_output(l, out, where);
}

}  // namespace

void quantize_plan_from_model(LayerPlan& plan, const ModelQuantization& model) {
  // Every float PL stream takes the model's parameters; a Flatten alias takes its stream's.
  std::set<std::string> given;
  for (auto& [name, t] : plan.tensors) {
    if (t.dtype != DType::float32) continue;
    if (auto it = model.activations.find(name); it != model.activations.end()) {
      t.scale = it->second.scale;
      t.zero_point = it->second.zero_point;
      given.insert(t.id);
    }
  }
  for (auto& [name, t] : plan.tensors) {
    if (t.dtype != DType::float32 || model.activations.count(name)) continue;
    for (const auto& [other, u] : plan.tensors)
      if (u.id == t.id && model.activations.count(other)) {
        t.scale = u.scale;
        t.zero_point = u.zero_point;
      }
  }
  auto require = [&](const PlTensor& t, const PlLayer& l) {
    if (t.dtype == DType::float32 && !given.count(t.id))
      refuse(fmt::format("int8 {} (the model gives no QuantizeLinear/DequantizeLinear for its stream {})", l.ops, t.value),
             "layer " + l.id);
  };
  for (auto& l : plan.layers) {
    PlTensor& in = plan.tensors.at(l.inputs.at(0));
    PlTensor& out = plan.tensors.at(l.output);
    const std::string where = "layer " + l.id;
    require(in, l);
    const layers::Int8Form form = layers::kind_rule(l.kind).int8;  // the kind's int8 form: its layer file
    switch (form) {
      case layers::Int8Form::requantized:
        if (!l.weight_port.empty()) refuse("int8 " + l.ops + " with run-time weights", where);
        require(out, l);
        quantize_weights_as_given(l, plan.graph, model, in, out);
        break;
      case layers::Int8Form::same_scale:
      case layers::Int8Form::clamped:
        if (form == layers::Int8Form::clamped && l.activation.kind == ActivationKind::functor &&
            l.activation.reference) {  // a lookup table from the model's input and output quantization
          require(out, l);
          set_lookup_table(l, in, out);
          given.insert(out.id);
          break;
        }
        if (form == layers::Int8Form::clamped && l.activation.kind != ActivationKind::relu &&
            l.activation.kind != ActivationKind::clip)
          refuse("int8 " + l.ops + " as a layer of its own", where);
        // Max and average pooling and ReLU/Clip commute with the affine map: one scale in and out.
        if (given.count(out.id) && (out.scale != in.scale || out.zero_point != in.zero_point))
          refuse(fmt::format("int8 {} whose output quantization (scale {}, zero point {}) differs from its input's "
                             "(scale {}, zero point {}): a requantizing {} is not written",
                             l.ops, out.scale, out.zero_point, in.scale, in.zero_point, l.ops),
                 where);
        out.scale = in.scale;
        out.zero_point = in.zero_point;
        given.insert(out.id);
        if (form == layers::Int8Form::clamped) {
          l.out_lo = l.activation.kind == ActivationKind::relu ? in.zero_point
                                                               : quant::quantize_int8(l.activation.lo, in.scale, in.zero_point);
          l.out_hi = l.activation.kind == ActivationKind::relu ? 127 : quant::quantize_int8(l.activation.hi, in.scale, in.zero_point);
        }
        break;
      case layers::Int8Form::mean:
        if (given.count(out.id) && (out.scale != in.scale || out.zero_point != in.zero_point)) {
          if (l.pool_max)  // a maximum commutes with the affine map only at one scale
            refuse(fmt::format("int8 {} whose output quantization (scale {}, zero point {}) differs from its input's "
                               "(scale {}, zero point {}): a requantizing maximum is not written",
                               l.ops, out.scale, out.zero_point, in.scale, in.zero_point),
                   where);
          set_requantized_mean(l, in, out, where);  // the model gives the mean a scale of its own
          break;
        }
        out.scale = in.scale;
        out.zero_point = in.zero_point;
        given.insert(out.id);
        break;
      case layers::Int8Form::rescaled_sum: {
        const PlTensor& b = plan.tensors.at(l.inputs.at(1));
        require(b, l);
        require(out, l);
        set_rescaled_sum(l, in, b, out, where);
        given.insert(out.id);
        break;
      }
      case layers::Int8Form::none:
        refuse("int8 " + l.ops + " (no int8 form of this layer yet)", where);
    }
    for (auto& [name, t] : plan.tensors)
      if (t.id == out.id && name != out.value) {
        t.scale = out.scale;
        t.zero_point = out.zero_point;
      }
  }
}

}  // namespace zynqnn::compiler
