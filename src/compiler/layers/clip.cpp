// Clip: with constant bounds an activation (fused or a layer of its own), with run-time bounds
// a clip layer reading the bounds once per frame.
#include <algorithm>
#include <limits>

#include "compiler/layers/activation.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

using graph::DType;

void lower_clip_stream(LoweringContext& ctx, const graph::Node& node, const PlTensor& in) {
  require_activation_dtype(ctx, node, in);
  std::vector<std::string> inputs{node.input(0), "", ""};
  for (std::size_t i = 1; i <= 2; ++i) {
    if (!node.has_input(i)) continue;
    if (ctx.is_constant(node.input(i))) ctx.unsupported(node, "one constant and one run-time bound");
    if (ctx.value(node.input(i)).dtype != in.dtype) ctx.unsupported(node, "bounds of another type than x");
    inputs[i] = ctx.input(node, node.input(i)).value;
  }
  const std::int64_t pixels = in.pixels, channels = in.channels;
  PlLayer& layer = ctx.add_layer(LayerKind::clip_stream, node);
  layer.inputs = inputs;
  layer.pixels = pixels;
  layer.in_c = layer.out_c = channels;
  ctx.set_output(layer, node);
}

void lower_clip(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  const bool runtime_lo = node.has_input(1) && !ctx.is_constant(node.input(1));
  const bool runtime_hi = node.has_input(2) && !ctx.is_constant(node.input(2));
  if (ctx.graph().opset >= 11 && (runtime_lo || runtime_hi)) return lower_clip_stream(ctx, node, in);
  require_activation_dtype(ctx, node, in);
  Activation a;
  a.kind = ActivationKind::clip;
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  if (ctx.graph().opset < 11) {
    lo = node.get_float("min", -std::numeric_limits<float>::max());
    hi = node.get_float("max", std::numeric_limits<float>::max());
  } else {
    if (node.has_input(1)) lo = ctx.constant(node, 1).to_doubles().at(0);
    if (node.has_input(2)) hi = ctx.constant(node, 2).to_doubles().at(0);
  }
  if (in.dtype != DType::float32) {  // the element type's range bounds an absent limit
    const double tmin = in.dtype == DType::int8 ? -128 : in.dtype == DType::uint8 ? 0 : -2147483648.0;
    const double tmax = in.dtype == DType::int8 ? 127 : in.dtype == DType::uint8 ? 255 : 2147483647.0;
    lo = std::max(lo, tmin);
    hi = std::min(hi, tmax);
  } else {
    lo = std::max(lo, -static_cast<double>(std::numeric_limits<float>::max()));
    hi = std::min(hi, static_cast<double>(std::numeric_limits<float>::max()));
  }
  if (lo > hi) lo = hi;  // ONNX: min(max(x, lo), hi)
  a.lo = static_cast<float>(lo);
  a.hi = static_cast<float>(hi);
  add_activation(ctx, node, in, a);
}

}  // namespace

void register_clip(Registry& registry) {
  LayerRule rule;
  rule.name = "clip";
  rule.ops = {"Clip"};
  rule.lower = lower_clip;
  rule.rows = {{21, "Clip with constant bounds",
                "fused into the chain of the Conv or Gemm before it when it is that layer's only reader; otherwise "
                "an activation layer",
                "float32, int8, uint8 and int32 streams; int8: Clip narrows the requantization range"},
               {22, "Clip with run-time bounds", "a clip layer reading its bounds once per frame (parameter streams)",
                "refused: one constant and one run-time bound, bounds of another type than x"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::clip_stream,
                     .name = "clip_stream",
                     .describe = describe_pixels<est::StageKind::activation>,
                     .emit = [](const PlLayer& l, const PlTensor&, const std::string&, EmitContext& ctx) {
                       const bool lo = !l.inputs[1].empty(), hi = l.inputs.size() > 2 && !l.inputs[2].empty();
                       if (lo && hi) return ctx.enable("is_clip_lo_hi");
                       ctx.enable("is_clip_one");
                       ctx.set("is_lo", lo ? "true" : "false");
                       if (!lo) ctx.set("in_b", ctx.get("in_c_stream"));
                     }});
}

}  // namespace zynqnn::compiler::layers
