// Add of two streams in int8 (src/compiler/layers/eltwise.cpp, quantized_add_op of
// hls/layers/eltwise.h): each operand rescaled into the output's scale in integers, against
// the reference executor running the model's own QuantizeLinear/DequantizeLinear graph.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/quantize_plan.hpp"
#include "compiler_test_util.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

PlTensor quantized(float scale, std::int32_t zero_point) {
  PlTensor t;
  t.scale = scale;
  t.zero_point = zero_point;
  return t;
}

TEST(Int8Add, TheMultipliersCarryTheScaleRatiosAtTheLargestShift) {
  PlLayer l;
  l.binary = BinaryOp::add;
  set_rescaled_sum(l, quantized(0.02F, 3), quantized(0.05F, -7), quantized(0.04F, 1), "add");
  ASSERT_EQ(l.multiplier.size(), 2U);
  ASSERT_EQ(l.shift.size(), 1U);
  const double unit = std::ldexp(1.0, l.shift[0]);
  // The ratios of the float32 scales, to within half a unit of 2^-R.
  EXPECT_NEAR(l.multiplier[0] / unit, static_cast<double>(0.02F) / 0.04F, 1e-9);
  EXPECT_NEAR(l.multiplier[1] / unit, static_cast<double>(0.05F) / 0.04F, 1e-9);
  EXPECT_GE(l.multiplier[1], 1 << 30);  // the larger one uses the 31 bits
  EXPECT_EQ(l.out_zero_point, 1);
  EXPECT_EQ(l.out_lo, -128);
  EXPECT_EQ(l.out_hi, 127);
}

TEST(Int8Add, AnInt8MulIsRefused) {
  PlLayer l;
  l.binary = BinaryOp::mul;
  l.ops = "Mul";
  EXPECT_THROW(set_rescaled_sum(l, quantized(0.02F, 0), quantized(0.02F, 0), quantized(0.02F, 0), "mul"), Error);
}

// x and z quantized with their own scales and zero points, added, quantized again.
TEST(Int8Add, TwoStreamsAsTheModelQuantizesThemMatchTheReferenceBitForBit) {
  GraphBuilder b;
  b.input("x", {1, 32})
      .input("z", {1, 32})
      .constant("x_s", graph::Tensor::scalar<float>(0.021F))
      .constant("x_zp", graph::Tensor::scalar<std::int8_t>(5))
      .constant("z_s", graph::Tensor::scalar<float>(0.013F))
      .constant("z_zp", graph::Tensor::scalar<std::int8_t>(-9))
      .constant("y_s", graph::Tensor::scalar<float>(0.037F))
      .constant("y_zp", graph::Tensor::scalar<std::int8_t>(2))
      .node({"QuantizeLinear", "qx", {"x", "x_s", "x_zp"}, {"xq"}, {}})
      .node({"DequantizeLinear", "dqx", {"xq", "x_s", "x_zp"}, {"xr"}, {}})
      .node({"QuantizeLinear", "qz", {"z", "z_s", "z_zp"}, {"zq"}, {}})
      .node({"DequantizeLinear", "dqz", {"zq", "z_s", "z_zp"}, {"zr"}, {}})
      .node({"Add", "add", {"xr", "zr"}, {"sum"}, {}})
      .node({"QuantizeLinear", "qy", {"sum", "y_s", "y_zp"}, {"yq"}, {}})
      .node({"DequantizeLinear", "dqy", {"yq", "y_s", "y_zp"}, {"y"}, {}})
      .output("y");
  const graph::Graph g = b.build();
  const auto compiled = compile_graph(g, testing::options_for("int8_add_qdq"));
  EXPECT_EQ(compiled.plan.quantization, "model");
  ASSERT_EQ(compiled.plan.layers.size(), 1U);
  EXPECT_EQ(compiled.plan.layers[0].ops, "Add");
  auto runner = testing::runner_for(compiled, testing::work_dir("int8_add_qdq"));
  testing::expect_bit_exact(runner, g, b.random_inputs(-2.5F, 2.5F), "y");
}

}  // namespace
}  // namespace zynqnn::compiler
