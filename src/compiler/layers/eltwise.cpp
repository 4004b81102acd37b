// Add / Mul: with a per-channel constant, of two streams of one layout, or of a stream and a
// per-channel parameter stream broadcast along its last axis.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_channel_const(LoweringContext& ctx, const graph::Node& node, BinaryOp bop, bool a_const) {
  const std::string& data = node.input(a_const ? 1 : 0);
  const PlTensor& in = ctx.input(node, data);
  ctx.require_float(node, in);
  if (in.shape != ctx.value(node.outputs[0]).shape) ctx.unsupported(node, "the constant broadcasts the tensor to a larger shape");
  auto channel = per_channel(ctx.constant(node, a_const ? 0 : 1), in, node);
  if (!channel) ctx.unsupported(node, "a constant that is not one value per channel");
  PlLayer& layer = ctx.add_layer(LayerKind::channel_const, node);
  layer.inputs = {data};
  layer.binary = bop;
  layer.constants = *channel;
  layer.pixels = in.pixels;
  layer.in_c = layer.out_c = in.channels;
  ctx.set_output(layer, node);
}

// One operand broadcast along the other's channels: read once per frame.
void lower_channel_stream(LoweringContext& ctx, const graph::Node& node, BinaryOp bop) {
  const auto& out_shape = ctx.value(node.outputs[0]).shape;
  const bool b_small = ctx.value(node.input(0)).shape == out_shape;
  const std::string& data = node.input(b_small ? 0 : 1);
  const std::string& small = node.input(b_small ? 1 : 0);
  const PlTensor& in = ctx.input(node, data);
  ctx.require_float(node, in);
  const auto& ss = ctx.value(small).shape;
  const bool per_channel = !is_image(in) && !ss.empty() && ss.back() == in.channels &&
                           std::all_of(ss.begin(), ss.end() - 1, [](std::int64_t d) { return d == 1; });
  if (!per_channel || in.shape != out_shape)
    ctx.unsupported(node, "two run-time operands broadcast other than along the last axis");
  if (ctx.value(small).dtype != graph::DType::float32) ctx.unsupported(node, "a non-float run-time operand");
  const std::string key = ctx.input(node, small).value;
  PlTensor& params = ctx.stream(key);
  params.pixels = 1;
  params.channels = in.channels;
  PlLayer& layer = ctx.add_layer(LayerKind::channel_stream, node);
  layer.inputs = {data, key};
  layer.binary = bop;
  layer.pixels = in.pixels;
  layer.in_c = layer.out_c = in.channels;
  layer.outer = b_small ? 0 : 1;  // 1: the broadcast operand is the left one
  ctx.set_output(layer, node);
}

void lower_binary(LoweringContext& ctx, const graph::Node& node) {
  const bool a_const = ctx.is_constant(node.input(0)), b_const = ctx.is_constant(node.input(1));
  const BinaryOp bop = node.op == "Add" ? BinaryOp::add : BinaryOp::mul;
  if (a_const && b_const) ctx.unsupported(node, "two constant operands (not folded)");
  if (a_const || b_const) return lower_channel_const(ctx, node, bop, a_const);
  if (ctx.value(node.input(0)).shape != ctx.value(node.input(1)).shape) return lower_channel_stream(ctx, node, bop);
  const PlTensor& a = ctx.input(node, node.input(0));
  const PlTensor& b = ctx.input(node, node.input(1));
  ctx.require_float(node, a);
  ctx.require_float(node, b);
  if (a.order.channels_major != b.order.channels_major || a.order.pixels_major != b.order.pixels_major ||
      a.channels != b.channels)
    ctx.unsupported(node, "operands with different stream layouts");
  PlLayer& layer = ctx.add_layer(LayerKind::eltwise, node);
  layer.inputs = {node.input(0), node.input(1)};
  layer.binary = bop;
  layer.pixels = a.pixels;
  layer.in_c = layer.out_c = a.channels;
  ctx.set_output(layer, node);
}

// One constant per channel, as [SIMD][channels / SIMD].
void emit_channel_const(const PlLayer& l, const PlTensor&, const std::string& t_in, EmitContext& ctx) {
  ctx.enable("is_channel_const");
  ctx.set("binary", binary_name(l.binary));
  ctx.set("t_acc", ctx.accumulator_type());
  ctx.add_array(l.ops + " constants of " + l.nodes.front(), t_in, l.id + "_constants", {l.simd, l.in_c / l.simd},
                [&](std::int64_t i) {
                  const std::int64_t s = i / (l.in_c / l.simd), f = i % (l.in_c / l.simd);
                  return ctx.weight_literal(l.constants[static_cast<std::size_t>(f * l.simd + s)]);
                },
                true);
}

// Two streams: float32 and fixed point combine in the element type; int8 (Add only) rescales
// both operands into the output's quantization.
void emit_eltwise(const PlLayer& l, const PlTensor&, const std::string& t_in, EmitContext& ctx) {
  ctx.enable("is_eltwise");
  if (!ctx.int8()) {
    ctx.set("eltwise_op", "zynqnn_hls::" + binary_name(l.binary) + "_op<" + t_in + " >()");
    return;
  }
  const PlTensor& a = ctx.tensor(l.inputs.at(0));
  const PlTensor& b = ctx.tensor(l.inputs.at(1));
  ctx.set("eltwise_op", fmt::format("zynqnn_hls::quantized_add_op{{{}, {}, {}, {}, {}, {}, {}, {}}}", a.zero_point,
                                    l.multiplier.at(0), b.zero_point, l.multiplier.at(1), l.shift.at(0),
                                    l.out_zero_point, l.out_lo, l.out_hi));
}

}  // namespace

void register_eltwise(Registry& registry) {
  LayerRule rule;
  rule.name = "eltwise";
  rule.ops = {"Add", "Mul"};
  rule.lower = lower_binary;
  rule.rows = {{60, "Add / Mul with a per-channel constant", "eltwise_channel_const",
                "refused: a constant that varies across pixels or broadcasts the tensor to a larger shape"},
               {61, "Add / Mul of two streams (same shape, or one broadcast along the last axis)",
                "eltwise, or a per-channel parameter stream",
                "float32 and fixed point; int8 Add of two streams, each rescaled into the output's scale "
                "(quantized_add_op); refused: operands with different stream layouts, other broadcasts"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::channel_const,
                     .name = "channel_const",
                     .describe = describe_pixels<est::StageKind::eltwise>,
                     .follows_input_width = always,
                     .emit = emit_channel_const});
  registry.add_kind({.kind = LayerKind::eltwise,
                     .name = "eltwise",
                     .describe = describe_pixels<est::StageKind::eltwise>,
                     .follows_input_width = always,
                     .emit = emit_eltwise,
                     .int8 = Int8Form::rescaled_sum});
  registry.add_kind({.kind = LayerKind::channel_stream,
                     .name = "channel_stream",
                     .describe = describe_pixels<est::StageKind::eltwise>,
                     .emit = [](const PlLayer& l, const PlTensor&, const std::string&, EmitContext& ctx) {
                       ctx.enable("is_channel_stream");
                       ctx.set("param_left", l.outer == 1 ? "true" : "false");
                       ctx.set("binary", binary_name(l.binary));
                     }});
}

}  // namespace zynqnn::compiler::layers
