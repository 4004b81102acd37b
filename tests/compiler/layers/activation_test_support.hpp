#pragma once
// The checks every elementwise activation layer file (src/compiler/layers/<kind>.cpp) gets:
// float32 and fixed point fused into a Conv and alone, int8 as a lookup table calibrated and
// from a QDQ model's own scales, against the reference executor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "compiler_test_util.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::compiler::testing {

struct ActivationUnderTest {
  std::string op;                     // the ONNX operator
  std::function<float(float)> fn;     // its definition in float32
  float int8_input_step_factor = 1;   // the largest slope of fn over the inputs (int8 bound)
  float qdq_output_scale = 1.0F / 127;
};

// Conv, the activation fused into it, then the activation as a layer of its own.
inline GraphBuilder conv_then_twice(const std::string& op) {
  GraphBuilder b;
  b.input("x", {1, 2, 5, 5})
      .random_constant("w", {3, 2, 3, 3})
      .random_constant("bias", {3})
      .node({"Conv", "conv", {"x", "w", "bias"}, {"c"}, {}})
      .node({op, "fused", {"c"}, {"t"}, {}})
      .node({op, "alone", {"t"}, {"y"}, {}})
      .output("y");
  return b;
}

// The largest difference between the kernel's outputs and the reference's, on the virtual board.
inline double max_error_fused_and_alone(const ActivationUnderTest& a, const std::string& name, const Precision& precision) {
  auto b = conv_then_twice(a.op);
  const graph::Graph g = b.build();
  const auto inputs = b.random_inputs(-2.0F, 2.0F);
  const auto expected = graph::Executor(g).run(inputs);
  const auto compiled = compile_graph(g, options_for(name, precision));
  std::vector<std::string> ops;
  for (const auto& l : compiled.plan.layers) ops.push_back(l.ops);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv+" + a.op, a.op}));
  auto runner = runner_for(compiled, work_dir(name));
  const auto actual = runner.run(inputs);
  const auto e = expected.at("y").data<float>();
  const auto y = actual.at("y").data<float>();
  EXPECT_EQ(e.size(), y.size());
  double worst = 0;
  for (std::size_t i = 0; i < e.size() && i < y.size(); ++i) worst = std::max(worst, std::fabs(double(e[i]) - y[i]));
  return worst;
}

// int8: the table over the input's raw bits, bit for bit against the plan's own arithmetic
// (quantize, the function of the dequantized value, quantize), and within a step or two of the
// function. Calibrated on the very inputs it runs: every output lies in the calibrated range.
inline void expect_int8_lookup_table_bit_exact(const ActivationUnderTest& a, const std::string& name) {
  GraphBuilder b;
  b.input("x", {1, 16}).node({a.op, "act", {"x"}, {"y"}, {}}).output("y");
  const graph::Graph g = b.build();
  CompileOptions options = options_for(name, Precision::parse("int8"));
  const auto inputs = b.random_inputs(-3.0F, 3.0F);
  options.calibration = {inputs};
  const auto compiled = compile_graph(g, options);
  ASSERT_EQ(compiled.plan.layers.size(), 1U);
  EXPECT_EQ(compiled.plan.layers[0].lookup.size(), 256U);
  const PlTensor& tx = compiled.plan.tensor("x");
  const PlTensor& ty = compiled.plan.tensor("y");
  auto runner = runner_for(compiled, work_dir(name));
  const auto outputs = runner.run(inputs);
  const auto x = inputs.at("x").data<float>();
  const auto y = outputs.at("y").data<float>();
  ASSERT_EQ(y.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::int8_t qx = quant::quantize_int8(x[i], tx.scale, tx.zero_point);
    const std::int8_t qy = quant::quantize_int8(a.fn(quant::dequantize_int8(qx, tx.scale, tx.zero_point)), ty.scale,
                                                ty.zero_point);
    EXPECT_EQ(y[i], static_cast<float>(qy - ty.zero_point) * ty.scale) << "element " << i;
    EXPECT_NEAR(y[i], a.fn(x[i]), 2 * ty.scale + a.int8_input_step_factor * tx.scale) << "element " << i;
  }
}

// A model quantized as given (QDQ): the table from the model's own scales and zero points,
// bit for bit against the reference executor running the QDQ graph.
inline void expect_int8_as_given_matches_the_reference(const ActivationUnderTest& a, const std::string& name) {
  GraphBuilder b;
  b.input("x", {1, 16})
      .constant("a_s", graph::Tensor::scalar<float>(0.03F))
      .constant("a_zp", graph::Tensor::scalar<std::int8_t>(2))
      .constant("b_s", graph::Tensor::scalar<float>(a.qdq_output_scale))
      .constant("b_zp", graph::Tensor::scalar<std::int8_t>(0))
      .node({"QuantizeLinear", "qx", {"x", "a_s", "a_zp"}, {"xq"}, {}})
      .node({"DequantizeLinear", "dqx", {"xq", "a_s", "a_zp"}, {"xr"}, {}})
      .node({a.op, "act", {"xr"}, {"tf"}, {}})
      .node({"QuantizeLinear", "qt", {"tf", "b_s", "b_zp"}, {"tq"}, {}})
      .node({"DequantizeLinear", "dqt", {"tq", "b_s", "b_zp"}, {"y"}, {}})
      .output("y");
  const graph::Graph g = b.build();
  const auto compiled = compile_graph(g, options_for(name));
  EXPECT_EQ(compiled.plan.quantization, "model");
  ASSERT_EQ(compiled.plan.layers.size(), 1U);
  EXPECT_EQ(compiled.plan.layers[0].lookup.size(), 256U);
  auto runner = runner_for(compiled, work_dir(name));
  expect_bit_exact(runner, g, b.random_inputs(-3.0F, 3.0F), "y");
}

// int8 after a convolution: the convolution requantizes, the table is a layer of its own.
inline void expect_int8_after_a_conv_is_a_layer_of_its_own(const ActivationUnderTest& a, const std::string& name) {
  auto b = conv_then_twice(a.op);
  const graph::Graph g = b.build();
  CompileOptions options = options_for(name, Precision::parse("int8"));
  options.calibration = {b.random_inputs(-2.0F, 2.0F)};
  options.build_sim = false;
  const auto compiled = compile_graph(g, options);
  std::vector<std::string> ops;
  for (const auto& l : compiled.plan.layers) ops.push_back(l.ops);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", a.op, a.op}));
}

}  // namespace zynqnn::compiler::testing
