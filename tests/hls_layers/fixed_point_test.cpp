// The ap_fixed paths: convolution, depthwise, pooling and activations with fixed-point
// activations/weights (ap_fixed<8,3>) and a wide fixed-point accumulator. Products and sums
// are exact in the accumulator, so convolution results match the reference exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ap_fixed.h"
#include "conv_harness.hpp"

namespace {

namespace zh = zynqnn_hls;
using namespace zynqnn_hls_test;
using fx8 = ap_fixed<8, 3>;     // [-4, 4) in steps of 2^-5
using fx32 = ap_fixed<32, 16>;  // 16 fractional bits: products of two fx8 (2^-10) are exact
using zh::window_config;

TEST(FixedPoint, Conv2dStride2Pad1Exact) {
  for (std::uint32_t seed : {1u, 2u})
    check_conv<window_config<6, 7, 4, 2, 3, 3, 2, 2, 1, 1, 1, 1>, 6, 3, fx8, fx8, fx32, double>(seed);
}

TEST(FixedPoint, GroupedConvStreamedWeightsExact) {
  for (std::uint32_t seed : {3u, 4u})
    check_conv<window_config<5, 5, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2>, 4, 2, fx8, fx8, fx32, double, true>(seed);
}

TEST(FixedPoint, DepthwiseExact) {
  for (std::uint32_t seed : {5u, 6u})
    check_depthwise<window_config<6, 6, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1>, fx8, fx8, fx32, double>(seed);
}

TEST(FixedPoint, AveragePoolTruncatesToTheOutputType) {
  using cfg = window_config<5, 5, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1>;
  std::mt19937 rng(7);
  const conv_shape s = shape_of<cfg>(2);
  const auto input = layer_values<double, fx8>(rng, 5 * 5 * 2, -128, 127);
  std::vector<int> counts;
  const auto sums = pool_sums_reference<double>(s, input, false, counts);
  hls::stream<zh::word<fx8, 2>> in, windows, out;
  push_tensor(in, input);
  zh::sliding_window<cfg>(in, windows, fx8(0));
  zh::pool<cfg, zh::pool_kind::average, false, fx8, fx32, fx8>(windows, out);
  const auto actual = pop_tensor<double>(out, sums.size());
  EXPECT_TRUE(out.empty());
  for (std::size_t i = 0; i < sums.size(); ++i) {
    const double mean = sums[i] / counts[i / 2];
    EXPECT_NEAR(actual[i], mean, 1.0 / 32) << i;  // one output step (default AP_TRN quantization)
    EXPECT_LE(actual[i], mean + 1e-12) << i;      // truncation toward -inf never rounds up
  }
}

TEST(FixedPoint, ReluAndLeakyRelu) {
  using shape = zh::stream_shape<4, 4, 2>;
  std::mt19937 rng(8);
  const auto x = layer_values<double, fx8>(rng, 16, -128, 127);
  hls::stream<zh::word<fx8, 2>> in, out, in2, out2;
  push_tensor(in, x);
  push_tensor(in2, x);
  zh::activation<shape, fx8, fx8>(in, out, zh::relu_op<fx8>{});
  zh::activation<shape, fx8, fx8>(in2, out2, zh::leaky_relu_op<fx8>{fx8(0.25)});
  const auto relu = pop_tensor<double>(out, 16);
  const auto leaky = pop_tensor<double>(out2, 16);
  for (std::size_t i = 0; i < 16; ++i) {
    EXPECT_EQ(relu[i], std::max(0.0, x[i]));
    // x * 0.25 truncated to 2^-5 steps (toward -inf)
    EXPECT_EQ(leaky[i], x[i] < 0 ? std::floor(x[i] * 0.25 * 32) / 32 : x[i]);
  }
}

}  // namespace
