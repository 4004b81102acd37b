// Sigmoid and LeakyRelu in int8 (src/compiler/layers/activation.cpp): lookup tables over the
// input's raw bits, calibrated and from a QDQ model's own scales, against the reference executor.
#include <gtest/gtest.h>

#include <cmath>

#include "activation_test_support.hpp"

namespace zynqnn::compiler {
namespace {

float sigmoid(float x) { return x >= 0 ? 1.0F / (1.0F + std::exp(-x)) : std::exp(x) / (1.0F + std::exp(x)); }
float leaky_relu(float x) { return x >= 0 ? x : 0.01F * x; }  // ONNX's default alpha

// Slopes at most 1/4 and 1; outputs in [0, 1] and up to 3.
const testing::ActivationUnderTest kSigmoid{"Sigmoid", sigmoid, 0.25F, 1.0F / 127};
const testing::ActivationUnderTest kLeakyRelu{"LeakyRelu", leaky_relu, 1.0F, 3.0F / 127};

TEST(ActivationInt8, SigmoidIsALookupTableBitExact) {
  testing::expect_int8_lookup_table_bit_exact(kSigmoid, "sigmoid_int8");
}

TEST(ActivationInt8, SigmoidWithTheModelsQuantizationMatchesTheReference) {
  testing::expect_int8_as_given_matches_the_reference(kSigmoid, "sigmoid_qdq");
}

TEST(ActivationInt8, LeakyReluIsALookupTableBitExact) {
  testing::expect_int8_lookup_table_bit_exact(kLeakyRelu, "leaky_relu_int8");
}

TEST(ActivationInt8, SigmoidAfterAConvIsALayerOfItsOwn) {
  testing::expect_int8_after_a_conv_is_a_layer_of_its_own(kSigmoid, "conv_sigmoid_int8");
}

}  // namespace
}  // namespace zynqnn::compiler
