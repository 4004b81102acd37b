// HardSigmoid: max(0, min(1, alpha * x + beta)) with the node's alpha and beta (ONNX's defaults
// 0.2 and 0.5; PyTorch's nn.Hardsigmoid exports 1/6 and 0.5), computed by
// zynqnn_hls::hard_sigmoid_op (hls/layers/activation.h), fused into the convolution or dense
// layer before it or a layer of its own (float32, fixed point); int8: a 256-entry lookup table
// over the input's raw bits.
#include <algorithm>

#include "compiler/layers/activation.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_hard_sigmoid(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  ctx.require_float(node, in);
  const float alpha = node.get_float("alpha", 0.2F), beta = node.get_float("beta", 0.5F);
  Activation a;
  a.kind = ActivationKind::functor;
  a.functor = "zynqnn_hls::hard_sigmoid_op";
  a.functor_args = {alpha, beta};
  a.reference = [alpha, beta](float x) { return std::max(0.0F, std::min(1.0F, alpha * x + beta)); };
  add_activation(ctx, node, in, a);
}

}  // namespace

void register_hardsigmoid(Registry& registry) {
  LayerRule rule;
  rule.name = "hardsigmoid";
  rule.ops = {"HardSigmoid"};
  rule.lower = lower_hard_sigmoid;
  rule.rows = {{25, "HardSigmoid",
                "alpha, beta; fused into the chain of the Conv or Gemm before it when it is that layer's only reader; "
                "otherwise an activation layer (hard_sigmoid_op)",
                "float32 and fixed point; int8: a layer of its own, a 256-entry lookup table (lut_activation)"}};
  registry.add(std::move(rule));
}

}  // namespace zynqnn::compiler::layers
