// Flatten / Reshape to [1, N] (or [N]) of a PL stream: nothing on the PL, the stream is
// unchanged (the next Gemm's weight columns follow its NHWC order). Other reshapes run on the PS.
#include "compiler/layers/context.hpp"
#include "compiler/layers/registry.hpp"

namespace zynqnn::compiler::layers {
namespace {

bool flattens(const graph::Graph& g, const graph::Node& node) {
  const auto& out = g.value(node.outputs[0]).shape;
  return (out.size() == 2 && out[0] == 1) || out.size() == 1;
}

void lower_flatten(LoweringContext& ctx, const graph::Node& node) {
  if (!flattens(ctx.graph(), node)) ctx.unsupported(node, "a reshape other than a flatten between PL layers");
  PlTensor t = ctx.input(node, node.input(0));
  const auto& out = ctx.value(node.outputs[0]);
  t.value = out.name;
  t.shape = out.shape;
  t.channels = t.elements();
  t.pixels = 1;
  t.height = t.width = 1;
  ctx.alias_stream(out.name, t);  // same stream, ONNX order kept in t.order
}

}  // namespace

void register_flatten(Registry& registry) {
  LayerRule rule;
  rule.name = "flatten";
  rule.ops = {"Flatten", "Reshape"};
  rule.lower = lower_flatten;
  rule.stays_on_pl = flattens;
  rule.adds_layer = false;
  rule.rows = {{100, "Flatten / Reshape / Squeeze / Unsqueeze to [1, N] between PL layers", "nothing: the stream is unchanged",
                "the next Gemm's weight columns are reordered from NCHW to NHWC order; Squeeze/Unsqueeze become Reshape on "
                "import; other reshapes run on the PS"}};
  registry.add(std::move(rule));
}

}  // namespace zynqnn::compiler::layers
