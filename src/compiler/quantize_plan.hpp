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

}  // namespace zynqnn::compiler
