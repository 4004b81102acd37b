#pragma once
// What a PL layer kind means beyond lowering, defined in the layer file that makes the kind:
// its name in plan.json, how the estimator sees it, its multiply-accumulates, and whether its
// stream width follows its input's. The central passes (plan_json, estimate, lanes) look the
// kind up here instead of switching on it.
#include <cstdint>
#include <string>

#include "compiler/layers/emit_context.hpp"
#include "zynqnn/compiler/estimate.hpp"
#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler::layers {

// The unit that multiplies a kind's weights, if any: its weights' layout and folding.
enum class MatrixVector {
  none,
  conv,       // sliding window + matrix-vector unit: PE output channels, SIMD inputs, weights per window tap
  dense,      // matrix-vector unit over M rows as M pixels: PE output channels, SIMD inputs
  depthwise,  // sliding window + depthwise unit: SIMD channels in and out, one weight per channel and tap
};

// How a kind runs in int8, calibrated (quantize_plan.cpp) or as the model gives it (qdq.cpp).
enum class Int8Form {
  none,         // no int8 form yet: refused
  requantized,  // int8 weights and int32 accumulators, requantized per output channel
  same_scale,   // the output keeps the input's scale and zero point (max and average commute)
  clamped,      // same scale, the activation's range as int8 bounds (ReLU and Clip only)
  rescaled_sum, // Add of two int8 streams, each rescaled into the output's scale (quantized_add_op)
  mean,         // global average: the input's scale (calibrated), or requantized into the scale a
                // model gives its output (global_average_requantized)
};

struct KindRule {
  LayerKind kind = LayerKind::activation;
  std::string name;  // plan.json "kind"
  // The estimator's kind and geometry for the layer (name, folding and precision are set);
  // true when an int8 requantization stage follows it.
  bool (*describe)(const PlLayer& layer, est::LayerDesc& desc, bool int8) = nullptr;
  // Multiply-accumulates per frame; none: 0.
  std::uint64_t (*macs)(const PlLayer& layer) = nullptr;
  // The layer's lane count is its input's (width-following); none: false.
  bool (*follows_input_width)(const PlLayer& layer) = nullptr;
  // A width-following kind's other input: channels its lane count must divide too; none: 0.
  std::int64_t (*second_input_channels)(const PlLayer& layer) = nullptr;
  // Its step in the network source: which template section, and its parameters. `in` is its
  // first input, `t_in` that input's element type. The weights, bias and output stage of a
  // matrix-vector kind are the emitter's, by the unit's form.
  void (*emit)(const PlLayer& layer, const PlTensor& in, const std::string& t_in, EmitContext& ctx) = nullptr;
  MatrixVector matrix_vector = MatrixVector::none;
  Int8Form int8 = Int8Form::none;
};

// "add" or "mul".
inline std::string binary_name(BinaryOp op) { return op == BinaryOp::add ? "add" : "mul"; }

const KindRule& kind_rule(LayerKind kind);
inline MatrixVector matrix_vector_of(const PlLayer& layer) { return kind_rule(layer.kind).matrix_vector; }

// The sliding-window geometry of a convolution or pooling layer, for the estimator.
inline void describe_window(const PlLayer& l, est::LayerDesc& d) {
  auto narrow = [](std::int64_t v) { return static_cast<int>(v); };
  d.in_h = narrow(l.in_h);
  d.in_w = narrow(l.in_w);
  d.kernel_h = narrow(l.kernel_h);
  d.kernel_w = narrow(l.kernel_w);
  d.stride_h = narrow(l.stride_h);
  d.stride_w = narrow(l.stride_w);
  d.pad_top = narrow(l.pad_top);
  d.pad_left = narrow(l.pad_left);
  d.pad_bottom = narrow(l.pad_bottom);
  d.pad_right = narrow(l.pad_right);
  d.dilation_h = narrow(l.dilation_h);
  d.dilation_w = narrow(l.dilation_w);
}

// A layer over `pixels` words of its channels (elementwise, activations): the estimator's
// `kind` with in_h = pixels.
template <est::StageKind K>
bool describe_pixels(const PlLayer& l, est::LayerDesc& d, bool) {
  d.kind = K;
  d.in_h = static_cast<int>(l.pixels);
  return false;
}

inline bool always(const PlLayer&) { return true; }

}  // namespace zynqnn::compiler::layers
