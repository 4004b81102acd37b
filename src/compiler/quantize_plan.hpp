#pragma once
// int8 post-training quantization of a lowered plan: calibration runs the reference executor
// over the calibration inputs and records each PL tensor's range; activations become int8
// with a scale and zero point (asymmetric), weights int8 per output channel (symmetric),
// biases int32 with the input zero point folded in, and every convolution/dense layer ends in
// the requantization of hls/layers/requant.h (a fused ReLU/Clip narrows its output range).
#include <vector>

#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/graph/executor.hpp"

namespace zynqnn::compiler {

// Throws unsupported for layers without an int8 form, invalid_argument without calibration data.
void quantize_plan(LayerPlan& plan, const std::vector<graph::TensorMap>& calibration);

// The output side of a conv/dense layer's requantization: the output's zero point and the
// int8 range a fused ReLU/Clip narrows it to. Throws unsupported for other fused activations.
void set_requantized_output(PlLayer& l, const PlTensor& out, const std::string& where);

// True when the activation layer `l` has an int8 form by lookup table (a functor activation
// with its reference function); then sets its 256 entries from the input's and the output's
// quantization: entry i (the input's raw bits) = quantize(f(dequantize(i as int8))).
bool set_lookup_table(PlLayer& l, const PlTensor& in, const PlTensor& out);

// An int8 Add of the streams `a` and `b` into `out`'s quantization (zynqnn_hls::quantized_add_op):
// multiplier = {Ma, Mb} = round(s_a / s_out * 2^R), round(s_b / s_out * 2^R), shift = {R} with R
// as large as keeps both below 2^31, and the output's zero point and range. Throws unsupported
// for an elementwise Mul, or a fused activation other than ReLU/Clip.
void set_rescaled_sum(PlLayer& l, const PlTensor& a, const PlTensor& b, const PlTensor& out, const std::string& where);

// A global average pooling of `in` requantized into `out`'s quantization: multiplier = {M},
// shift = {R} with M / 2^R = s_in / (s_out * pixels), and the output's zero point and range.
void set_requantized_mean(PlLayer& l, const PlTensor& in, const PlTensor& out, const std::string& where);

}  // namespace zynqnn::compiler
