// Tanh (src/compiler/layers/tanh.cpp): compiled (generated HLS C++ built for the host), run on
// the virtual board and compared with the reference executor.
#include <gtest/gtest.h>

#include <cmath>

#include "activation_test_support.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

const testing::ActivationUnderTest kTanh{"Tanh", [](float x) { return std::tanh(x); }, 1.0F, 1.0F / 127};

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
  EXPECT_LE(testing::max_error_fused_and_alone(kTanh, "tanh_float", {}), 1e-5);
}

TEST(TanhLayer, FixedPointStaysWithinTheFormatsResolution) {
  // fixed<16,6>: 10 fraction bits; the convolution's rounding and tanh's slope (at most 1) keep
  // the error within a few steps of 2^-10.
  EXPECT_LE(testing::max_error_fused_and_alone(kTanh, "tanh_fixed", Precision::parse("fixed<16,6>")), 8.0 / 1024);
}

TEST(TanhLayer, Int8IsALookupTableBitExact) { testing::expect_int8_lookup_table_bit_exact(kTanh, "tanh_int8"); }

TEST(TanhLayer, Int8WithTheModelsQuantizationMatchesTheReference) {
  testing::expect_int8_as_given_matches_the_reference(kTanh, "tanh_qdq");
}

TEST(TanhLayer, Int8AfterAConvIsALayerOfItsOwn) {
  testing::expect_int8_after_a_conv_is_a_layer_of_its_own(kTanh, "conv_tanh_int8");
}

}  // namespace
}  // namespace zynqnn::compiler
