// Max/average pooling (stride, pads, count_include_pad) and global pooling against the
// plain reference; integer averages round half to even.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "conv_harness.hpp"

namespace {

namespace zh = zynqnn_hls;
using namespace zynqnn_hls_test;

template <typename WCFG, zh::pool_kind KIND, bool INCLUDE_PAD, typename TI, typename TA, typename V>
void check_pool(std::uint32_t seed) {
  std::mt19937 rng(seed);
  const conv_shape s = shape_of<WCFG>(WCFG::CHANNELS);
  const auto input = random_values<V>(rng, static_cast<std::size_t>(s.in_h) * s.in_w * s.channels, -128, 127);
  std::vector<int> counts;
  const bool is_max = KIND == zh::pool_kind::max;
  auto expected = pool_sums_reference<V>(s, input, is_max, counts);
  if (!is_max) {
    const int kernel = s.k_h * s.k_w;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const int count = INCLUDE_PAD ? kernel : counts[i / s.channels];
      if constexpr (std::is_integral_v<V>) {
        expected[i] = divide_round_half_even(expected[i], count);
      } else {
        expected[i] = expected[i] / count;
      }
    }
  }
  hls::stream<zh::word<TI, WCFG::SIMD>> in, windows, out;
  push_tensor(in, input);
  const TI pad = is_max ? static_cast<TI>(std::numeric_limits<std::int8_t>::lowest()) : TI(0);
  zh::sliding_window<WCFG>(in, windows, is_max && std::is_floating_point_v<TI>
                                            ? static_cast<TI>(-std::numeric_limits<float>::infinity())
                                            : pad);
  zh::pool<WCFG, KIND, INCLUDE_PAD, TI, TA, TI>(windows, out);
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(windows.empty());
  const auto actual = pop_tensor<V>(out, expected.size());
  EXPECT_TRUE(out.empty());
  expect_tensors_match(expected, actual);
}

using i8 = ap_int<8>;
using i32 = ap_int<32>;
using zh::window_config;

TEST(Pool, MaxInt8K2Stride2) {
  for (std::uint32_t seed : {1u, 2u})
    check_pool<window_config<8, 6, 4, 2, 2, 2, 2, 2>, zh::pool_kind::max, true, i8, i32, std::int64_t>(seed);
}

TEST(Pool, MaxFloatK3Stride2Pad1) {
  for (std::uint32_t seed : {1u, 2u})
    check_pool<window_config<7, 7, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1>, zh::pool_kind::max, true, float, float, double>(seed);
}

TEST(Pool, AverageInt8CountIncludePad) {
  for (std::uint32_t seed : {1u, 2u})
    check_pool<window_config<6, 5, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1>, zh::pool_kind::average, true, i8, i32,
               std::int64_t>(seed);
}

TEST(Pool, AverageInt8ExcludePadStride2) {
  for (std::uint32_t seed : {1u, 2u})
    check_pool<window_config<7, 6, 2, 1, 3, 3, 2, 2, 1, 1, 1, 1>, zh::pool_kind::average, false, i8, i32,
               std::int64_t>(seed);
}

TEST(Pool, AverageFloatExcludePadAsymmetric) {
  for (std::uint32_t seed : {1u, 2u})
    check_pool<window_config<5, 6, 4, 2, 2, 3, 1, 2, 1, 0, 0, 1>, zh::pool_kind::average, false, float, float,
               double>(seed);
}

template <zh::pool_kind KIND, typename TI, typename TA, typename V>
void check_global_pool(std::uint32_t seed) {
  using shape = zh::stream_shape<12, 6, 2>;
  std::mt19937 rng(seed);
  const auto input = random_values<V>(rng, 12 * 6, -128, 127);
  std::vector<V> expected(6);
  for (int c = 0; c < 6; ++c) {
    V acc = input[c];
    for (int p = 1; p < 12; ++p) {
      const V x = input[p * 6 + c];
      acc = KIND == zh::pool_kind::max ? std::max(acc, x) : acc + x;
    }
    if (KIND == zh::pool_kind::average) {
      if constexpr (std::is_integral_v<V>) acc = divide_round_half_even(acc, 12);
      else acc = acc / 12;
    }
    expected[c] = acc;
  }
  hls::stream<zh::word<TI, 2>> in, out;
  push_tensor(in, input);
  zh::global_pool<shape, KIND, TI, TA, TI>(in, out);
  EXPECT_TRUE(in.empty());
  const auto actual = pop_tensor<V>(out, 6);
  EXPECT_TRUE(out.empty());
  expect_tensors_match(expected, actual);
}

TEST(GlobalPool, AverageInt8) { check_global_pool<zh::pool_kind::average, i8, i32, std::int64_t>(4); }
TEST(GlobalPool, MaxInt8) { check_global_pool<zh::pool_kind::max, i8, i32, std::int64_t>(5); }
TEST(GlobalPool, AverageFloat) { check_global_pool<zh::pool_kind::average, float, float, double>(6); }

TEST(Pool, IntegerAverageRoundsHalfToEven) {
  EXPECT_EQ(zh::detail::average_of<std::int32_t>(5, 2), 2);
  EXPECT_EQ(zh::detail::average_of<std::int32_t>(7, 2), 4);
  EXPECT_EQ(zh::detail::average_of<std::int32_t>(-5, 2), -2);
  EXPECT_EQ(zh::detail::average_of<std::int32_t>(-7, 2), -4);
  EXPECT_EQ(zh::detail::average_of<std::int32_t>(-13, 9), -1);
  EXPECT_EQ(zh::detail::average_of<std::int32_t>(14, 9), 2);
}

}  // namespace
