#pragma once
// Models quantized as given (QDQ format, what onnxruntime's quantize_static and PyTorch's
// export write): DequantizeLinear of constant int8 weights and int32 biases, and
// QuantizeLinear → DequantizeLinear pairs on activations. strip_qdq turns such a graph into
// its float graph and records the model's quantization; quantize_plan_from_model then puts
// the lowered plan onto the int8 layers with those scales and zero points (not re-calibrated):
// the weights as given, int32 biases at s_in·s_w, requantization (M, R) from s_in·s_w/s_out.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/graph/graph.hpp"

namespace zynqnn::compiler {

struct ModelQuantization {
  struct Activation {
    float scale = 1.0F;
    std::int32_t zero_point = 0;
  };
  // A constant the model stores quantized: real = scales[c] * (q - zero_points[c]), c along
  // `axis` (one scale: per tensor).
  struct Constant {
    std::vector<float> scales;
    std::vector<std::int32_t> zero_points;
    std::int64_t axis = 0;
    graph::DType dtype = graph::DType::int8;
  };
  std::map<std::string, Activation, std::less<>> activations;  // by value name
  std::map<std::string, Constant, std::less<>> constants;      // by (float) value name
  // The model quantizes its activations (a QuantizeLinear → DequantizeLinear pair, or a
  // QLinearConv/QLinearMatMul with constant parameters): it runs int8 as given. Weights alone
  // through DequantizeLinear with float activations stay a float model.
  bool activations_quantized = false;
  bool empty() const { return !activations_quantized; }
};

// Rewrites `graph` in place: QLinearConv / QLinearMatMul whose weights, scales and zero points
// are constants become DequantizeLinear → Conv/MatMul (float weights and bias) → QuantizeLinear;
// then every DequantizeLinear of a constant becomes the float constant it
// computes (recorded in `constants`), every QuantizeLinear → DequantizeLinear pair with constant
// scalar int8 parameters is removed (the value it quantized is recorded in `activations`), and
// the import's fusions (Conv+Add bias, MatMul→Gemm) run again on the float graph. A lone
// DequantizeLinear of a run-time int8 value gives its float result that value's parameters
// (the host quantizes it back exactly), a lone QuantizeLinear gives its input its parameters.
// A graph without such nodes is left unchanged and gives an empty result.
ModelQuantization strip_qdq(graph::Graph& graph);

// Throws zynqnn::Error(unsupported, "unsupported: <what>", where): what a model quantized as
// given asks and the int8 layers cannot do.
[[noreturn]] void refuse_as_given(const std::string& what, const std::string& where);

// The int8 plan with the model's quantization. Throws unsupported naming the layer or value for
// what the model does not quantize (a PL stream without a QuantizeLinear/DequantizeLinear pair,
// weights without a DequantizeLinear) and for what the int8 layers cannot express (a pool whose
// output scale differs from its input's, weights whose zero-point-shifted values leave int8).
void quantize_plan_from_model(LayerPlan& plan, const ModelQuantization& model);

}  // namespace zynqnn::compiler
