// Relu, LeakyRelu, Sigmoid: an activation layer, or fused into the convolution or dense layer
// before it; int8 LeakyRelu and Sigmoid are lookup tables, layers of their own. Clip is in clip.cpp.
#include "compiler/layers/activation.hpp"

#include <cmath>

#include <fmt/format.h>

#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {

using graph::DType;

void require_activation_dtype(const LoweringContext& ctx, const graph::Node& node, const PlTensor& in) {
  if (in.dtype != DType::float32 && in.dtype != DType::int8 && in.dtype != DType::uint8 && in.dtype != DType::int32)
    ctx.unsupported(node, fmt::format("{} elements", graph::to_string(in.dtype)));
}

void add_activation(LoweringContext& ctx, const graph::Node& node, const PlTensor& in, const Activation& a) {
  const graph::Graph& g = ctx.graph();
  // int8 applies a functor activation as a lookup table, a layer of its own.
  const bool fusable = !(ctx.int8() && a.kind == ActivationKind::functor);
  if (auto producer = g.producer(node.input(0));
      fusable && producer && in.dtype == DType::float32 && !ctx.layers().empty()) {
    PlLayer& last = ctx.layers().back();
    if ((last.kind == LayerKind::conv || last.kind == LayerKind::depthwise_conv || last.kind == LayerKind::dense) &&
        last.output == node.input(0) && last.activation.kind == ActivationKind::none &&
        g.consumers(node.input(0)).size() == 1 && !g.is_output(node.input(0))) {
      last.activation = a;
      last.nodes.push_back(node.name);
      last.ops += "+" + node.op;
      ctx.drop_stream(last.output);
      ctx.set_output(last, node);
      return;
    }
  }
  PlLayer& layer = ctx.add_layer(LayerKind::activation, node);
  layer.inputs = {node.input(0)};
  layer.activation = a;
  layer.pixels = in.pixels;
  layer.in_c = layer.out_c = in.channels;
  ctx.set_output(layer, node);
}

namespace {

void lower_activation(LoweringContext& ctx, const graph::Node& node) {
  const PlTensor& in = ctx.input(node, node.input(0));
  if (node.op != "Relu") ctx.require_float(node, in);
  require_activation_dtype(ctx, node, in);
  Activation a;
  if (node.op == "Relu") a.kind = ActivationKind::relu;
  if (node.op == "Sigmoid") a.kind = ActivationKind::sigmoid;
  if (node.op == "LeakyRelu") {
    a.kind = ActivationKind::leaky_relu;
    a.alpha = node.get_float("alpha", 0.01F);
  }
  if (ctx.int8() && a.kind != ActivationKind::relu) {
    // int8: a lookup table of the function (a layer of its own), as the reference executor computes it.
    const float alpha = a.alpha;
    a.kind = ActivationKind::functor;
    if (node.op == "Sigmoid") {
      a.functor = "zynqnn_hls::sigmoid_op";
      a.reference = [](float x) { return x >= 0 ? 1.0F / (1.0F + std::exp(-x)) : std::exp(x) / (1.0F + std::exp(x)); };
    } else {
      a.functor = "zynqnn_hls::leaky_relu_op";
      a.functor_args = {alpha};
      a.reference = [alpha](float x) { return x >= 0 ? x : x * alpha; };
    }
  }
  add_activation(ctx, node, in, a);
}

// int8 by table: 256 entries indexed by the input's raw bits; SIMD lanes read it in parallel.
void emit_lookup(const PlLayer& l, EmitContext& ctx) {
  ctx.enable("is_lut_activation");
  ctx.set("table", l.id + "_table");
  ctx.add_array(l.ops + " table of " + l.nodes.front(), "ap_int<8>", l.id + "_table", {256},
                [&](std::int64_t i) { return std::to_string(l.lookup[static_cast<std::size_t>(i)]); }, l.simd > 1);
}

}  // namespace

void register_activation(Registry& registry) {
  LayerRule rule;
  rule.name = "activation";
  rule.ops = {"Relu", "LeakyRelu", "Sigmoid"};
  rule.lower = lower_activation;
  rule.rows = {{20, "Relu / LeakyRelu / Sigmoid",
                "fused into the chain of the Conv or Gemm before it when it is that layer's only reader; otherwise "
                "an activation layer",
                "Relu also on int8, uint8 and int32 streams (int8: ReLU narrows the requantization range); "
                "LeakyRelu and Sigmoid: float32 and fixed point; int8: a layer of its own, a 256-entry lookup table "
                "(lut_activation)"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::activation,
                     .name = "activation",
                     .describe = describe_pixels<est::StageKind::activation>,
                     .follows_input_width = always,
                     .emit = [](const PlLayer& l, const PlTensor& in, const std::string& t_in, EmitContext& ctx) {
                       if (!l.lookup.empty()) return emit_lookup(l, ctx);
                       ctx.enable("is_activation");
                       if (ctx.int8() && in.dtype == DType::float32)  // ReLU/Clip: the int8 range
                         ctx.set("activation", fmt::format("zynqnn_hls::clip_op<ap_int<8> >{{ap_int<8>({}), ap_int<8>({})}}",
                                                           l.out_lo, l.out_hi));
                       else
                         ctx.set("activation", ctx.activation_expr(l.activation, t_in));
                     },
                     .int8 = Int8Form::clamped});
}

}  // namespace zynqnn::compiler::layers
