#pragma once
// HLS C++ for a layer plan: the network function (the layer chain under DATAFLOW, between
// element streams the generator's top packs into AXI4-Stream words) and the header of its
// weights as static const arrays. Both come from the templates under templates/compiler/.
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler {

struct NetworkPort {
  std::string name;         // C++ identifier (the PL tensor's id)
  std::string value;        // ONNX value
  bool is_input = true;
  bool constant = false;    // weights from DDR: the accelerator sends them, not the caller
  std::string spec_type;    // kernel spec element type: float32, int8, fixed<W,I>...
  std::string elem;         // HLS element type of the port's stream
  std::vector<std::int64_t> shape;  // as streamed: [1, H, W, C] for an image, else the ONNX shape
};

struct NetworkSource {
  std::string function;              // the network function's name
  std::string source;                // <kernel>_network.cpp
  std::string weights_header;        // <kernel>_weights.h
  std::vector<NetworkPort> ports;    // inputs, then outputs (the function's parameter order)
};

// `model` names the source model in generated comments (sanitized for a comment).
NetworkSource emit_network(const LayerPlan& plan, const std::string& model);

// fixed<W,I>: activations and weights are ap_fixed<W,I,AP_RND_CONV,AP_SAT> (round half to
// even, saturate); accumulators ap_fixed<2W+8,2I+8>, at most 63 bits (a sum of two must fit
// the 64-bit C-simulation type), which hold each product exactly and wrap only beyond 8
// guard bits.
std::string fixed_value_type(const Precision& precision);
std::string fixed_accumulator_type(const Precision& precision);

// The HLS C++ element type of PL tensors of `dtype` under `precision`.
std::string element_type(const Precision& precision, graph::DType dtype);

}  // namespace zynqnn::compiler
