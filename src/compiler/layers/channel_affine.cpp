// ChannelAffine (zynqnn's own: x * scale + shift per channel of an image): two per-channel
// constant layers.
#include "compiler/layers/context.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_affine(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  ctx.require_float(node, in);
  if (!is_image(in)) ctx.unsupported(node, "per-channel affine of a non-image tensor");
  auto scale = as_floats(ctx.constant(node, 1)), shift = as_floats(ctx.constant(node, 2));
  PlLayer& mul = ctx.add_layer(LayerKind::channel_const, node);
  mul.inputs = {node.input(0)};
  mul.binary = BinaryOp::mul;
  mul.constants = scale;
  mul.pixels = in.pixels;
  mul.in_c = mul.out_c = in.channels;
  mul.ops = "ChannelAffine(scale)";
  PlTensor mid = make_tensor(ctx.value(node.input(0)), ctx.identifier("s_" + node.name + "_scaled"));
  mid.value = node.outputs[0] + "\x01scaled";
  ctx.add_internal_stream(mid);
  mul.output = mid.value;
  PlLayer& add = ctx.add_layer(LayerKind::channel_const, node);
  add.id = ctx.identifier("l_" + node.name + "_shift");
  add.inputs = {mid.value};
  add.binary = BinaryOp::add;
  add.constants = shift;
  add.pixels = in.pixels;
  add.in_c = add.out_c = in.channels;
  add.ops = "ChannelAffine(shift)";
  ctx.set_output(add, node);
}

}  // namespace

void register_channel_affine(Registry& registry) {
  LayerRule rule;
  rule.name = "channel_affine";
  rule.ops = {"ChannelAffine"};
  rule.lower = lower_affine;
  rule.rows = {{62, "ChannelAffine (zynqnn's own: constant scale and shift per channel of an image)",
                "two eltwise_channel_const layers (scale, then shift)", "float32 images only"}};
  registry.add(std::move(rule));
}

}  // namespace zynqnn::compiler::layers
