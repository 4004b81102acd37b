// Activations, elementwise combinations, concat, duplicate and width conversion.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "conv_harness.hpp"

namespace {

namespace zh = zynqnn_hls;
using namespace zynqnn_hls_test;
using i8 = ap_int<8>;
using shape = zh::stream_shape<7, 6, 3>;
constexpr std::size_t kElements = 7 * 6;

template <typename Op>
std::vector<double> run_float_activation(const std::vector<double>& x, Op op) {
  hls::stream<zh::word<float, 3>> in, out;
  push_tensor(in, x);
  zh::activation<shape, float, float>(in, out, op);
  EXPECT_TRUE(in.empty());
  auto y = pop_tensor<double>(out, x.size());
  EXPECT_TRUE(out.empty());
  return y;
}

TEST(Activation, FloatReluLeakyClipSigmoid) {
  std::mt19937 rng(1);
  const auto x = random_reals(rng, kElements, -6, 6);
  const auto relu = run_float_activation(x, zh::relu_op<float>{});
  const auto leaky = run_float_activation(x, zh::leaky_relu_op<float>{0.125f});
  const auto clip = run_float_activation(x, zh::clip_op<float>{-1.5f, 2.0f});
  const auto sigmoid = run_float_activation(x, zh::sigmoid_op<float>{});
  for (std::size_t i = 0; i < kElements; ++i) {
    EXPECT_EQ(relu[i], std::max(0.0, x[i]));
    EXPECT_DOUBLE_EQ(leaky[i], x[i] < 0 ? x[i] * 0.125 : x[i]);
    EXPECT_EQ(clip[i], std::clamp(x[i], -1.5, 2.0));
    EXPECT_NEAR(sigmoid[i], 1.0 / (1.0 + std::exp(-x[i])), 1e-6);
  }
}

TEST(Activation, Int8ReluAndClip) {
  std::mt19937 rng(2);
  const auto x = random_ints(rng, kElements, -128, 127);
  hls::stream<zh::word<i8, 3>> in, mid, out;
  push_tensor(in, x);
  zh::activation<shape, i8, i8>(in, mid, zh::relu_op<i8>{});
  zh::activation<shape, i8, i8>(mid, out, zh::clip_op<i8>{i8(10), i8(90)});
  const auto y = pop_tensor<std::int64_t>(out, kElements);
  for (std::size_t i = 0; i < kElements; ++i) EXPECT_EQ(y[i], std::clamp<std::int64_t>(x[i], 10, 90));
}

TEST(Activation, Int8SigmoidLookupTable) {
  // A quantized sigmoid: input scale 1/16 zero point 0, output scale 1/256 zero point -128.
  static i8 table[256];
  for (int raw = 0; raw < 256; ++raw) {
    const int x = raw < 128 ? raw : raw - 256;
    const double s = 1.0 / (1.0 + std::exp(-x / 16.0));
    table[raw] = static_cast<i8>(std::clamp<long>(std::lround(s * 256) - 128, -128, 127));
  }
  std::vector<std::int64_t> x(kElements);
  for (std::size_t i = 0; i < kElements; ++i) x[i] = static_cast<std::int64_t>(i * 6) - 128;
  hls::stream<zh::word<i8, 3>> in, out;
  push_tensor(in, x);
  zh::lut_activation<shape, 8, i8, i8>(in, out, table);
  const auto y = pop_tensor<std::int64_t>(out, kElements);
  for (std::size_t i = 0; i < kElements; ++i) {
    const double s = 1.0 / (1.0 + std::exp(-x[i] / 16.0));
    EXPECT_EQ(y[i], std::clamp<long>(std::lround(s * 256) - 128, -128, 127)) << x[i];
  }
}

TEST(Eltwise, FloatAddAndMul) {
  std::mt19937 rng(3);
  const auto a = random_reals(rng, kElements, -4, 4);
  const auto b = random_reals(rng, kElements, -4, 4);
  hls::stream<zh::word<float, 3>> sa, sb, sum, sa2, sb2, prod;
  push_tensor(sa, a);
  push_tensor(sb, b);
  push_tensor(sa2, a);
  push_tensor(sb2, b);
  zh::eltwise<shape, float, float, float>(sa, sb, sum, zh::add_op<float>{});
  zh::eltwise<shape, float, float, float>(sa2, sb2, prod, zh::mul_op<float>{});
  EXPECT_TRUE(sa.empty() && sb.empty());
  const auto ys = pop_tensor<double>(sum, kElements);
  const auto yp = pop_tensor<double>(prod, kElements);
  for (std::size_t i = 0; i < kElements; ++i) {
    EXPECT_FLOAT_EQ(ys[i], static_cast<float>(a[i] + b[i]));
    EXPECT_FLOAT_EQ(yp[i], static_cast<float>(a[i] * b[i]));
  }
}

TEST(Eltwise, QuantizedResidualAdd) {
  std::mt19937 rng(4);
  const auto a = random_ints(rng, kElements, -128, 127);
  const auto b = random_ints(rng, kElements, -128, 127);
  // out = 0.4*(a-3) + 0.7*(b+2) in output units, with M = round(s * 2^20), R = 20.
  const zh::quantized_add_op op{3, 419430, -2, 734003, 20, 1, -128, 127};
  hls::stream<zh::word<i8, 3>> sa, sb, out;
  push_tensor(sa, a);
  push_tensor(sb, b);
  zh::eltwise<shape, i8, i8, i8>(sa, sb, out, op);
  const auto y = pop_tensor<std::int64_t>(out, kElements);
  for (std::size_t i = 0; i < kElements; ++i) {
    const std::int64_t num = (a[i] - 3) * 419430 + (b[i] + 2) * 734003;
    const std::int64_t expected = std::clamp<std::int64_t>(divide_round_half_even(num, 1 << 20) + 1, -128, 127);
    EXPECT_EQ(y[i], expected);
  }
}

TEST(Eltwise, PerChannelConstantBroadcast) {
  std::mt19937 rng(5);
  const auto x = random_reals(rng, kElements, -2, 2);
  float scale[3][2];
  for (int c = 0; c < 6; ++c) scale[c % 3][c / 3] = 0.5f + static_cast<float>(c);
  hls::stream<zh::word<float, 3>> in, out;
  push_tensor(in, x);
  zh::eltwise_channel_const<shape, float, float, float>(in, out, scale, zh::mul_op<float>{});
  const auto y = pop_tensor<double>(out, kElements);
  for (std::size_t i = 0; i < kElements; ++i)
    EXPECT_FLOAT_EQ(y[i], static_cast<float>(x[i] * (0.5 + static_cast<double>(i % 6))));
}

TEST(Concat, ChannelsOfTwoStreams) {
  std::mt19937 rng(6);
  const auto a = random_ints(rng, 5 * 4, -100, 100);
  const auto b = random_ints(rng, 5 * 6, -100, 100);
  hls::stream<zh::word<i8, 2>> sa, sb, out;
  push_tensor(sa, a);
  push_tensor(sb, b);
  zh::concat_channels<5, 4, 6, 2>(sa, sb, out);
  EXPECT_TRUE(sa.empty() && sb.empty());
  const auto y = pop_tensor<std::int64_t>(out, 50);
  for (int p = 0; p < 5; ++p)
    for (int c = 0; c < 10; ++c) EXPECT_EQ(y[p * 10 + c], c < 4 ? a[p * 4 + c] : b[p * 6 + c - 4]);
}

TEST(Duplicate, BothOutputsCarryTheInput) {
  std::mt19937 rng(7);
  const auto x = random_ints(rng, 12, -100, 100);
  hls::stream<zh::word<i8, 3>> in, a, b;
  push_tensor(in, x);
  zh::duplicate_stream<4>(in, a, b);
  EXPECT_EQ(pop_tensor<std::int64_t>(a, 12), x);
  EXPECT_EQ(pop_tensor<std::int64_t>(b, 12), x);
}

template <int IN_N, int OUT_N>
void check_width(std::uint32_t seed) {
  constexpr int ELEMENTS = 24;
  std::mt19937 rng(seed);
  const auto x = random_ints(rng, ELEMENTS, -128, 127);
  hls::stream<zh::word<i8, IN_N>> in;
  hls::stream<zh::word<i8, OUT_N>> out;
  push_tensor(in, x);
  zh::convert_width<ELEMENTS, IN_N, OUT_N>(in, out);
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(out.size(), static_cast<std::size_t>(ELEMENTS / OUT_N));
  EXPECT_EQ(pop_tensor<std::int64_t>(out, ELEMENTS), x);
}

TEST(WidthConvert, NarrowWideAndEqual) {
  check_width<4, 2>(1);
  check_width<2, 4>(2);
  check_width<6, 1>(3);
  check_width<1, 8>(4);
  check_width<3, 3>(5);
}

}  // namespace
