// A small int8 CNN built from the library, run as a C-simulation dataflow (each layer
// called once per frame, in order, streams between them), against a reference pipeline in
// plain C++ on real-valued integers (zero points subtracted, no folding, no streams):
//   conv 3x3 (3->8) + ReLU requant -> max pool 2x2/2 -> fork:
//     depthwise 3x3 on the asymmetric pooled tensor (pad = zero point, zp folded into bias)
//     -> requant -> quantized residual add with the fork -> global average pool -> FC (8->4)
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "conv_harness.hpp"

namespace {

namespace zh = zynqnn_hls;
using namespace zynqnn_hls_test;
using i8 = ap_int<8>;
using i32 = ap_int<32>;

using conv_a_window = zh::window_config<8, 8, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1>;
using conv_a = zh::conv_mvu_config<conv_a_window, 8, 4>;
using conv_a_out = zh::stream_shape<64, 8, 4>;
using pool_window = zh::window_config<8, 8, 8, 4, 2, 2, 2, 2>;
using dw_window = zh::window_config<4, 4, 8, 2, 3, 3, 1, 1, 1, 1, 1, 1>;
using dw_out = zh::stream_shape<16, 8, 2>;
using pooled = zh::stream_shape<16, 8, 4>;
using fc_window = zh::window_config<1, 1, 8, 4, 1, 1>;
using fc = zh::conv_mvu_config<fc_window, 4, 2>;

constexpr std::int32_t kPoolZeroPoint = -128;  // the ReLU output's zero point

std::vector<std::int64_t> requant_ref(const std::vector<std::int64_t>& acc, int channels,
                                      const std::vector<zh::requant_params>& p, std::int32_t zp, std::int32_t lo) {
  std::vector<std::int64_t> y(acc.size());
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const auto& q = p[i % channels];
    y[i] = std::clamp<std::int64_t>(reference_scaled(acc[i], q.multiplier, q.shift) + zp, lo, 127);
  }
  return y;
}

TEST(LayerChain, SmallInt8CnnMatchesReference) {
  std::mt19937 rng(2026);
  const auto input = random_ints(rng, 8 * 8 * 3, -128, 127);
  const auto w_a = random_ints(rng, 8 * 3 * 9, -20, 20);
  const auto b_a = random_ints(rng, 8, -2000, 2000);
  const auto w_dw = random_ints(rng, 8 * 9, -30, 30);
  const auto b_dw = random_ints(rng, 8, -500, 500);
  const auto w_fc = random_ints(rng, 4 * 8, -60, 60);
  const auto b_fc = random_ints(rng, 4, -100, 100);
  std::vector<zh::requant_params> rq_a(8), rq_dw(8);
  for (int c = 0; c < 8; ++c) {
    ASSERT_TRUE(zh::quantize_multiplier(1.0 / (300 + 40 * c), rq_a[c].multiplier, rq_a[c].shift));
    ASSERT_TRUE(zh::quantize_multiplier(1.0 / (60 + 7 * c), rq_dw[c].multiplier, rq_dw[c].shift));
  }
  const zh::quantized_add_op add{0, 1 << 19, kPoolZeroPoint, 3 << 18, 20, 0, -128, 127};  // 0.5*a + 0.75*b

  // ---- reference ----
  conv_shape sa{8, 8, 3, 8, 3, 3};
  sa.pad_top = sa.pad_left = sa.pad_bottom = sa.pad_right = 1;
  const auto acc_a = conv_reference<std::int64_t>(sa, input, w_a, b_a, 0);
  const auto act_a = requant_ref(acc_a, 8, rq_a, kPoolZeroPoint, kPoolZeroPoint);  // fused ReLU
  conv_shape sp{8, 8, 8, 8, 2, 2};
  sp.stride_h = sp.stride_w = 2;
  std::vector<int> counts;
  const auto pooled_ref = pool_sums_reference<std::int64_t>(sp, act_a, true, counts);
  std::vector<std::int64_t> pooled_real(pooled_ref.size());
  for (std::size_t i = 0; i < pooled_ref.size(); ++i) pooled_real[i] = pooled_ref[i] - kPoolZeroPoint;
  conv_shape sd{4, 4, 8, 8, 3, 3};
  sd.pad_top = sd.pad_left = sd.pad_bottom = sd.pad_right = 1;
  sd.groups = 8;
  const auto acc_dw = conv_reference<std::int64_t>(sd, pooled_real, w_dw, b_dw, 0);
  const auto act_dw = requant_ref(acc_dw, 8, rq_dw, 0, -128);
  std::vector<std::int64_t> summed(act_dw.size());
  for (std::size_t i = 0; i < summed.size(); ++i)
    summed[i] = std::clamp<std::int64_t>(
        divide_round_half_even(act_dw[i] * (1 << 19) + (pooled_ref[i] - kPoolZeroPoint) * (3 << 18), 1 << 20), -128,
        127);
  std::vector<std::int64_t> gap(8, 0);
  for (std::size_t i = 0; i < summed.size(); ++i) gap[i % 8] += summed[i];
  for (auto& g : gap) g = divide_round_half_even(g, 16);
  const auto expected = conv_reference<std::int64_t>(conv_shape{1, 1, 8, 4, 1, 1}, gap, w_fc, b_fc, 0);

  // ---- the layer chain ----
  auto pa = std::make_unique<folded_mvu_params<conv_a, i8, i32>>();
  pa->fill(w_a, b_a);
  auto pf = std::make_unique<folded_mvu_params<fc, i8, i32>>();
  pf->fill(w_fc, b_fc);
  zh::requant_params rq_a_folded[4][2], rq_dw_folded[2][4];
  i8 dw_weights[2][4 * 9];
  i32 dw_bias[2][4];
  for (int c = 0; c < 8; ++c) {
    rq_a_folded[c % 4][c / 4] = rq_a[c];
    rq_dw_folded[c % 2][c / 2] = rq_dw[c];
    std::int64_t weight_sum = 0;
    for (int k = 0; k < 9; ++k) {
      dw_weights[c % 2][(c / 2) * 9 + k] = static_cast<i8>(w_dw[c * 9 + k]);
      weight_sum += w_dw[c * 9 + k];
    }
    dw_bias[c % 2][c / 2] = static_cast<i32>(b_dw[c] - kPoolZeroPoint * weight_sum);  // zero point folded
  }

  hls::stream<zh::word<i8, 3>> s_in("input");
  hls::stream<zh::word<i32, 4>> s_acc_a("conv_a_acc");
  hls::stream<zh::word<i8, 4>> s_act_a("conv_a_act"), s_windows_pool("pool_windows"), s_pooled("pooled"),
      s_fork_a("fork_a"), s_fork_b("fork_b"), s_dw_back("dw_back"), s_sum("sum"), s_gap("gap");
  hls::stream<zh::word<i8, 2>> s_dw_in("dw_in"), s_dw_act("dw_act");
  hls::stream<zh::word<i32, 2>> s_dw_acc("dw_acc");
  hls::stream<zh::word<i32, 2>> s_out("output");
  push_tensor(s_in, input);

  zh::conv2d<conv_a_window, 8, 4, i8, i8, i32>(s_in, s_acc_a, pa->weights, pa->bias, i8(0));
  zh::requantize<conv_a_out, i32, i8>(s_acc_a, s_act_a, rq_a_folded,
                                      zh::requant_output{kPoolZeroPoint, kPoolZeroPoint, 127});
  zh::sliding_window<pool_window>(s_act_a, s_windows_pool, i8(-128));
  zh::pool<pool_window, zh::pool_kind::max, true, i8, i8, i8>(s_windows_pool, s_pooled);
  zh::duplicate_stream<16 * 2>(s_pooled, s_fork_a, s_fork_b);
  zh::convert_width<16 * 8, 4, 2>(s_fork_a, s_dw_in);
  zh::depthwise_conv2d<dw_window, i8, i8, i32>(s_dw_in, s_dw_acc, dw_weights, dw_bias, i8(kPoolZeroPoint));
  zh::requantize<dw_out, i32, i8>(s_dw_acc, s_dw_act, rq_dw_folded, zh::requant_output{0, -128, 127});
  zh::convert_width<16 * 8, 2, 4>(s_dw_act, s_dw_back);
  zh::eltwise<pooled, i8, i8, i8>(s_dw_back, s_fork_b, s_sum, add);
  zh::global_pool<pooled, zh::pool_kind::average, i8, i32, i8>(s_sum, s_gap);
  zh::conv2d<fc_window, 4, 2, i8, i8, i32>(s_gap, s_out, pf->weights, pf->bias, i8(0));

  for (const auto* s : {&s_act_a, &s_windows_pool, &s_pooled, &s_fork_a, &s_fork_b, &s_dw_back, &s_sum, &s_gap})
    EXPECT_TRUE(s->empty()) << s->name() << " holds words after the frame";
  EXPECT_TRUE(s_in.empty());
  EXPECT_TRUE(s_acc_a.empty() && s_dw_in.empty() && s_dw_acc.empty() && s_dw_act.empty());
  const auto actual = pop_tensor<std::int64_t>(s_out, 4);
  EXPECT_TRUE(s_out.empty());
  EXPECT_EQ(actual, expected);
  // The reference values are not degenerate (the chain exercised clamping and non-zero data).
  EXPECT_NE(expected, std::vector<std::int64_t>(4, expected[0]));
}

}  // namespace
