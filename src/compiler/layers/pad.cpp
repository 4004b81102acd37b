// Pad (constant 0, spatial axes) before a Conv: folded into the convolution's padding. Any
// other Pad runs on the PS, before or after the PL.
#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

using graph::Graph;
using graph::Node;

std::vector<std::int64_t> pad_amounts(const Graph& g, const Node& node) {
  return g.opset < 11 ? node.get_ints("pads", {}) : g.value(node.input(1)).constant->to_int64s();
}

// Why a Pad cannot become a convolution's padding; none when it can. Such a Pad runs on the
// PS when it comes before the PL or after it (reflect/edge padding of the network's input...).
std::optional<std::string> pad_refusal(const Graph& g, const Node& node) {
  const std::string mode = node.get_string("mode", "constant");
  if (mode != "constant") return fmt::format("mode={}", mode);
  if (g.value(node.input(0)).shape.size() != 4) return "padding of a tensor that is not an image";
  if (g.opset >= 11) {
    if (!g.is_constant(node.input(1)))
      return "input pads is not a compile-time constant (the PL layer's paddings are fixed when it is built)";
    if (node.has_input(2) && (!g.is_constant(node.input(2)) || g.value(node.input(2)).constant->to_doubles().at(0) != 0.0))
      return "a pad value other than 0";
    if (node.has_input(3)) return "the axes input";
  }
  if (g.opset < 11 && node.get_float("value", 0.0F) != 0.0F) return "a pad value other than 0";
  const auto pads = pad_amounts(g, node);
  if (pads.size() != 8) return "pads for other than 4 axes";
  if (pads[0] || pads[1] || pads[4] || pads[5]) return "padding of the batch or channel axis";
  for (auto p : pads)
    if (p < 0) return "negative pads (cropping)";
  for (std::size_t c : g.consumers(node.outputs[0]))
    if (g.nodes[c].op != "Conv" || g.nodes[c].input(0) != node.outputs[0])
      return "a Pad not followed by a Conv (only folded into a convolution's padding)";
  if (g.is_output(node.outputs[0])) return "a Pad not followed by a Conv (only folded into a convolution's padding)";
  return std::nullopt;
}

void lower_pad(LoweringContext& ctx, const Node& node) {
  if (const auto why = pad_refusal(ctx.graph(), node)) ctx.unsupported(node, *why);
  const auto pads = pad_amounts(ctx.graph(), node);
  ctx.fold_pad(node.outputs[0], FoldedPad{node.input(0), node.name, {pads[2], pads[3], pads[6], pads[7]}});
}

}  // namespace

void register_pad(Registry& registry) {
  LayerRule rule;
  rule.name = "pad";
  rule.ops = {"Pad"};
  rule.lower = lower_pad;
  rule.runs_on_ps = pad_refusal;
  // The Conv that reads the Pad streams its source.
  rule.not_streamed = [](const Graph&, const Node& node) {
    std::vector<std::size_t> all(node.inputs.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    return all;
  };
  rule.adds_layer = false;
  rule.rows = {{11, "Pad (constant 0, spatial axes) before a Conv", "folded into the convolution's padding",
                "any other Pad (edge or reflect mode, run-time pads, a non-zero value, not followed by a Conv) runs "
                "on the PS, before or after the PL; between PL layers it is refused with the reason"}};
  registry.add(std::move(rule));
}

}  // namespace zynqnn::compiler::layers
