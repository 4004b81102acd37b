#include "compiler/quantize_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "compiler/layers/kind.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::compiler {
namespace {

// Clip bounds as int8 values of the stream (QuantizeLinear arithmetic).
std::int32_t quantize_value(float v, float scale, std::int32_t zp) { return quant::quantize_int8(v, scale, zp); }

}  // namespace

void set_requantized_output(PlLayer& l, const PlTensor& out, const std::string& where) {
  l.out_zero_point = out.zero_point;
  l.out_lo = -128;
  l.out_hi = 127;
  if (l.activation.kind == ActivationKind::relu) l.out_lo = std::max(-128, out.zero_point);
  if (l.activation.kind == ActivationKind::clip) {
    l.out_lo = quantize_value(l.activation.lo, out.scale, out.zero_point);
    l.out_hi = quantize_value(l.activation.hi, out.scale, out.zero_point);
  }
  if (l.activation.kind == ActivationKind::leaky_relu || l.activation.kind == ActivationKind::sigmoid ||
      l.activation.kind == ActivationKind::functor)
    throw Error(ErrorCode::unsupported, "unsupported: int8 " + l.ops + " (only ReLU/Clip fuse into requantization)", where);
}

bool set_lookup_table(PlLayer& l, const PlTensor& in, const PlTensor& out) {
  if (l.activation.kind != ActivationKind::functor || !l.activation.reference) return false;
  l.lookup.resize(256);
  for (int bits = 0; bits < 256; ++bits) {
    const auto q = static_cast<std::int8_t>(bits < 128 ? bits : bits - 256);
    const float x = quant::dequantize_int8(q, in.scale, in.zero_point);
    l.lookup[static_cast<std::size_t>(bits)] = quant::quantize_int8(l.activation.reference(x), out.scale, out.zero_point);
  }
  return true;
}

void set_rescaled_sum(PlLayer& l, const PlTensor& a, const PlTensor& b, const PlTensor& out, const std::string& where) {
  if (l.binary != BinaryOp::add) throw Error(ErrorCode::unsupported, "unsupported: int8 " + l.ops + " (only Add)", where);
  const double ra = static_cast<double>(a.scale) / out.scale, rb = static_cast<double>(b.scale) / out.scale;
  // The largest R with both multipliers below 2^31; |q - z| <= 255, so each product stays below 2^39.
  int shift = 62;
  while (shift > 1 && std::max(ra, rb) * std::ldexp(1.0, shift) >= 2147483647.0) --shift;
  l.multiplier = {static_cast<std::int32_t>(std::lround(ra * std::ldexp(1.0, shift))),
                  static_cast<std::int32_t>(std::lround(rb * std::ldexp(1.0, shift)))};
  l.shift = {shift};
  set_requantized_output(l, out, where);
}

void set_requantized_mean(PlLayer& l, const PlTensor& in, const PlTensor& out, const std::string& where) {
  const quant::FixedPointMultiplier m = quant::fixed_point_multiplier(
      static_cast<double>(in.scale) / (static_cast<double>(out.scale) * static_cast<double>(l.pixels)));
  l.multiplier = {m.multiplier};
  l.shift = {m.shift};
  set_requantized_output(l, out, where);
}

void quantize_plan(LayerPlan& plan, const std::vector<graph::TensorMap>& calibration) {
  if (calibration.empty())
    throw Error(ErrorCode::invalid_argument, "int8 needs calibration inputs (--calib FILE.npy)", "quantization");
  // Observed ranges of every value; every PL stream gets asymmetric int8 parameters.
  const quant::Ranges ranges = quant::calibrate(plan.graph, calibration);
  for (auto& [name, t] : plan.tensors) {
    if (t.dtype != graph::DType::float32) continue;
    auto it = ranges.find(name);
    if (it == ranges.end()) continue;
    const quant::QuantParams q = quant::asymmetric_params(it->second);
    t.scale = q.scale;
    t.zero_point = q.zero_point;
  }
  for (auto& l : plan.layers) {
    PlTensor& in = plan.tensors.at(l.inputs.at(0));
    PlTensor& out = plan.tensors.at(l.output);
    const std::string where = "layer " + l.id;
    switch (layers::kind_rule(l.kind).int8) {  // the kind's int8 form: its layer file
      case layers::Int8Form::requantized: {
        const std::int64_t oc = l.out_c;
        const std::int64_t per_out = static_cast<std::int64_t>(l.weights.size()) / oc;
        const quant::ChannelWeights w = quant::quantize_weights(l.weights, oc);
        l.qweights = w.q;
        l.qbias.assign(static_cast<std::size_t>(oc), 0);
        l.multiplier.assign(static_cast<std::size_t>(oc), 0);
        l.shift.assign(static_cast<std::size_t>(oc), 1);
        for (std::int64_t o = 0; o < oc; ++o) {
          const auto c = static_cast<std::size_t>(o);
          std::int64_t qsum = 0;
          for (std::int64_t i = 0; i < per_out; ++i) qsum += w.q[static_cast<std::size_t>(o * per_out + i)];
          // acc = sum qw*qx + bias_q = sum qw*(qx - zx) / (sx*sw) * real: fold -zx*sum(qw).
          const double acc_scale = static_cast<double>(in.scale) * w.scales[c];
          l.qbias[c] = quant::quantize_bias(l.bias[c], acc_scale, -static_cast<std::int64_t>(in.zero_point) * qsum, where);
          const quant::FixedPointMultiplier m = quant::fixed_point_multiplier(acc_scale / out.scale);
          l.multiplier[c] = m.multiplier;
          l.shift[c] = m.shift;
        }
        set_requantized_output(l, out, where);
        break;
      }
      case layers::Int8Form::same_scale:
      case layers::Int8Form::mean:
        // Same scale in and out: max and average commute with the affine map.
        out.scale = in.scale;
        out.zero_point = in.zero_point;
        break;
      case layers::Int8Form::clamped:
        if (set_lookup_table(l, in, out)) break;  // the output keeps its calibrated quantization
        if (l.activation.kind != ActivationKind::relu && l.activation.kind != ActivationKind::clip)
          throw Error(ErrorCode::unsupported, "unsupported: int8 " + l.ops + " as a layer of its own", where);
        out.scale = in.scale;
        out.zero_point = in.zero_point;
        l.out_lo = l.activation.kind == ActivationKind::relu ? in.zero_point
                                                             : quantize_value(l.activation.lo, in.scale, in.zero_point);
        l.out_hi = l.activation.kind == ActivationKind::relu ? 127 : quantize_value(l.activation.hi, in.scale, in.zero_point);
        break;
      case layers::Int8Form::rescaled_sum:
        set_rescaled_sum(l, in, plan.tensors.at(l.inputs.at(1)), out, where);
        break;
      case layers::Int8Form::none:
        throw Error(ErrorCode::unsupported, "unsupported: int8 " + l.ops + " (no int8 form of this layer yet)", where);
    }
    // Aliases (a Flatten of this output) share its quantization.
    for (auto& [name, t] : plan.tensors)
      if (t.id == out.id && name != out.value) {
        t.scale = out.scale;
        t.zero_point = out.zero_point;
      }
  }
}

}  // namespace zynqnn::compiler
