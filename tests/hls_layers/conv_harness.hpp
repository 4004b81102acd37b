#pragma once
// Runs a convolution / fully connected layer of the library on random data and compares it
// with conv_reference: exact for integer types, a tolerance for float.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

#include "reference.hpp"
#include "stream_io.hpp"
#include "zynqnn_layers.h"

namespace zynqnn_hls_test {

namespace zh = zynqnn_hls;

template <typename WCFG>
conv_shape shape_of(int out_channels) {
  conv_shape s{WCFG::IN_H, WCFG::IN_W, WCFG::CHANNELS, out_channels, WCFG::K_H, WCFG::K_W};
  s.stride_h = WCFG::STRIDE_H;
  s.stride_w = WCFG::STRIDE_W;
  s.pad_top = WCFG::PAD_TOP;
  s.pad_left = WCFG::PAD_LEFT;
  s.pad_bottom = WCFG::PAD_BOTTOM;
  s.pad_right = WCFG::PAD_RIGHT;
  s.dilation_h = WCFG::DILATION_H;
  s.dilation_w = WCFG::DILATION_W;
  s.groups = WCFG::GROUPS;
  return s;
}

template <typename V>
std::vector<V> random_values(std::mt19937& rng, std::size_t count, int lo, int hi) {
  if constexpr (std::is_integral_v<V>) {
    return random_ints(rng, count, lo, hi);
  } else {
    return random_reals(rng, count, lo, hi);
  }
}

// Values for a layer whose element type is TI: integers for integer paths, floats for float,
// and multiples of 2^-5 (exact in ap_fixed<8,3>) scaled from [lo, hi] / 32 for fixed point.
template <typename V, typename TI>
std::vector<V> layer_values(std::mt19937& rng, std::size_t count, int lo, int hi) {
  if constexpr (std::is_floating_point_v<V> && !std::is_floating_point_v<TI>) {
    const auto ints = random_ints(rng, count, lo, hi);
    std::vector<V> v(count);
    for (std::size_t i = 0; i < count; ++i) v[i] = static_cast<V>(ints[i]) / 32;
    return v;
  } else {
    return random_values<V>(rng, count, lo, hi);
  }
}

template <typename V>
void expect_tensors_match(const std::vector<V>& expected, const std::vector<V>& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if constexpr (std::is_integral_v<V>) {
      ASSERT_EQ(expected[i], actual[i]) << "element " << i;
    } else {
      ASSERT_NEAR(expected[i], actual[i], 1e-4 * (1.0 + std::fabs(expected[i]))) << "element " << i;
    }
  }
}

// Folded weights and bias for an MVU configuration, from ONNX OIHW weights.
template <typename M, typename TW, typename TA>
struct folded_mvu_params {
  TW weights[M::PE][M::TILES][M::SIMD];
  TA bias[M::PE][M::GROUPS * M::NF];

  template <typename V>
  void fill(const std::vector<V>& oihw, const std::vector<V>& bias_values) {
    const int cg = M::IN_CHANNELS / M::GROUPS, og = M::OUT_CHANNELS / M::GROUPS;
    for (int o = 0; o < M::OUT_CHANNELS; ++o) {
      for (int c = 0; c < cg; ++c)
        for (int ky = 0; ky < M::K_H; ++ky)
          for (int kx = 0; kx < M::K_W; ++kx) {
            const auto pos = zh::mvu_weight_position(M::OUT_CHANNELS, M::IN_CHANNELS, M::K_H, M::K_W, M::GROUPS,
                                                     M::PE, M::SIMD, o, c, ky, kx);
            weights[pos.pe][pos.tile][pos.lane] =
                static_cast<TW>(oihw[((static_cast<std::size_t>(o) * cg + c) * M::K_H + ky) * M::K_W + kx]);
          }
      const int g = o / og, in_group = o % og;
      bias[in_group % M::PE][g * M::NF + in_group / M::PE] = static_cast<TA>(bias_values[o]);
    }
  }
};

// Dense or grouped convolution (conv2d, or the window + streamed-weight MVU when STREAMED).
template <typename WCFG, int OC, int PE, typename TI, typename TW, typename TA, typename V, bool STREAMED = false>
void check_conv(std::uint32_t seed) {
  using M = zh::conv_mvu_config<WCFG, OC, PE>;
  std::mt19937 rng(seed);
  const conv_shape s = shape_of<WCFG>(OC);
  const auto input = layer_values<V, TI>(rng, static_cast<std::size_t>(s.in_h) * s.in_w * s.channels, -128, 127);
  const auto weights = layer_values<V, TW>(
      rng, static_cast<std::size_t>(OC) * (s.channels / s.groups) * s.k_h * s.k_w, -128, 127);
  const auto bias = layer_values<V, TA>(rng, OC, -5000, 5000);
  const V pad_value = std::is_integral_v<V> ? V(-3) : V(0);  // an input zero point for ints
  const auto expected = conv_reference<V>(s, input, weights, bias, pad_value);

  auto params = std::make_unique<folded_mvu_params<M, TW, TA>>();
  params->fill(weights, bias);
  hls::stream<zh::word<TI, WCFG::SIMD>> in("in");
  hls::stream<zh::word<TA, PE>> out("out");
  push_tensor(in, input);
  if constexpr (STREAMED) {
    hls::stream<zh::word<TI, WCFG::SIMD>> windows("windows");
    hls::stream<zh::word<TW, PE * WCFG::SIMD>> weight_stream("weights");
    for (int pix = 0; pix < M::PIXELS; ++pix)
      for (int t = 0; t < M::TILES; ++t) {
        zh::word<TW, PE * WCFG::SIMD> w;
        for (int p = 0; p < PE; ++p)
          for (int si = 0; si < WCFG::SIMD; ++si) w.data[p * WCFG::SIMD + si] = params->weights[p][t][si];
        weight_stream.write(w);
      }
    zh::sliding_window<WCFG>(in, windows, static_cast<TI>(pad_value));
    zh::matrix_vector_unit_streamed<M, TI, TW, TA>(windows, out, weight_stream, params->bias);
    EXPECT_TRUE(weight_stream.empty());
    EXPECT_TRUE(windows.empty());
  } else {
    zh::conv2d<WCFG, OC, PE, TI, TW, TA>(in, out, params->weights, params->bias, static_cast<TI>(pad_value));
  }
  EXPECT_TRUE(in.empty()) << "the layer must consume its whole input frame";
  const auto actual = pop_tensor<V>(out, expected.size());
  EXPECT_TRUE(out.empty()) << "the layer wrote more than one frame";
  expect_tensors_match(expected, actual);
}

// Depthwise convolution (multiplier 1) through the depthwise unit.
template <typename WCFG, typename TI, typename TW, typename TA, typename V>
void check_depthwise(std::uint32_t seed) {
  constexpr int C = WCFG::CHANNELS, S = WCFG::SIMD, KK = WCFG::K_H * WCFG::K_W;
  std::mt19937 rng(seed);
  conv_shape s = shape_of<WCFG>(C);
  s.groups = C;
  const auto input = layer_values<V, TI>(rng, static_cast<std::size_t>(s.in_h) * s.in_w * C, -128, 127);
  const auto weights = layer_values<V, TW>(rng, static_cast<std::size_t>(C) * KK, -128, 127);
  const auto bias = layer_values<V, TA>(rng, C, -5000, 5000);
  const V pad_value = std::is_integral_v<V> ? V(5) : V(0);
  const auto expected = conv_reference<V>(s, input, weights, bias, pad_value);

  struct params_t {
    TW weights[S][WCFG::FOLDS * KK];
    TA bias[S][WCFG::FOLDS];
  };
  auto params = std::make_unique<params_t>();
  for (int c = 0; c < C; ++c) {
    for (int k = 0; k < KK; ++k) params->weights[c % S][(c / S) * KK + k] = static_cast<TW>(weights[c * KK + k]);
    params->bias[c % S][c / S] = static_cast<TA>(bias[c]);
  }
  hls::stream<zh::word<TI, S>> in("in");
  hls::stream<zh::word<TA, S>> out("out");
  push_tensor(in, input);
  zh::depthwise_conv2d<WCFG, TI, TW, TA>(in, out, params->weights, params->bias, static_cast<TI>(pad_value));
  EXPECT_TRUE(in.empty());
  const auto actual = pop_tensor<V>(out, expected.size());
  EXPECT_TRUE(out.empty());
  expect_tensors_match(expected, actual);
}

}  // namespace zynqnn_hls_test
