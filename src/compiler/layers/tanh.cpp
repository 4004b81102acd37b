// Tanh: an elementwise activation computed by zynqnn_hls::tanh_op (hls/layers/activation.h),
// fused into the convolution or dense layer before it or a layer of its own (float32, fixed
// point); int8: a 256-entry lookup table of std::tanh over the input's raw bits.
#include <cmath>

#include "compiler/layers/activation.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_tanh(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  ctx.require_float(node, in);
  Activation a;
  a.kind = ActivationKind::functor;
  a.functor = "zynqnn_hls::tanh_op";
  a.reference = [](float x) { return std::tanh(x); };
  add_activation(ctx, node, in, a);
}

}  // namespace

void register_tanh(Registry& registry) {
  LayerRule rule;
  rule.name = "tanh";
  rule.ops = {"Tanh"};
  rule.lower = lower_tanh;
  rule.rows = {{23, "Tanh",
                "fused into the chain of the Conv or Gemm before it when it is that layer's only reader; otherwise "
                "an activation layer (tanh_op)",
                "float32 and fixed point; int8: a layer of its own, a 256-entry lookup table (lut_activation)"}};
  registry.add(std::move(rule));
}

}  // namespace zynqnn::compiler::layers
