#pragma once
// A reference for fixed<W,I> networks: the layer plan computed with plain NHWC loops (no
// streams, no folding) in the same ap_fixed types the compiler emits: activations and
// weights ap_fixed<W,I,AP_RND_CONV,AP_SAT>, accumulators ap_fixed<2W+8,2I+8> holding the bias
// and every product exactly; a layer's result (after its fused activation) is converted to
// the activation type, which rounds half to even and saturates. Covers the layers the fixed
// tests use: conv, depthwise conv, dense, max/average pool, global pool, ReLU/Clip.
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "ap_fixed.h"
#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler::testing {

template <int W, int I>
class FixedReference {
 public:
  static constexpr int kAccW = std::min(63, 2 * W + 8), kAccI = std::min(kAccW, 2 * I + 8);
  using Act = ap_fixed<W, I, AP_RND_CONV, AP_SAT>;
  using Acc = ap_fixed<kAccW, kAccI>;

  // `input`: the network input in stream order (host_prepare), one input and one output.
  static std::vector<float> run(const LayerPlan& plan, const std::vector<float>& input) {
    std::map<std::string, std::vector<Act>> values;  // by stream id (a reshape keeps the stream)
    auto id = [&](const std::string& value) { return plan.tensor(value).id; };
    std::vector<Act>& x = values[id(plan.pl_inputs.at(0))];
    for (float v : input) x.push_back(Act(v));
    for (const auto& l : plan.layers) values[id(l.output)] = layer(l, values.at(id(l.inputs.at(0))));
    std::vector<float> out;
    for (const Act& v : values.at(id(plan.pl_outputs.at(0)))) out.push_back(v.to_float());
    return out;
  }

 private:
  static Acc activate(const Activation& a, Acc v) {
    switch (a.kind) {
      case ActivationKind::none: return v;
      case ActivationKind::relu: return v < Acc(0) ? Acc(0) : v;
      case ActivationKind::clip: {
        const Acc lo(a.lo), hi(a.hi);
        return v < lo ? lo : (hi < v ? hi : v);
      }
      default: throw std::runtime_error("the fixed reference has no " + std::to_string(static_cast<int>(a.kind)));
    }
  }

  static std::vector<Act> layer(const PlLayer& l, const std::vector<Act>& in) {
    std::vector<Act> out;
    switch (l.kind) {
      case LayerKind::conv:
      case LayerKind::depthwise_conv: {
        const bool dw = l.kind == LayerKind::depthwise_conv;
        const std::int64_t cpg = dw ? 1 : l.in_c;  // input channels per output channel
        for (std::int64_t oy = 0; oy < l.out_h; ++oy)
          for (std::int64_t ox = 0; ox < l.out_w; ++ox)
            for (std::int64_t o = 0; o < l.out_c; ++o) {
              Acc acc(l.bias[static_cast<std::size_t>(o)]);
              for (std::int64_t ky = 0; ky < l.kernel_h; ++ky)
                for (std::int64_t kx = 0; kx < l.kernel_w; ++kx) {
                  const std::int64_t iy = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
                  const std::int64_t ix = ox * l.stride_w - l.pad_left + kx * l.dilation_w;
                  if (iy < 0 || iy >= l.in_h || ix < 0 || ix >= l.in_w) continue;  // zero padding
                  for (std::int64_t c = 0; c < cpg; ++c) {
                    const std::int64_t channel = dw ? o : c;
                    const Act w(l.weights[static_cast<std::size_t>(((o * cpg + c) * l.kernel_h + ky) * l.kernel_w + kx)]);
                    acc += static_cast<Acc>(in[static_cast<std::size_t>((iy * l.in_w + ix) * l.in_c + channel)] * w);
                  }
                }
              out.push_back(Act(activate(l.activation, acc)));
            }
        return out;
      }
      case LayerKind::dense:
        for (std::int64_t p = 0; p < l.pixels; ++p)
          for (std::int64_t o = 0; o < l.out_c; ++o) {
            Acc acc(l.bias[static_cast<std::size_t>(o)]);
            for (std::int64_t j = 0; j < l.in_c; ++j)
              acc += static_cast<Acc>(in[static_cast<std::size_t>(p * l.in_c + j)] *
                                      Act(l.weights[static_cast<std::size_t>(o * l.in_c + j)]));
            out.push_back(Act(activate(l.activation, acc)));
          }
        return out;
      case LayerKind::pool:
        for (std::int64_t oy = 0; oy < l.out_h; ++oy)
          for (std::int64_t ox = 0; ox < l.out_w; ++ox)
            for (std::int64_t c = 0; c < l.in_c; ++c) {
              Act best(0);
              Acc sum(0);
              int taps = 0;
              for (std::int64_t ky = 0; ky < l.kernel_h; ++ky)
                for (std::int64_t kx = 0; kx < l.kernel_w; ++kx) {
                  const std::int64_t iy = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
                  const std::int64_t ix = ox * l.stride_w - l.pad_left + kx * l.dilation_w;
                  if (iy < 0 || iy >= l.in_h || ix < 0 || ix >= l.in_w) continue;
                  const Act v = in[static_cast<std::size_t>((iy * l.in_w + ix) * l.in_c + c)];
                  if (taps == 0 || best < v) best = v;
                  sum = static_cast<Acc>(sum + static_cast<Acc>(v));
                  ++taps;
                }
              const int count = l.count_include_pad ? static_cast<int>(l.kernel_h * l.kernel_w) : taps;
              out.push_back(l.pool_max ? best : Act(static_cast<Acc>(sum / static_cast<Acc>(count))));
            }
        return out;
      case LayerKind::global_pool:
        for (std::int64_t c = 0; c < l.in_c; ++c) {
          Acc best(0), sum(0);
          for (std::int64_t p = 0; p < l.pixels; ++p) {
            const Acc v = static_cast<Acc>(in[static_cast<std::size_t>(p * l.in_c + c)]);
            if (p == 0 || best < v) best = v;
            sum = p == 0 ? v : static_cast<Acc>(sum + v);
          }
          out.push_back(l.pool_max ? Act(best) : Act(static_cast<Acc>(sum / static_cast<Acc>(static_cast<int>(l.pixels)))));
        }
        return out;
      case LayerKind::activation:
        for (const Act& v : in) out.push_back(Act(activate(l.activation, static_cast<Acc>(v))));
        return out;
      default: throw std::runtime_error("the fixed reference has no layer " + l.ops);
    }
  }
};

}  // namespace zynqnn::compiler::testing
