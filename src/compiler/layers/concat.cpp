// Concat: along the channel axis (concat_channels), or along a row-major axis of a non-image
// tensor (a row concatenation). More than two inputs: a chain of two-input layers.
#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

using graph::DType;

// The stream between link `i` and the next of a chain of two-input concatenations.
PlTensor& add_part(LoweringContext& ctx, const graph::Node& node, PlTensor part, std::size_t i) {
  part.value = node.outputs[0] + "\x01part" + std::to_string(i);
  part.id = ctx.identifier("s_" + node.name + "_part" + std::to_string(i));
  return ctx.add_internal_stream(std::move(part));
}

PlLayer& add_link(LoweringContext& ctx, const graph::Node& node, std::size_t i) {
  PlLayer& layer = ctx.add_layer(LayerKind::concat, node);
  if (i > 1) layer.id = ctx.identifier("l_" + node.name + "_" + std::to_string(i));
  return layer;
}

// Row-major concatenation along `axis`: per outer index, a block of each input in turn.
void lower_concat_rows(LoweringContext& ctx, const graph::Node& node, const std::vector<std::string>& parts,
                       std::int64_t axis) {
  std::string current = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const PlTensor a = ctx.input(node, current);
    const PlTensor b = ctx.input(node, parts[i]);
    if (a.dtype != DType::float32 || b.dtype != DType::float32) ctx.unsupported(node, "non-float inputs");
    const auto& sa = a.shape;
    const auto& sb = b.shape;
    std::int64_t outer = 1, inner_a = 1, inner_b = 1;
    for (std::int64_t d = 0; d < static_cast<std::int64_t>(sa.size()); ++d) {
      if (d < axis) {
        outer *= sa[static_cast<std::size_t>(d)];
      } else {
        inner_a *= sa[static_cast<std::size_t>(d)];
        inner_b *= sb[static_cast<std::size_t>(d)];
      }
    }
    PlLayer& layer = add_link(ctx, node, i);
    layer.inputs = {current, parts[i]};
    layer.outer = outer;
    layer.inner_a = inner_a;
    layer.inner_b = inner_b;
    layer.pixels = a.pixels;
    layer.in_c = a.channels;
    if (i + 1 == parts.size()) {
      ctx.set_output(layer, node);
    } else {
      PlTensor mid = a;
      graph::Shape shape = sa;
      shape[static_cast<std::size_t>(axis)] += sb[static_cast<std::size_t>(axis)];
      mid.shape = shape;
      mid.channels = shape.back();
      mid.pixels = (outer * (inner_a + inner_b)) / mid.channels;
      layer.output = add_part(ctx, node, mid, i).value;
    }
    current = layer.output;
  }
}

void lower_concat(LoweringContext& ctx, const graph::Node& node) {
  std::vector<std::string> parts;
  for (const auto& v : node.inputs)
    if (!v.empty()) parts.push_back(v);
  if (parts.size() < 2) ctx.unsupported(node, "fewer than two inputs");
  const PlTensor first = ctx.input(node, parts[0]);
  const auto rank = static_cast<std::int64_t>(first.shape.size());
  std::int64_t axis = node.get_int("axis", 1);
  if (axis < 0) axis += rank;
  const std::int64_t channel_axis = is_image(first) ? 1 : rank - 1;
  if (axis != channel_axis) {
    if (is_image(first)) ctx.unsupported(node, fmt::format("axis {} of an image (only the channel axis)", axis));
    return lower_concat_rows(ctx, node, parts, axis);
  }
  std::string current = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const PlTensor a = ctx.input(node, current);
    const PlTensor b = ctx.input(node, parts[i]);
    if (a.dtype != b.dtype || a.pixels != b.pixels || a.dtype != DType::float32)
      ctx.unsupported(node, "inputs of different pixel counts or types");
    PlLayer& layer = add_link(ctx, node, i);
    layer.inputs = {current, parts[i]};
    layer.pixels = a.pixels;
    layer.in_c = a.channels;
    layer.out_c = a.channels + b.channels;
    if (i + 1 == parts.size()) {
      ctx.set_output(layer, node);
    } else {
      PlTensor mid = a;
      mid.channels = layer.out_c;
      mid.order = {mid.channels, mid.pixels};
      layer.output = add_part(ctx, node, mid, i).value;
    }
    current = layer.output;
  }
}

}  // namespace

void register_concat(Registry& registry) {
  LayerRule rule;
  rule.name = "concat";
  rule.ops = {"Concat"};
  rule.lower = lower_concat;
  rule.rows = {{90, "Concat on the channel axis / on a row-major axis", "concat_channels / a row concatenation",
                "float32; refused: another axis of an image, inputs of different pixel counts or types"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::concat,
                     .name = "concat",
                     .describe = [](const PlLayer& l, est::LayerDesc& d, bool) {
                       d.kind = est::StageKind::concat;
                       if (l.outer > 0) {
                         d.in_h = static_cast<int>(l.outer);
                         d.in_channels = static_cast<int>(l.inner_a);
                         d.out_channels = static_cast<int>(l.inner_a + l.inner_b);
                       } else {
                         d.in_h = static_cast<int>(l.pixels);
                         d.out_channels = static_cast<int>(l.out_c);
                       }
                       return false;
                     },
                     .follows_input_width = [](const PlLayer& l) { return l.outer == 0; },
                     .second_input_channels = [](const PlLayer& l) { return l.out_c - l.in_c; },
                     .emit = [](const PlLayer& l, const PlTensor&, const std::string&, EmitContext& ctx) {
                       if (l.outer == 0) return ctx.enable("is_concat");
                       ctx.enable("is_concat_rows");
                       ctx.set("outer", std::to_string(l.outer));
                       ctx.set("inner_a", std::to_string(l.inner_a));
                       ctx.set("inner_b", std::to_string(l.inner_b));
                     }});
}

}  // namespace zynqnn::compiler::layers
