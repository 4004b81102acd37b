// Conv (1-D or 2-D, depthwise, constant or run-time weights, a folded Pad): sliding window and
// matrix-vector unit, or the depthwise unit.
#include <fmt/format.h>

#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::compiler::layers {
namespace {

void lower_conv(LoweringContext& ctx, const graph::Node& node) {
  std::string data = node.input(0);
  std::array<std::int64_t, 4> extra{0, 0, 0, 0};  // top, left, bottom, right from a folded Pad
  if (const FoldedPad* pad = ctx.folded_pad(data)) {
    extra = pad->pads;
    data = pad->source;
  }
  const PlTensor& in = ctx.input(node, data);
  ctx.require_float(node, in);
  if (!is_image(in) && !(in.shape.size() == 3 && in.shape[0] == 1))
    ctx.unsupported(node, "only 1-D or 2-D convolution of a single image");
  const bool runtime_w = !ctx.is_constant(node.input(1));
  const auto p = graph::conv_params(ctx.graph(), node);
  if (p.batch != 1) ctx.unsupported(node, "batch size above 1");
  const bool depthwise = p.depthwise() && p.group > 1;
  if (p.group != 1 && !depthwise) ctx.unsupported(node, fmt::format("grouped convolution (group={})", p.group));
  PlLayer& layer = ctx.add_layer(depthwise ? LayerKind::depthwise_conv : LayerKind::conv, node);
  layer.inputs = {data};
  layer.in_h = in.height;  // the unpadded input when a Pad is folded in; 1-D: height 1
  layer.in_w = in.width;
  layer.in_c = p.in_channels;
  layer.out_c = p.out_channels;
  layer.groups = p.group;
  set_window(layer, p);
  layer.pad_top += extra[0];
  layer.pad_left += extra[1];
  layer.pad_bottom += extra[2];
  layer.pad_right += extra[3];
  layer.out_h = (layer.in_h + layer.pad_top + layer.pad_bottom - layer.dilation_h * (layer.kernel_h - 1) - 1) /
                    layer.stride_h + 1;
  layer.out_w = (layer.in_w + layer.pad_left + layer.pad_right - layer.dilation_w * (layer.kernel_w - 1) - 1) /
                    layer.stride_w + 1;
  if (runtime_w) {
    if (depthwise) ctx.unsupported(node, "run-time weights of a depthwise convolution");
    if (ctx.int8()) ctx.unsupported(node, "run-time weights with int8 precision");
    HostPacking pk;
    pk.kind = HostPacking::Kind::mvu_weights;
    pk.conv = true;
    pk.out_c = p.out_channels;
    pk.in_c = p.in_channels;
    pk.kernel_h = p.kernel_h;
    pk.kernel_w = p.kernel_w;
    layer.weight_port =
        ctx.packed_input(node, node.input(1), pk, 1, p.out_channels * p.in_channels * p.kernel_h * p.kernel_w, "weights");
  } else {
    layer.weights = as_floats(ctx.constant(node, 1));
  }
  layer.bias.assign(static_cast<std::size_t>(p.out_channels), 0.0F);
  if (node.has_input(2)) layer.bias = as_floats(ctx.constant(node, 2));
  if (extra != std::array<std::int64_t, 4>{0, 0, 0, 0}) {
    layer.nodes.push_back(ctx.folded_pad(node.input(0))->node);
    layer.ops = "Pad+Conv";
  }
  ctx.set_output(layer, node);
  const PlTensor& out = ctx.stream(layer.output);
  if (out.height != layer.out_h || out.width != layer.out_w || out.channels != layer.out_c)
    throw Error(ErrorCode::internal, "convolution output geometry disagrees with shape inference", node.where());
}

bool describe_conv(const PlLayer& l, est::LayerDesc& d, bool int8) {
  d.kind = l.kind == LayerKind::depthwise_conv ? est::StageKind::depthwise_conv : est::StageKind::conv;
  describe_window(l, d);
  if (l.kind == LayerKind::depthwise_conv) d.groups = static_cast<int>(l.in_c);
  d.out_channels = static_cast<int>(l.out_c);
  return int8;
}

}  // namespace

void register_conv(Registry& registry) {
  LayerRule rule;
  rule.name = "conv";
  rule.ops = {"Conv"};
  rule.lower = lower_conv;
  rule.not_streamed = [](const graph::Graph&, const graph::Node&) { return std::vector<std::size_t>{1}; };
  rule.rows = {{10, "Conv, 1-D or 2-D (+ folded BatchNormalization, + Add of a per-channel constant)",
                "sliding_window + matrix_vector_unit; depthwise (group = C) sliding_window + depthwise_unit",
                "a 1-D [1, C, L] trace is an image of height 1; run-time weights are packed by the host and loaded "
                "once per frame (float32 and fixed point only, not depthwise); refused: batch above 1, other "
                "grouped convolutions, non-float32 inputs"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::conv,
                     .name = "conv",
                     .describe = describe_conv,
                     .macs = [](const PlLayer& l) {
                       return static_cast<std::uint64_t>(l.out_h * l.out_w * l.out_c * l.in_c * l.kernel_h * l.kernel_w);
                     },
                     .emit = [](const PlLayer&, const PlTensor&, const std::string&, EmitContext& ctx) { ctx.enable("is_conv"); },
                     .matrix_vector = MatrixVector::conv,
                     .int8 = Int8Form::requantized});
  registry.add_kind({.kind = LayerKind::depthwise_conv,
                     .name = "depthwise_conv",
                     .describe = describe_conv,
                     .macs = [](const PlLayer& l) {
                       return static_cast<std::uint64_t>(l.out_h * l.out_w * l.in_c * l.kernel_h * l.kernel_w);
                     },
                     .emit = [](const PlLayer&, const PlTensor&, const std::string&,
                                EmitContext& ctx) { ctx.enable("is_depthwise"); },
                     .matrix_vector = MatrixVector::depthwise,
                     .int8 = Int8Form::requantized});
}

}  // namespace zynqnn::compiler::layers
