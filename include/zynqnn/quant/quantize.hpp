#pragma once
// Post-training int8 quantization of a float graph (docs/onnx.md, "Quantization"):
//  - weights: int8, symmetric (zero point 0), one scale per output channel, values -127..127;
//  - activations: int8, symmetric, one scale per tensor, from the calibration range
//    (scale = max|x| / 127);
//  - Conv/Gemm accumulate in int32; the bias is int32 at scale s_in * s_w[c];
//  - requantization is integer only and is the accelerator's (hls/layers/requant.h):
//    clamp(zp + round_half_even(acc * M0 * 2^-shift), lo, hi); a ReLU after a Conv/Gemm
//    becomes the clamp's lower bound.
// The arithmetic below (parameters, weights, biases, multipliers, requantization) is the one
// implementation of int8 quantization: this graph quantizer and the compiler's plan quantizer
// (src/compiler/quantize_plan.cpp) both use it.
// The result is an IR the reference executor runs bit-exactly: QuantizeLinear at the inputs,
// QConv/QGemm (and int8 MaxPool/Reshape/Flatten/Relu/Transpose/Identity) in between,
// DequantizeLinear at the outputs; other operators run in float between a DequantizeLinear and
// a QuantizeLinear.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/graph.hpp"

namespace zynqnn::quant {

// real = multiplier * 2^-shift, multiplier in [2^30, 2^31) and shift in 1..62 (or multiplier
// 0 for reals too small to matter), derived by zynqnn_hls::quantize_multiplier (requant.h).
// Throws unsupported for reals >= 2^30 or not positive.
struct FixedPointMultiplier {
  std::int32_t multiplier = 0;
  std::int32_t shift = 1;
};
FixedPointMultiplier fixed_point_multiplier(double real);

// The accelerator's requantization (zynqnn_hls::requantize_value): clamp(zero_point +
// round_half_even(acc * multiplier * 2^-shift), lo, hi), exact in 64-bit integers.
std::int32_t requantize(std::int64_t acc, FixedPointMultiplier m, std::int32_t zero_point = 0,
                        std::int32_t lo = -128, std::int32_t hi = 127);

// Symmetric int8 scale covering [-max_abs, max_abs]; 1 for an all-zero range.
float symmetric_scale(float max_abs, int levels = 127);

// ONNX QuantizeLinear / DequantizeLinear arithmetic for one value (float32 division, round
// half to even, saturation to int8).
std::int8_t quantize_int8(float value, float scale, std::int32_t zero_point = 0);
float dequantize_int8(std::int8_t value, float scale, std::int32_t zero_point = 0);

struct Range {
  float min = 0.0F, max = 0.0F;
};

// Activation parameters for an observed range: real = scale * (q - zero_point).
struct QuantParams {
  float scale = 1.0F;
  std::int32_t zero_point = 0;
};
// Symmetric: scale = max(|min|, |max|) / 127, zero point 0 (the graph quantizer's choice).
QuantParams symmetric_params(Range range);
// Asymmetric int8 over [min(min, 0), max(max, 0)]: scale = span / 255, zero point
// round_half_even(-128 - lo / scale) (0 is exactly representable; the compiler's choice).
QuantParams asymmetric_params(Range range);

// Per-output-channel symmetric int8 weights: channel c holds elements [c*per, (c+1)*per) of
// `weights`; scale[c] = max|w_c| / 127 (1 for an all-zero channel), q = clamp(round_half_even(
// w / scale[c]), -127, 127).
struct ChannelWeights {
  std::vector<std::int8_t> q;
  std::vector<float> scales;
};
ChannelWeights quantize_weights(std::span<const float> weights, std::int64_t channels);

// An int32 bias at the accumulator's scale: round_half_even(bias / acc_scale) + correction
// (e.g. -input_zero_point * sum(q_w), folding an asymmetric input into the bias). Throws
// unsupported when it leaves the int32 range (`where` names the layer).
std::int32_t quantize_bias(double bias, double acc_scale, std::int64_t correction, const std::string& where);
using Ranges = std::map<std::string, Range, std::less<>>;

// Runs the float graph on each calibration input set and records every value's range.
Ranges calibrate(const graph::Graph& float_graph, std::span<const graph::TensorMap> calibration);

// Throws invalid_argument without calibration data, unsupported for graphs it cannot quantize.
graph::Graph quantize_int8(const graph::Graph& float_graph, const Ranges& ranges);
graph::Graph quantize_int8(const graph::Graph& float_graph, std::span<const graph::TensorMap> calibration);

}  // namespace zynqnn::quant
