#pragma once
// Where a convolution's or dense layer's weights live: in an on-chip ROM (the default, the
// fastest), or in DDR, streamed to the layer through a DMA channel of their own when the
// on-chip memory cannot hold them (the XC7Z020 has 280 BRAM18 = 140 BRAM36, 630 KiB). A
// layer with weights in DDR reads one weight per cycle, the whole matrix once per output
// pixel, so it runs at PE = SIMD = 1 and its DDR traffic per frame is weights x pixels.
#include <cstdint>
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler {

enum class WeightPlacement {
  automatic,  // on chip; the largest weight memories move to DDR until the estimate fits
  on_chip,    // every ROM on chip, whether or not it fits
  ddr,        // every layer that can stream its weights does
};

WeightPlacement parse_weight_placement(const std::string& text);  // "auto", "on-chip", "ddr"
const char* to_string(WeightPlacement placement);

// A constant-weight convolution (one group) or dense layer of a float32, int8 or fixed-point
// datapath (not ConvInteger/MatMulInteger, not run-time weights, not depthwise).
bool can_stream_weights(const PlLayer& layer);

// Elements of the weight stream per frame: the layer's weight matrix once per output pixel.
std::int64_t weight_stream_elements(const PlLayer& layer);

// Decides the placement of every layer's weights (before folding: layers moved to DDR stay
// at PE = SIMD = 1). Each moved layer gets a constant PL input port. Throws invalid_argument
// when a layer's weight stream would exceed one DMA transfer (2^26 - 1 bytes) under `ddr`;
// `automatic` leaves such a layer on chip.
void place_weights(LayerPlan& plan, WeightPlacement placement, double clock_mhz);

// Output pixels of a convolution or dense layer: how often its weight stream repeats per frame.
std::int64_t weight_stream_repeats(const PlLayer& layer);

// One pass of a layer's weight stream, in the order the matrix-vector unit reads it (tile
// order at PE = SIMD = 1); the stream is this pass weight_stream_repeats() times. int8: the
// quantized weights as values (the stream carries them unscaled); otherwise the float weights.
std::vector<float> ddr_weight_pass(const PlLayer& layer, const Precision& precision);

// The matrix-vector unit's packing of a layer's constant weights at its PE/SIMD (the plan's
// weights are [out][in], dense inputs already in stream order, or OIHW).
HostPacking mvu_weight_packing(const PlLayer& layer);

}  // namespace zynqnn::compiler
