#pragma once
// Post-training int8 quantization of a float graph (docs/onnx.md, "Quantization"):
//  - weights: int8, symmetric (zero point 0), one scale per output channel, values -127..127;
//  - activations: int8, symmetric, one scale per tensor, from the calibration range
//    (scale = max|x| / 127);
//  - Conv/Gemm accumulate in int32; the bias is int32 at scale s_in * s_w[c];
//  - requantization is integer only: round(acc * M0 * 2^-shift) (ops.hpp requantize()), then
//    clamp; a ReLU after a Conv/Gemm becomes the clamp's lower bound 0.
// The result is an IR the reference executor runs bit-exactly: QuantizeLinear at the inputs,
// QConv/QGemm (and int8 MaxPool/Reshape/Flatten/Relu/Transpose/Identity) in between,
// DequantizeLinear at the outputs; other operators run in float between a DequantizeLinear and
// a QuantizeLinear.
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/graph.hpp"

namespace zynqnn::quant {

// real = multiplier * 2^-shift, multiplier in [2^30, 2^31) and shift in 1..62 (or multiplier
// 0 for reals too small to matter). Throws unsupported for reals >= 2^30 or not positive.
struct FixedPointMultiplier {
  std::int32_t multiplier = 0;
  std::int32_t shift = 1;
};
FixedPointMultiplier fixed_point_multiplier(double real);

// Symmetric int8 scale covering [-max_abs, max_abs]; 1 for an all-zero range.
float symmetric_scale(float max_abs, int levels = 127);

// ONNX QuantizeLinear / DequantizeLinear arithmetic for one value (round half to even,
// saturation to int8).
std::int8_t quantize_int8(float value, float scale, std::int32_t zero_point = 0);
float dequantize_int8(std::int8_t value, float scale, std::int32_t zero_point = 0);

struct Range {
  float min = 0.0F, max = 0.0F;
};
using Ranges = std::map<std::string, Range, std::less<>>;

// Runs the float graph on each calibration input set and records every value's range.
Ranges calibrate(const graph::Graph& float_graph, std::span<const graph::TensorMap> calibration);

// Throws invalid_argument without calibration data, unsupported for graphs it cannot quantize.
graph::Graph quantize_int8(const graph::Graph& float_graph, const Ranges& ranges);
graph::Graph quantize_int8(const graph::Graph& float_graph, std::span<const graph::TensorMap> calibration);

}  // namespace zynqnn::quant
