// ConvInteger / MatMulInteger with run-time weights and zero points: each operand minus its
// zero point widened to int16, then an int16 x int16 -> int32 matrix-vector unit.
#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::compiler::layers {
namespace {

using graph::DType;

// `key` minus the zero point `zp` (a run-time scalar, or none), as int16.
std::string zero_point_shift(LoweringContext& ctx, const graph::Node& node, const std::string& key, const std::string& zp,
                             const std::string& role) {
  const PlTensor& in = ctx.input(node, key);
  if (in.dtype != DType::uint8 && in.dtype != DType::int8)
    ctx.unsupported(node, fmt::format("{} {}", graph::to_string(in.dtype), role));
  std::string zp_key;
  if (!zp.empty()) {
    if (ctx.is_constant(zp)) ctx.unsupported(node, "a constant zero point with run-time operands");
    if (ctx.value(zp).dtype != in.dtype) ctx.unsupported(node, "a zero point of another type than its operand");
    zp_key = ctx.input(node, zp).value;
  }
  PlTensor shifted = in;
  shifted.value = key + "\x01shifted\x01" + node.name;
  shifted.id = ctx.identifier("s_" + node.name + "_" + role + "_shifted");
  shifted.dtype = DType::int16;
  shifted.packing = {};
  ctx.add_internal_stream(shifted);
  PlLayer& layer = ctx.add_layer(LayerKind::zero_point, node);
  layer.id = ctx.identifier("l_" + node.name + "_" + role + "_zero_point");
  layer.ops = node.op + "(" + role + " zero point)";
  layer.inputs = {key, zp_key};
  layer.pixels = in.pixels;
  layer.in_c = layer.out_c = in.channels;
  layer.output = shifted.value;
  return shifted.value;
}

void lower_integer(LoweringContext& ctx, const graph::Node& node) {
  const bool conv = node.op == "ConvInteger";
  if (!ctx.float32()) ctx.unsupported(node, "integer operators need --precision float32 (types as given)");
  if (ctx.is_constant(node.input(1))) ctx.unsupported(node, "constant integer weights (run-time weights only)");
  const auto& xs = ctx.value(node.input(0)).shape;
  const auto& ws = ctx.value(node.input(1)).shape;
  HostPacking pk;
  pk.kind = HostPacking::Kind::mvu_weights;
  std::int64_t rows = 1;
  graph::ConvParams cp;
  if (conv) {
    cp = graph::conv_params(ctx.graph(), node);
    if (cp.batch != 1 || cp.group != 1) ctx.unsupported(node, "batch or groups above 1");
    pk.conv = true;
    pk.out_c = cp.out_channels;
    pk.in_c = cp.in_channels;
    pk.kernel_h = cp.kernel_h;
    pk.kernel_w = cp.kernel_w;
  } else {
    if (xs.size() != 2 || ws.size() != 2) ctx.unsupported(node, "operands other than 2-D");
    rows = xs[0];
    pk.out_c = ws[1];
    pk.in_c = ws[0];
  }
  const std::string x_zp = node.has_input(2) ? node.input(2) : "";
  const std::string w_zp = node.has_input(3) ? node.input(3) : "";
  const std::string x = zero_point_shift(ctx, node, node.input(0), x_zp, "x");
  const std::string w_port =
      ctx.packed_input(node, node.input(1), pk, 1, pk.out_c * pk.in_c * pk.kernel_h * pk.kernel_w, "weights");
  const std::string w = zero_point_shift(ctx, node, w_port, w_zp, "w");
  const PlTensor& in = ctx.stream(x);
  PlLayer& layer = ctx.add_layer(conv ? LayerKind::conv : LayerKind::dense, node);
  layer.integer = true;
  layer.inputs = {x};
  layer.weight_port = w;
  layer.in_c = pk.in_c;
  layer.out_c = pk.out_c;
  layer.bias.assign(static_cast<std::size_t>(pk.out_c), 0.0F);
  if (conv) {
    layer.in_h = in.height;
    layer.in_w = in.width;
    set_window(layer, cp);
    layer.out_h = cp.out_h;
    layer.out_w = cp.out_w;
  } else {
    layer.pixels = rows;
    if (in.channels != pk.in_c) ctx.unsupported(node, "A is not [M, K] on the stream");
  }
  ctx.set_output(layer, node);
}

}  // namespace

void register_integer(Registry& registry) {
  LayerRule rule;
  rule.name = "integer";
  rule.ops = {"ConvInteger", "MatMulInteger"};
  rule.lower = lower_integer;
  rule.not_streamed = [](const graph::Graph&, const graph::Node&) { return std::vector<std::size_t>{1}; };
  rule.rows = {
      {80, "ConvInteger / MatMulInteger (run-time weights and zero points)",
       "zero-point subtraction to int16, int16 × int16 → int32 MVU",
       "--precision float32 (types as given); refused: constant weights or zero points, batch or groups above 1"},
      {81, "QLinearConv / QLinearMatMul (2-D) with run-time weights, scales or zero points",
       "the integer product as ConvInteger / MatMulInteger on the PL",
       "its output stage (`QLinearRequantize`: the operator's float32 multiplier x_scale·w_scale/y_scale, round "
       "half to even, saturation) on the PS, since a scale known only at run time cannot become an int8 layer's "
       "fixed (M, R). With constant ones the whole operator runs int8 on the PL (Precision below)"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::zero_point,
                     .name = "zero_point",
                     .describe = describe_pixels<est::StageKind::activation>,
                     .emit = [](const PlLayer& l, const PlTensor&, const std::string&, EmitContext& ctx) {
                       ctx.enable(l.inputs.size() > 1 && !l.inputs[1].empty() ? "is_zero_point" : "is_widen");
                       ctx.set("activation", "znn_identity()");
                     }});
}

}  // namespace zynqnn::compiler::layers
