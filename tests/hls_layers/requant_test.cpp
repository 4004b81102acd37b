// The requantization arithmetic of requant.h: hand-computed ties, agreement with an
// independently written integer reference, the multiplier derivation, and the requantize layer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "reference.hpp"
#include "stream_io.hpp"
#include "zynqnn_layers.h"

namespace {

namespace zh = zynqnn_hls;

using zynqnn_hls_test::reference_scaled;

TEST(Requant, RoundingShiftTiesGoToEven) {
  EXPECT_EQ(zh::rounding_shift_right(5, 1), 2);     // 2.5
  EXPECT_EQ(zh::rounding_shift_right(7, 1), 4);     // 3.5
  EXPECT_EQ(zh::rounding_shift_right(-5, 1), -2);   // -2.5
  EXPECT_EQ(zh::rounding_shift_right(-7, 1), -4);   // -3.5
  EXPECT_EQ(zh::rounding_shift_right(6, 2), 2);     // 1.5
  EXPECT_EQ(zh::rounding_shift_right(10, 2), 2);    // 2.5
  EXPECT_EQ(zh::rounding_shift_right(-10, 2), -2);  // -2.5
  EXPECT_EQ(zh::rounding_shift_right(-11, 2), -3);  // -2.75
  EXPECT_EQ(zh::rounding_shift_right(9, 2), 2);     // 2.25
  EXPECT_EQ(zh::rounding_shift_right(-9, 2), -2);   // -2.25
}

TEST(Requant, MatchesIndependentReferenceOnRandomValues) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int32_t> acc_dist(-(1 << 30), 1 << 30);
  std::uniform_int_distribution<std::int32_t> m_dist(0, 0x7fffffff);
  std::uniform_int_distribution<int> r_dist(1, 62);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t acc = acc_dist(rng);
    const std::int32_t m = m_dist(rng);
    const int r = r_dist(rng);
    ASSERT_EQ(zh::rounding_shift_right(acc * m, r), reference_scaled(acc, m, r)) << acc << " " << m << " " << r;
  }
}

TEST(Requant, PowerOfTwoScaleMatchesFloatRoundingBitForBit) {
  std::int32_t m = 0, r = 0;
  ASSERT_TRUE(zh::quantize_multiplier(0.5, m, r));
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(r, 31);
  for (std::int64_t acc = -300; acc <= 300; ++acc) {
    const auto y = zh::requantize_value(acc, m, r, 0, -128, 127);
    const auto expected = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::nearbyint(acc * 0.5)), -128, 127);
    ASSERT_EQ(y, expected) << acc;
  }
}

TEST(Requant, QuantizeMultiplierRepresentsTheScale) {
  std::int32_t m = 0, r = 0;
  ASSERT_TRUE(zh::quantize_multiplier(1.0, m, r));
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(r, 30);
  ASSERT_TRUE(zh::quantize_multiplier(0.75, m, r));
  EXPECT_EQ(m, 1610612736);
  EXPECT_EQ(r, 31);
  ASSERT_TRUE(zh::quantize_multiplier(0.0123456, m, r));
  EXPECT_GE(m, 1 << 30);
  EXPECT_NEAR(std::ldexp(static_cast<double>(m), -r), 0.0123456, 1e-12);
  // Rounding the mantissa up to 2^31 renormalizes.
  ASSERT_TRUE(zh::quantize_multiplier(std::nextafter(1.0, 0.0), m, r));
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(r, 30);
  EXPECT_FALSE(zh::quantize_multiplier(0.0, m, r));
  EXPECT_FALSE(zh::quantize_multiplier(-0.5, m, r));
  EXPECT_FALSE(zh::quantize_multiplier(std::ldexp(1.0, -40), m, r));
  EXPECT_FALSE(zh::quantize_multiplier(NAN, m, r));
}

TEST(Requant, FusedReluAndClampBounds) {
  std::int32_t m = 0, r = 0;
  ASSERT_TRUE(zh::quantize_multiplier(1.0 / 16, m, r));
  EXPECT_EQ(zh::requantize_value(-1600, m, r, 10, 10, 127), 10);     // -100 + 10 clamped to zp (ReLU)
  EXPECT_EQ(zh::requantize_value(-1600, m, r, 10, -128, 127), -90);  // no ReLU
  EXPECT_EQ(zh::requantize_value(100000, m, r, 10, -128, 127), 127);
  EXPECT_EQ(zh::requantize_value(-100000, m, r, 10, -128, 127), -128);
  EXPECT_EQ(zh::requantize_value(24, m, r, 0, -128, 127), 2);  // 1.5 -> 2
  EXPECT_EQ(zh::requantize_value(40, m, r, 0, -128, 127), 2);  // 2.5 -> 2
}

TEST(RequantizeLayer, PerChannelParametersAndRelu) {
  using shape = zh::stream_shape<5, 6, 3>;
  zh::requant_params params[3][2];
  std::vector<std::int32_t> ms(6), rs(6);
  std::mt19937 rng(3);
  for (int c = 0; c < 6; ++c) {
    std::int32_t m = 0, r = 0;
    ASSERT_TRUE(zh::quantize_multiplier(0.001 * (c + 1) + 0.0003 * c * c, m, r));
    params[c % 3][c / 3] = zh::requant_params{m, r};
    ms[c] = m;
    rs[c] = r;
  }
  const auto acc = zynqnn_hls_test::random_ints(rng, 30, -40000, 40000);
  hls::stream<zh::word<ap_int<32>, 3>> in;
  hls::stream<zh::word<ap_int<8>, 3>> out;
  zynqnn_hls_test::push_tensor(in, acc);
  const zh::requant_output output{-5, -5, 127};  // ReLU fused: lo = zero point
  zh::requantize<shape, ap_int<32>, ap_int<8>>(in, out, params, output);
  const auto y = zynqnn_hls_test::pop_tensor<std::int64_t>(out, 30);
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(out.empty());
  for (int i = 0; i < 30; ++i) {
    const int c = i % 6;
    const std::int64_t expected = std::clamp<std::int64_t>(reference_scaled(acc[i], ms[c], rs[c]) - 5, -5, 127);
    EXPECT_EQ(y[i], expected) << "element " << i;
  }
}

}  // namespace
