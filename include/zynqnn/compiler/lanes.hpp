#pragma once
// Stream widths of the emitted layer chain. A layer reads words of `input_lanes` elements and
// writes words of `output_lanes` (a convolution or dense layer: SIMD in, PE out; a depthwise
// convolution, pooling or elementwise layer: SIMD in and out; the network's own helpers and
// the DMA side: one element per word). Where a producer's width differs from what its reader
// takes, a width converter (hls/layers/width_convert.h) joins them. The emitter and the
// estimator both read this one description, so the estimate is of the chain that is emitted.
#include <cstdint>
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler {

int input_lanes(const PlLayer& layer);
int output_lanes(const PlLayer& layer);

// Layers whose PE/SIMD the folding may choose (conv with one group, dense and depthwise
// convolutions with constant weights).
bool foldable(const PlLayer& layer);

// Layers whose SIMD follows their producer's width (pooling, activations, elementwise,
// channel concat): they take the incoming width when it divides their channels, else the
// largest width that divides both.
bool follows_input_width(const PlLayer& layer);

// Sets the SIMD of every layer that follows its input width, in chain order.
void propagate_lanes(LayerPlan& plan);

// The width each PL tensor is written with (network inputs: 1).
int produced_lanes(const LayerPlan& plan, const std::string& value);

// One width conversion of the chain: `elements` per frame from `from` to `to` lanes.
struct WidthConversion {
  std::string value;     // the converted PL tensor
  std::string reader;    // the layer reading it ("" for a network output)
  std::int64_t elements = 0;
  int from = 1, to = 1;
};

// The conversions the emitted chain holds, in emission order. Two widths where neither
// divides the other go through their greatest common divisor (two conversions).
std::vector<WidthConversion> width_conversions(const LayerPlan& plan);

// Steps from `from` to `to` lanes: {} when equal, {to} when one divides the other, else
// {gcd, to}.
std::vector<int> conversion_steps(int from, int to);

// A folding chosen by hand (tests, `compile --fold`): PE and SIMD of one layer.
struct LayerFolding {
  std::string layer;  // the layer's id, or the name of an ONNX node it implements
  int pe = 1, simd = 1;
};

// Applies `folding` and propagates the widths. Throws Error(invalid_argument) naming the
// layer when it does not exist, cannot be folded, or PE/SIMD do not divide its channels; the
// first two list the layers that fold.
void apply_folding(LayerPlan& plan, const std::vector<LayerFolding>& folding);

// "conv1=4x2" (PE x SIMD). Throws Error(invalid_argument) naming the text.
LayerFolding parse_layer_folding(const std::string& text);

}  // namespace zynqnn::compiler
