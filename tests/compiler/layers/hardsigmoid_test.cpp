// HardSigmoid (src/compiler/layers/hardsigmoid.cpp): the node's alpha and beta reach the
// generated HLS C++, which is compiled, run on the virtual board and compared with the
// reference executor.
#include <gtest/gtest.h>

#include <algorithm>

#include "activation_test_support.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

// ONNX's definition with its default attributes, in float32: max(0, min(1, 0.2 x + 0.5)).
float hard_sigmoid(float x) { return std::max(0.0F, std::min(1.0F, 0.2F * x + 0.5F)); }

// Slope 0.2; outputs in [0, 1] in the QDQ model.
const testing::ActivationUnderTest kHardSigmoid{"HardSigmoid", hard_sigmoid, 1.0F, 1.0F / 127};

// PyTorch's nn.Hardsigmoid exports alpha = 1/6, beta = 0.5: 0 below -3, 1 above 3, linear between.
TEST(HardSigmoidLayer, TheReferenceExecutorTakesTheNodesAlphaAndBeta) {
  GraphBuilder b;
  b.input("x", {1, 5}).node({"HardSigmoid", "h", {"x"}, {"y"}, {{"alpha", 1.0F / 6.0F}, {"beta", 0.5F}}}).output("y");
  graph::TensorMap inputs;
  inputs.emplace("x", graph::Tensor::from<float>({1, 5}, {-4.0F, -3.0F, 0.0F, 1.5F, 4.0F}));
  const auto outputs = graph::Executor(b.build()).run(inputs);
  const auto y = outputs.at("y").data<float>();
  ASSERT_EQ(y.size(), 5U);
  EXPECT_EQ(y[0], 0.0F);
  EXPECT_FLOAT_EQ(y[1], 0.0F);
  EXPECT_EQ(y[2], 0.5F);
  EXPECT_FLOAT_EQ(y[3], 0.75F);
  EXPECT_EQ(y[4], 1.0F);
}

TEST(HardSigmoidLayer, Float32FusedAndAloneMatchTheReference) {
  EXPECT_LE(testing::max_error_fused_and_alone(kHardSigmoid, "hardsigmoid_float", {}), 1e-6);
}

TEST(HardSigmoidLayer, FixedPointStaysWithinTheFormatsResolution) {
  // fixed<16,6>: 10 fraction bits; the convolution's rounding times the slope 0.2, and the
  // activation's own rounding: within two steps of 2^-10.
  EXPECT_LE(testing::max_error_fused_and_alone(kHardSigmoid, "hardsigmoid_fixed", Precision::parse("fixed<16,6>")),
            2.0 / 1024);
}

TEST(HardSigmoidLayer, Int8IsALookupTableBitExact) {
  testing::expect_int8_lookup_table_bit_exact(kHardSigmoid, "hardsigmoid_int8");
}

TEST(HardSigmoidLayer, Int8WithTheModelsQuantizationMatchesTheReference) {
  testing::expect_int8_as_given_matches_the_reference(kHardSigmoid, "hardsigmoid_qdq");
}

}  // namespace
}  // namespace zynqnn::compiler
