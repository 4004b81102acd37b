// HardSwish (src/compiler/layers/hardswish.cpp): compiled (generated HLS C++ built for the
// host), run on the virtual board and compared with the reference executor.
#include <gtest/gtest.h>

#include <algorithm>

#include "activation_test_support.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

// ONNX's definition, in float32: x * max(0, min(1, x/6 + 1/2)).
float hardswish(float x) { return x * std::max(0.0F, std::min(1.0F, x * (1.0F / 6.0F) + 0.5F)); }

// Slope up to 1.5 over [-3, 3]; outputs up to 3 in the QDQ model.
const testing::ActivationUnderTest kHardSwish{"HardSwish", hardswish, 1.5F, 3.0F / 127};

// The definition's three regions: 0 below -3, x above 3, x(x+3)/6 between.
TEST(HardSwishLayer, TheReferenceExecutorFollowsTheDefinition) {
  GraphBuilder b;
  b.input("x", {1, 5}).node({"HardSwish", "h", {"x"}, {"y"}, {}}).output("y");
  graph::TensorMap inputs;
  inputs.emplace("x", graph::Tensor::from<float>({1, 5}, {-4.0F, -3.0F, 0.0F, 1.5F, 4.0F}));
  const auto outputs = graph::Executor(b.build()).run(inputs);
  const auto y = outputs.at("y").data<float>();
  ASSERT_EQ(y.size(), 5U);
  EXPECT_EQ(y[0], -0.0F);
  EXPECT_EQ(y[1], -0.0F);
  EXPECT_EQ(y[2], 0.0F);
  EXPECT_FLOAT_EQ(y[3], 1.5F * 4.5F / 6.0F);
  EXPECT_EQ(y[4], 4.0F);
}

TEST(HardSwishLayer, Float32FusedAndAloneMatchTheReference) {
  EXPECT_LE(testing::max_error_fused_and_alone(kHardSwish, "hardswish_float", {}), 1e-5);
}

TEST(HardSwishLayer, FixedPointStaysWithinTheFormatsResolution) {
  // fixed<16,6>: 10 fraction bits; the convolution's rounding and HardSwish's slope (at most
  // 1.5 over these inputs) keep the error within a few steps of 2^-10.
  EXPECT_LE(testing::max_error_fused_and_alone(kHardSwish, "hardswish_fixed", Precision::parse("fixed<16,6>")),
            8.0 / 1024);
}

TEST(HardSwishLayer, Int8IsALookupTableBitExact) {
  testing::expect_int8_lookup_table_bit_exact(kHardSwish, "hardswish_int8");
}

TEST(HardSwishLayer, Int8WithTheModelsQuantizationMatchesTheReference) {
  testing::expect_int8_as_given_matches_the_reference(kHardSwish, "hardswish_qdq");
}

TEST(HardSwishLayer, Int8AfterAConvIsALayerOfItsOwn) {
  testing::expect_int8_after_a_conv_is_a_layer_of_its_own(kHardSwish, "conv_hardswish_int8");
}

}  // namespace
}  // namespace zynqnn::compiler
