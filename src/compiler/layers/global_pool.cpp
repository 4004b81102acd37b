// GlobalAveragePool / GlobalMaxPool: one value per channel of an image.
#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_global_pool(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  ctx.require_float(node, in);
  if (!is_image(in) && !(in.shape.size() == 3 && in.shape[0] == 1)) ctx.unsupported(node, "input is not a single image");
  PlLayer& layer = ctx.add_layer(LayerKind::global_pool, node);
  layer.inputs = {node.input(0)};
  layer.pool_max = node.op == "GlobalMaxPool";
  layer.in_c = layer.out_c = in.channels;
  layer.pixels = in.pixels;
  ctx.set_output(layer, node);
}

void emit_global_pool(const PlLayer& l, const PlTensor& in, const std::string& t_in, EmitContext& ctx) {
  if (ctx.int8() && !l.multiplier.empty()) {  // an average requantized into the output's own scale
    ctx.enable("is_global_average_requantized");
    ctx.set("mean_params", fmt::format("zynqnn_hls::requant_params{{{}, {}}}, {}, zynqnn_hls::requant_output{{{}, {}, {}}}",
                                       l.multiplier.at(0), l.shift.at(0), in.zero_point, l.out_zero_point, l.out_lo,
                                       l.out_hi));
    return;
  }
  ctx.enable("is_global_pool");
  ctx.set("pool_kind", l.pool_max ? "max" : "average");
  ctx.set("t_acc", l.pool_max ? t_in : ctx.accumulator_type());
}

}  // namespace

void register_global_pool(Registry& registry) {
  LayerRule rule;
  rule.name = "global_pool";
  rule.ops = {"GlobalAveragePool", "GlobalMaxPool"};
  rule.lower = lower_global_pool;
  rule.rows = {{40, "GlobalAveragePool / GlobalMaxPool; ReduceMean over every spatial axis", "global_pool",
                "a single 1-D or 2-D image; ReduceMean (PyTorch's mean(dim=(2, 3)), AdaptiveAvgPool1d/2d(1) as "
                "Unsqueeze → ReduceMean → Squeeze) is rewritten to GlobalAveragePool on import; int8: the input's "
                "scale, or the average requantized into the scale a QDQ model gives it "
                "(global_average_requantized)"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::global_pool,
                     .name = "global_pool",
                     .describe = describe_pixels<est::StageKind::global_pool>,
                     .follows_input_width = always,
                     .emit = emit_global_pool,
                     .int8 = Int8Form::mean});
}

}  // namespace zynqnn::compiler::layers
