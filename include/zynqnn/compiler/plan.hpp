#pragma once
// The layer plan: what the compiler decided for an imported graph. The part of the graph that
// streams through the programmable logic (PL) becomes a chain of layers of the HLS layer
// library (hls/layers); operators that only move data or finish the result (Reshape,
// Transpose, Softmax, QuantizeLinear...) run on the processing system (PS) before or after
// the accelerator. Tensors travel NHWC on the PL; the ONNX model is NCHW: weights are
// reordered at compile time, and the host reorders a network's inputs and outputs only where
// the channel count and the pixel count are both above one.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "zynqnn/compiler/precision.hpp"
#include "zynqnn/graph/graph.hpp"
#include "zynqnn/network/host_port.hpp"

namespace zynqnn::compiler {

// Element order, host packing and the host's view of a PL port are the runtime's
// (zynqnn/network/host_port.hpp): the runtime runs what the compiler plans.
using network::ElementOrder;
using network::HostPacking;
using network::host_prepare;
using network::pack_mvu_weights;

// A tensor streaming on the PL: `pixels` words-groups of `channels` elements.
struct PlTensor : network::HostPort {
  std::string id;     // its C++ identifier
  std::int64_t height = 1, width = 1;  // spatial extent when the tensor is an image
};

enum class LayerKind {
  conv, depthwise_conv, pool, global_pool, dense, activation, channel_const, eltwise, concat,
  channel_stream,  // per-channel parameters from a run-time stream, read once per frame
  clip_stream,     // Clip with run-time bounds
  batchnorm_stream, // BatchNormalization with run-time statistics
  zero_point        // integer operand minus its (run-time) zero point, widened to int16
};
// functor: an activation defined by its layer file alone (src/compiler/layers): an HLS functor
// template of the layer library without parameters, applied to the element type.
enum class ActivationKind { none, relu, leaky_relu, clip, sigmoid, functor };
enum class BinaryOp { add, mul };

struct Activation {
  ActivationKind kind = ActivationKind::none;
  float alpha = 0.01F;           // LeakyRelu
  float lo = 0.0F, hi = 0.0F;    // Clip
  std::string functor;           // functor: e.g. "zynqnn_hls::tanh_op"
  std::vector<float> functor_args;  // its members in order (e.g. HardSigmoid's alpha, beta); none: ()
  // functor: the function on floats, from which int8 builds a lookup table; none: no int8 form.
  std::function<float(float)> reference;
};

struct PlLayer {
  LayerKind kind = LayerKind::activation;
  std::string id;                   // C++ identifier (sanitized node name)
  std::vector<std::string> nodes;   // ONNX nodes it implements, first the main one
  std::string ops;                  // e.g. "Conv+Relu"
  std::vector<std::string> inputs;  // PL tensor values
  std::string output;

  // Geometry (conv, pool): input H x W x C, output H x W x C, window.
  std::int64_t in_h = 1, in_w = 1, in_c = 1, out_h = 1, out_w = 1, out_c = 1, pixels = 1;
  std::int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0, groups = 1;
  bool pool_max = true, count_include_pad = false;

  Activation activation;  // fused (conv, dense) or the layer itself (activation)
  BinaryOp binary = BinaryOp::add;

  // conv: OIHW ([out][in/groups][kh][kw]); dense: [out][in] with `in` in stream order.
  std::vector<float> weights;
  std::vector<float> bias;       // [out]
  std::vector<float> constants;  // channel_const: one per stream channel

  // int8: weights and bias already quantized, requantization per output channel.
  std::vector<std::int8_t> qweights;
  std::vector<std::int32_t> qbias;
  std::vector<std::int32_t> multiplier, shift;
  std::int32_t out_zero_point = 0, out_lo = -128, out_hi = 127;
  // int8 activation by lookup: out = lookup[raw bits of the int8 input] (lut_activation order).
  std::vector<std::int8_t> lookup;

  int pe = 1, simd = 1;  // folding (parallel output channels, parallel inputs)

  // Run-time weights (conv, dense): the PL input port streaming them, loaded once per frame.
  std::string weight_port;
  // Constant weights kept in DDR (conv, dense whose ROM does not fit on chip): the constant
  // PL input port streaming them, one weight per cycle, read again for every output pixel.
  std::string ddr_weight_port;
  // concat along a non-channel axis: OUTER blocks of inner_a then inner_b elements.
  std::int64_t outer = 0, inner_a = 0, inner_b = 0;
  float epsilon = 1e-5F;  // batchnorm_stream
  bool integer = false;   // ConvInteger/MatMulInteger: int16 operands, int32 accumulators
};

struct LayerPlan {
  graph::Graph graph;  // the imported graph the plan refers to
  Precision precision;
  // int8: "calibrated" (ranges observed on calibration inputs) or "model" (the scales and zero
  // points of a model quantized as given, QDQ); empty otherwise.
  std::string quantization;
  std::string kernel;  // C++/Tcl identifier of the accelerator
  std::vector<std::size_t> pre_nodes, post_nodes;  // graph node indices run on the PS
  std::vector<std::size_t> pl_nodes;
  std::vector<PlLayer> layers;
  std::map<std::string, PlTensor, std::less<>> tensors;  // every PL stream by value name
  std::vector<std::string> pl_inputs, pl_outputs;        // PL tensor values, in port order

  bool uses_pl() const { return !layers.empty(); }
  const PlTensor& tensor(const std::string& value) const;
};

// Lowers an imported graph. Throws zynqnn::Error(unsupported, "unsupported: <op> (<why>) at
// node <name>") for what the PL cannot run and the PS may not run in its place.
LayerPlan lower(graph::Graph graph, const Precision& precision, const std::string& kernel_name);

// "Conv+Relu on PL" style lines: which operator ran where.
std::vector<std::string> describe(const LayerPlan& plan);

}  // namespace zynqnn::compiler
