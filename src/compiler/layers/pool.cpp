// MaxPool / AveragePool, 1-D or 2-D: sliding window and pool.
#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_pool(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  ctx.require_float(node, in);
  if (node.outputs.size() > 1 && !node.outputs[1].empty()) ctx.unsupported(node, "the Indices output");
  if (in.shape.size() != 4 && in.shape.size() != 3) ctx.unsupported(node, fmt::format("{}-D pooling", in.shape.size() - 2));
  if (in.shape[0] != 1) ctx.unsupported(node, "batch size above 1");
  graph::PoolParams p = graph::pool_params(ctx.graph(), node);  // 1-D: a 2-D window of height 1
  // ceil_mode: the extra window positions are padding at the bottom/right, which max pooling
  // ignores (lowest value) and average pooling leaves out of the divisor.
  const bool ceil = node.get_int("ceil_mode", 0) != 0;
  if (ceil) {
    const std::int64_t need_h = (p.out_h - 1) * p.stride_h + p.dilation_h * (p.kernel_h - 1) + 1 - (p.in_h + p.pad_top + p.pad_bottom);
    const std::int64_t need_w = (p.out_w - 1) * p.stride_w + p.dilation_w * (p.kernel_w - 1) + 1 - (p.in_w + p.pad_left + p.pad_right);
    if ((need_h > 0 || need_w > 0) && !p.is_max && p.count_include_pad)
      ctx.unsupported(node, "ceil_mode=1 with count_include_pad=1");
    if (need_h > 0) p.pad_bottom += need_h;
    if (need_w > 0) p.pad_right += need_w;
  }
  PlLayer& layer = ctx.add_layer(LayerKind::pool, node);
  layer.inputs = {node.input(0)};
  layer.pool_max = p.is_max;
  layer.count_include_pad = p.count_include_pad;
  layer.in_h = p.in_h;
  layer.in_w = p.in_w;
  layer.in_c = layer.out_c = p.channels;
  layer.out_h = p.out_h;
  layer.out_w = p.out_w;
  set_window(layer, p);
  const std::int64_t expect_h = (p.in_h + p.pad_top + p.pad_bottom - p.dilation_h * (p.kernel_h - 1) - 1) / p.stride_h + 1;
  const std::int64_t expect_w = (p.in_w + p.pad_left + p.pad_right - p.dilation_w * (p.kernel_w - 1) - 1) / p.stride_w + 1;
  if (expect_h != p.out_h || expect_w != p.out_w)
    ctx.unsupported(node, fmt::format("output {}x{} from a window count of {}x{}", p.out_h, p.out_w, expect_h, expect_w));
  ctx.set_output(layer, node);
}

void emit_pool(const PlLayer& l, const PlTensor& in, const std::string& t_in, EmitContext& ctx) {
  ctx.enable("is_pool");
  ctx.set("pool_kind", l.pool_max ? "max" : "average");
  ctx.set("count_include_pad", l.count_include_pad ? "true" : "false");
  ctx.set("t_acc", l.pool_max ? t_in : ctx.accumulator_type());
  if (ctx.int8())
    ctx.set("pad_value", l.pool_max ? std::string("ap_int<8>(-128)") : fmt::format("ap_int<8>({})", in.zero_point));
  else
    ctx.set("pad_value", l.pool_max ? ctx.lowest_of(t_in) : (t_in == "float" ? std::string("0.0f") : t_in + "(0)"));
}

}  // namespace

void register_pool(Registry& registry) {
  LayerRule rule;
  rule.name = "pool";
  rule.ops = {"MaxPool", "AveragePool"};
  rule.lower = lower_pool;
  rule.rows = {{30, "MaxPool / AveragePool, 1-D or 2-D (pads, strides, dilations, count_include_pad, ceil_mode)",
                "sliding_window + pool",
                "ceil_mode adds bottom/right padding the pool ignores; refused: the Indices output, batch above 1, "
                "ceil_mode=1 with count_include_pad=1"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::pool,
                     .name = "pool",
                     .describe = [](const PlLayer& l, est::LayerDesc& d, bool) {
                       d.kind = l.pool_max ? est::StageKind::max_pool : est::StageKind::avg_pool;
                       describe_window(l, d);
                       return false;
                     },
                     .follows_input_width = always,
                     .emit = emit_pool,
                     .int8 = Int8Form::same_scale});
}

}  // namespace zynqnn::compiler::layers
