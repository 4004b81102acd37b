#pragma once
// What the elementwise activation layers share (activation.cpp, clip.cpp and any activation
// defined in a file of its own).
#include "compiler/layers/context.hpp"

namespace zynqnn::compiler::layers {

// Refuses element types an activation layer does not take (float32, int8, uint8, int32 pass).
void require_activation_dtype(const LoweringContext& ctx, const graph::Node& node, const PlTensor& in);

// `a` applied to the node's input `in`: fused into the producing convolution or dense layer
// when the node is its only reader (float32), else an activation layer of its own.
void add_activation(LoweringContext& ctx, const graph::Node& node, const PlTensor& in, const Activation& a);

}  // namespace zynqnn::compiler::layers
