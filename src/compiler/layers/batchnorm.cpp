// BatchNormalization with run-time statistics: four per-channel parameter streams read once per
// frame. (With constant statistics the graph optimizer folds it into the convolution before it.)
#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_batchnorm(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  ctx.require_float(node, in);
  if (in.shape.size() < 2) ctx.unsupported(node, "input of rank below 2");
  if (node.outputs.size() > 1) ctx.unsupported(node, "training-mode outputs");
  // Channel axis 1: per element, (i / inner) % C in the stream's order.
  std::int64_t inner = 1;
  const std::int64_t c_count = in.shape[1];
  if (!is_image(in))
    for (std::size_t d = 2; d < in.shape.size(); ++d) inner *= in.shape[d];
  std::vector<std::string> inputs{node.input(0)};
  for (std::size_t i = 1; i <= 4; ++i) {
    if (ctx.is_constant(node.input(i))) ctx.unsupported(node, "a mix of constant and run-time statistics");
    PlTensor& params = ctx.input(node, node.input(i));
    params.pixels = 1;
    params.channels = c_count;
    inputs.push_back(node.input(i));
  }
  const std::int64_t total = in.elements();
  PlLayer& layer = ctx.add_layer(LayerKind::batchnorm_stream, node);
  layer.inputs = inputs;
  layer.pixels = total / c_count;
  layer.in_c = layer.out_c = c_count;
  layer.inner_a = inner;
  layer.epsilon = node.get_float("epsilon", 1e-5F);
  ctx.set_output(layer, node);
}

}  // namespace

void register_batchnorm(Registry& registry) {
  LayerRule rule;
  rule.name = "batchnorm";
  rule.ops = {"BatchNormalization"};
  rule.lower = lower_batchnorm;
  rule.rows = {{70, "BatchNormalization with run-time statistics", "per-frame parameter streams",
                "with constant statistics it is folded into the Conv before it; refused: a mix of constant and "
                "run-time statistics, training-mode outputs"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::batchnorm_stream,
                     .name = "batchnorm_stream",
                     .describe = describe_pixels<est::StageKind::eltwise>,
                     .emit = [](const PlLayer& l, const PlTensor&, const std::string&, EmitContext& ctx) {
                       ctx.enable("is_batchnorm");
                       ctx.set("inner", std::to_string(l.inner_a));
                       ctx.set("epsilon", ctx.literal(l.epsilon));
                     }});
}

}  // namespace zynqnn::compiler::layers
