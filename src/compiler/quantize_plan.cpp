#include "compiler/quantize_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "requant.h"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

struct Range {
  float lo = std::numeric_limits<float>::max();
  float hi = std::numeric_limits<float>::lowest();
};

// Asymmetric int8 quantization of [lo, hi] (0 always representable).
void choose_qparams(Range r, float& scale, std::int32_t& zero_point) {
  float lo = std::min(r.lo, 0.0F), hi = std::max(r.hi, 0.0F);
  if (hi - lo < 1e-8F) hi = lo + 1e-8F;
  scale = (hi - lo) / 255.0F;
  zero_point = static_cast<std::int32_t>(std::clamp(std::nearbyint(-128.0 - lo / scale), -128.0, 127.0));
}

std::int32_t quantize_value(float v, float scale, std::int32_t zp) {
  return static_cast<std::int32_t>(std::clamp(std::nearbyint(static_cast<double>(v) / scale) + zp, -128.0, 127.0));
}

void requant_for(double real_scale, std::int32_t& m, std::int32_t& r, const std::string& where) {
  if (!zynqnn_hls::quantize_multiplier(real_scale, m, r))
    throw Error(ErrorCode::unsupported, fmt::format("unsupported: requantization scale {} out of range", real_scale), where);
}

}  // namespace

void quantize_plan(LayerPlan& plan, const std::vector<graph::TensorMap>& calibration) {
  if (calibration.empty())
    throw Error(ErrorCode::invalid_argument, "int8 needs calibration inputs (--calib FILE.npy)", "quantization");
  // Observed ranges of every value.
  std::map<std::string, Range> ranges;
  graph::Executor executor(plan.graph);
  for (const auto& inputs : calibration) {
    executor.run(inputs, [&](const std::string& name, const graph::Tensor& value) {
      if (value.dtype() != graph::DType::float32) return;
      Range& r = ranges[name];
      for (float v : value.data<float>()) {
        if (!std::isfinite(v)) continue;
        r.lo = std::min(r.lo, v);
        r.hi = std::max(r.hi, v);
      }
    });
  }
  for (auto& [name, t] : plan.tensors) {
    if (t.dtype != graph::DType::float32) continue;
    auto it = ranges.find(name);
    if (it != ranges.end()) choose_qparams(it->second, t.scale, t.zero_point);
  }
  for (auto& l : plan.layers) {
    PlTensor& in = plan.tensors.at(l.inputs.at(0));
    PlTensor& out = plan.tensors.at(l.output);
    const std::string where = "layer " + l.id;
    switch (l.kind) {
      case LayerKind::conv:
      case LayerKind::dense:
      case LayerKind::depthwise_conv: {
        const std::int64_t oc = l.out_c;
        const std::int64_t per_out = static_cast<std::int64_t>(l.weights.size()) / oc;
        l.qweights.resize(l.weights.size());
        l.qbias.assign(static_cast<std::size_t>(oc), 0);
        l.multiplier.assign(static_cast<std::size_t>(oc), 0);
        l.shift.assign(static_cast<std::size_t>(oc), 1);
        for (std::int64_t o = 0; o < oc; ++o) {
          float absmax = 0;
          for (std::int64_t i = 0; i < per_out; ++i) absmax = std::max(absmax, std::fabs(l.weights[static_cast<std::size_t>(o * per_out + i)]));
          const float sw = absmax > 0 ? absmax / 127.0F : 1.0F;
          std::int64_t qsum = 0;
          for (std::int64_t i = 0; i < per_out; ++i) {
            const auto idx = static_cast<std::size_t>(o * per_out + i);
            const auto q = static_cast<std::int8_t>(std::clamp(std::nearbyint(l.weights[idx] / sw), -127.0F, 127.0F));
            l.qweights[idx] = q;
            qsum += q;
          }
          // acc = sum qw*qx + bias_q = sum qw*(qx - zx) / (sx*sw) * real: fold -zx*sum(qw).
          const double acc_scale = static_cast<double>(in.scale) * sw;
          const double b = std::nearbyint(l.bias[static_cast<std::size_t>(o)] / acc_scale) - static_cast<double>(in.zero_point) * qsum;
          if (std::fabs(b) > 2e9) throw Error(ErrorCode::unsupported, "unsupported: int8 bias out of the int32 range", where);
          l.qbias[static_cast<std::size_t>(o)] = static_cast<std::int32_t>(b);
          requant_for(acc_scale / out.scale, l.multiplier[static_cast<std::size_t>(o)], l.shift[static_cast<std::size_t>(o)], where);
        }
        l.out_zero_point = out.zero_point;
        l.out_lo = -128;
        l.out_hi = 127;
        if (l.activation.kind == ActivationKind::relu) l.out_lo = std::max(-128, out.zero_point);
        if (l.activation.kind == ActivationKind::clip) {
          l.out_lo = quantize_value(l.activation.lo, out.scale, out.zero_point);
          l.out_hi = quantize_value(l.activation.hi, out.scale, out.zero_point);
        }
        if (l.activation.kind == ActivationKind::leaky_relu || l.activation.kind == ActivationKind::sigmoid)
          throw Error(ErrorCode::unsupported, "unsupported: int8 " + l.ops + " (only ReLU/Clip fuse into requantization)", where);
        break;
      }
      case LayerKind::pool:
      case LayerKind::global_pool:
        // Same scale in and out: max and average commute with the affine map.
        out.scale = in.scale;
        out.zero_point = in.zero_point;
        break;
      case LayerKind::activation:
        if (l.activation.kind != ActivationKind::relu && l.activation.kind != ActivationKind::clip)
          throw Error(ErrorCode::unsupported, "unsupported: int8 " + l.ops + " as a layer of its own", where);
        out.scale = in.scale;
        out.zero_point = in.zero_point;
        l.out_lo = l.activation.kind == ActivationKind::relu ? in.zero_point
                                                             : quantize_value(l.activation.lo, in.scale, in.zero_point);
        l.out_hi = l.activation.kind == ActivationKind::relu ? 127 : quantize_value(l.activation.hi, in.scale, in.zero_point);
        break;
      default:
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
