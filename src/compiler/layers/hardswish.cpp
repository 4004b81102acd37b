// HardSwish: an elementwise activation computed by zynqnn_hls::hardswish_op
// (hls/layers/activation.h), fused into the convolution or dense layer before it or a layer of
// its own (float32, fixed point); int8: a 256-entry lookup table over the input's raw bits.
#include <algorithm>

#include "compiler/layers/activation.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_hardswish(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  ctx.require_float(node, in);
  Activation a;
  a.kind = ActivationKind::functor;
  a.functor = "zynqnn_hls::hardswish_op";
  a.reference = [](float x) { return x * std::max(0.0F, std::min(1.0F, x * (1.0F / 6.0F) + 0.5F)); };
  add_activation(ctx, node, in, a);
}

}  // namespace

void register_hardswish(Registry& registry) {
  LayerRule rule;
  rule.name = "hardswish";
  rule.ops = {"HardSwish"};
  rule.lower = lower_hardswish;
  rule.rows = {{24, "HardSwish",
                "fused into the chain of the Conv or Gemm before it when it is that layer's only reader; otherwise "
                "an activation layer (hardswish_op)",
                "float32 and fixed point; int8: a layer of its own, a 256-entry lookup table (lut_activation)"}};
  registry.add(std::move(rule));
}

}  // namespace zynqnn::compiler::layers
