// Tanh (src/compiler/layers/tanh.cpp): compiled (generated HLS C++ built for the host), run on
// the virtual board and compared with the reference executor.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler_test_util.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

// Conv, Tanh fused into it, then a Tanh layer of its own (the Conv's chain already ends in one).
GraphBuilder conv_tanh_tanh() {
  GraphBuilder b;
  b.input("x", {1, 2, 5, 5})
      .random_constant("w", {3, 2, 3, 3})
      .random_constant("bias", {3})
      .node({"Conv", "conv", {"x", "w", "bias"}, {"c"}, {}})
      .node({"Tanh", "fused", {"c"}, {"t"}, {}})
      .node({"Tanh", "alone", {"t"}, {"y"}, {}})
      .output("y");
  return b;
}

// The largest difference between the kernel's outputs and the reference's.
double max_error(GraphBuilder& b, const std::string& name, const Precision& precision) {
  const graph::Graph g = b.build();
  const auto inputs = b.random_inputs(-2.0F, 2.0F);
  const auto expected = graph::Executor(g).run(inputs);
  const auto compiled = compile_graph(g, testing::options_for(name, precision));
  std::vector<std::string> ops;
  for (const auto& l : compiled.plan.layers) ops.push_back(l.ops);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv+Tanh", "Tanh"}));
  auto runner = testing::runner_for(compiled, testing::work_dir(name));
  const auto actual = runner.run(inputs);
  const auto e = expected.at("y").data<float>();
  const auto a = actual.at("y").data<float>();
  EXPECT_EQ(e.size(), a.size());
  double worst = 0;
  for (std::size_t i = 0; i < e.size() && i < a.size(); ++i) worst = std::max(worst, std::fabs(double(e[i]) - a[i]));
  return worst;
}

TEST(TanhLayer, TheReferenceExecutorComputesTanh) {
  GraphBuilder b;
  b.input("x", {1, 4}).node({"Tanh", "t", {"x"}, {"y"}, {}}).output("y");
  graph::TensorMap inputs;
  inputs.emplace("x", graph::Tensor::from<float>({1, 4}, {-2.0F, -0.5F, 0.0F, 3.0F}));
  const auto outputs = graph::Executor(b.build()).run(inputs);
  const auto y = outputs.at("y").data<float>();
  ASSERT_EQ(y.size(), 4U);
  EXPECT_EQ(y[0], std::tanh(-2.0F));
  EXPECT_EQ(y[1], std::tanh(-0.5F));
  EXPECT_EQ(y[2], 0.0F);
  EXPECT_EQ(y[3], std::tanh(3.0F));
}

TEST(TanhLayer, Float32FusedAndAloneMatchTheReference) {
  auto b = conv_tanh_tanh();
  EXPECT_LE(max_error(b, "tanh_float", {}), 1e-5);
}

TEST(TanhLayer, FixedPointStaysWithinTheFormatsResolution) {
  auto b = conv_tanh_tanh();
  // fixed<16,6>: 10 fraction bits; the convolution's rounding and tanh's slope (at most 1) keep
  // the error within a few steps of 2^-10.
  EXPECT_LE(max_error(b, "tanh_fixed", Precision::parse("fixed<16,6>")), 8.0 / 1024);
}

// int8: the table over the input's raw bits, bit for bit against the plan's own arithmetic
// (quantize, std::tanh of the dequantized value, quantize), and within a step or two of tanh.
TEST(TanhLayer, Int8IsALookupTableBitExact) {
  GraphBuilder b;
  b.input("x", {1, 16}).node({"Tanh", "t", {"x"}, {"y"}, {}}).output("y");
  const graph::Graph g = b.build();
  CompileOptions options = testing::options_for("tanh_int8", Precision::parse("int8"));
  options.calibration = {b.random_inputs(-3.0F, 3.0F)};
  const auto compiled = compile_graph(g, options);
  ASSERT_EQ(compiled.plan.layers.size(), 1U);
  EXPECT_EQ(compiled.plan.layers[0].lookup.size(), 256U);
  const PlTensor& tx = compiled.plan.tensor("x");
  const PlTensor& ty = compiled.plan.tensor("y");
  const auto inputs = b.random_inputs(-3.0F, 3.0F);
  auto runner = testing::runner_for(compiled, testing::work_dir("tanh_int8"));
  const auto outputs = runner.run(inputs);
  const auto x = inputs.at("x").data<float>();
  const auto y = outputs.at("y").data<float>();
  ASSERT_EQ(y.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::int8_t qx = quant::quantize_int8(x[i], tx.scale, tx.zero_point);
    const std::int8_t qy = quant::quantize_int8(std::tanh(quant::dequantize_int8(qx, tx.scale, tx.zero_point)),
                                                ty.scale, ty.zero_point);
    EXPECT_EQ(y[i], static_cast<float>(qy - ty.zero_point) * ty.scale) << "element " << i;
    EXPECT_NEAR(y[i], std::tanh(x[i]), 2 * ty.scale + tx.scale) << "element " << i;
  }
}

// A model quantized as given (QDQ): the table from the model's own scales and zero points,
// bit for bit against the reference executor running the QDQ graph.
TEST(TanhLayer, Int8WithTheModelsQuantizationMatchesTheReference) {
  GraphBuilder b;
  b.input("x", {1, 16})
      .constant("a_s", graph::Tensor::scalar<float>(0.03F))
      .constant("a_zp", graph::Tensor::scalar<std::int8_t>(2))
      .constant("b_s", graph::Tensor::scalar<float>(1.0F / 127))
      .constant("b_zp", graph::Tensor::scalar<std::int8_t>(0))
      .node({"QuantizeLinear", "qx", {"x", "a_s", "a_zp"}, {"xq"}, {}})
      .node({"DequantizeLinear", "dqx", {"xq", "a_s", "a_zp"}, {"xr"}, {}})
      .node({"Tanh", "t", {"xr"}, {"tf"}, {}})
      .node({"QuantizeLinear", "qt", {"tf", "b_s", "b_zp"}, {"tq"}, {}})
      .node({"DequantizeLinear", "dqt", {"tq", "b_s", "b_zp"}, {"y"}, {}})
      .output("y");
  const graph::Graph g = b.build();
  const auto compiled = compile_graph(g, testing::options_for("tanh_qdq"));
  EXPECT_EQ(compiled.plan.quantization, "model");
  ASSERT_EQ(compiled.plan.layers.size(), 1U);
  EXPECT_EQ(compiled.plan.layers[0].lookup.size(), 256U);
  auto runner = testing::runner_for(compiled, testing::work_dir("tanh_qdq"));
  const auto inputs = b.random_inputs(-3.0F, 3.0F);
  const auto actual = runner.run(inputs);
  const auto expected = graph::Executor(g).run(inputs);
  const auto a = actual.at("y").data<float>();
  const auto e = expected.at("y").data<float>();
  ASSERT_EQ(a.size(), e.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], e[i]) << "element " << i;
}

// int8 after a convolution: the convolution requantizes, the table is a layer of its own.
TEST(TanhLayer, Int8AfterAConvIsALayerOfItsOwn) {
  auto b = conv_tanh_tanh();
  const graph::Graph g = b.build();
  CompileOptions options = testing::options_for("conv_tanh_int8", Precision::parse("int8"));
  options.calibration = {b.random_inputs(-2.0F, 2.0F)};
  options.build_sim = false;
  const auto compiled = compile_graph(g, options);
  std::vector<std::string> ops;
  for (const auto& l : compiled.plan.layers) ops.push_back(l.ops);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "Tanh", "Tanh"}));
}

}  // namespace
}  // namespace zynqnn::compiler
