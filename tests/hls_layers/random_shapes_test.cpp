// Randomized layer shapes: each case derives kernel, stride, dilation, pads, input size,
// groups, channels, PE and SIMD from a hash of its index at compile time (the templates
// need constant sizes), then runs with random data against the reference.
#include <utility>

#include "conv_harness.hpp"

namespace {

namespace zh = zynqnn_hls;
using zynqnn_hls_test::check_conv;
using zynqnn_hls_test::check_depthwise;

constexpr unsigned hash(unsigned index, unsigned salt) {
  unsigned x = index * 2654435761u + salt * 40503u + 12345u;
  x ^= x >> 15;
  x *= 2246822519u;
  x ^= x >> 13;
  return x;
}

constexpr int pick(unsigned index, unsigned salt, int lo, int hi) {
  return lo + static_cast<int>(hash(index, salt) % static_cast<unsigned>(hi - lo + 1));
}

// The n-th divisor of value (cyclically), chosen by the hash.
constexpr int pick_divisor(unsigned index, unsigned salt, int value) {
  int count = 0;
  for (int d = 1; d <= value; ++d)
    if (value % d == 0) ++count;
  int wanted = static_cast<int>(hash(index, salt) % static_cast<unsigned>(count));
  for (int d = 1; d <= value; ++d)
    if (value % d == 0 && wanted-- == 0) return d;
  return 1;
}

struct shape_params {
  int k_h, k_w, s_h, s_w, d_h, d_w, p_t, p_l, p_b, p_r, in_h, in_w, groups, c, oc, simd, pe;
};

constexpr shape_params shape_for(unsigned i) {
  shape_params p{};
  p.k_h = pick(i, 1, 1, 3);
  p.k_w = pick(i, 2, 1, 3);
  p.s_h = pick(i, 3, 1, 2);
  p.s_w = pick(i, 4, 1, 2);
  p.d_h = p.k_h > 1 ? pick(i, 5, 1, 2) : 1;
  p.d_w = p.k_w > 1 ? pick(i, 6, 1, 2) : 1;
  p.p_t = pick(i, 7, 0, p.k_h - 1);
  p.p_l = pick(i, 8, 0, p.k_w - 1);
  p.p_b = pick(i, 9, 0, p.k_h - 1);
  p.p_r = pick(i, 10, 0, p.k_w - 1);
  p.in_h = p.d_h * (p.k_h - 1) + 1 + pick(i, 11, 0, 5);
  p.in_w = p.d_w * (p.k_w - 1) + 1 + pick(i, 12, 0, 5);
  p.groups = pick(i, 13, 1, 2);
  const int c_per_group = pick(i, 14, 1, 4), oc_per_group = pick(i, 15, 1, 4);
  p.c = p.groups * c_per_group;
  p.oc = p.groups * oc_per_group;
  p.simd = pick_divisor(i, 16, c_per_group);
  p.pe = pick_divisor(i, 17, oc_per_group);
  return p;
}

template <unsigned I>
using random_window =
    zh::window_config<shape_for(I).in_h, shape_for(I).in_w, shape_for(I).c, shape_for(I).simd, shape_for(I).k_h,
                      shape_for(I).k_w, shape_for(I).s_h, shape_for(I).s_w, shape_for(I).p_t, shape_for(I).p_l,
                      shape_for(I).p_b, shape_for(I).p_r, shape_for(I).d_h, shape_for(I).d_w, shape_for(I).groups>;

template <unsigned I>
void run_random_conv() {
  SCOPED_TRACE(testing::Message() << "random shape " << I);
  if constexpr (I % 4 == 3) {
    check_conv<random_window<I>, shape_for(I).oc, shape_for(I).pe, float, float, float, double>(I);
  } else {
    check_conv<random_window<I>, shape_for(I).oc, shape_for(I).pe, ap_int<8>, ap_int<8>, ap_int<32>, std::int64_t,
               I % 5 == 1>(I);
  }
}

template <unsigned I>
using random_depthwise_window =
    zh::window_config<shape_for(I).in_h, shape_for(I).in_w, shape_for(I).c * 2, shape_for(I).simd, shape_for(I).k_h,
                      shape_for(I).k_w, shape_for(I).s_h, shape_for(I).s_w, shape_for(I).p_t, shape_for(I).p_l,
                      shape_for(I).p_b, shape_for(I).p_r, shape_for(I).d_h, shape_for(I).d_w>;

template <unsigned I>
void run_random_depthwise() {
  SCOPED_TRACE(testing::Message() << "random depthwise shape " << I);
  check_depthwise<random_depthwise_window<I>, ap_int<8>, ap_int<8>, ap_int<32>, std::int64_t>(I + 100);
}

template <unsigned... I>
void run_all(std::integer_sequence<unsigned, I...>) {
  (run_random_conv<I>(), ...);
  (run_random_depthwise<I>(), ...);
}

TEST(RandomShapes, ConvAndDepthwiseMatchReference) { run_all(std::make_integer_sequence<unsigned, 24>{}); }

TEST(RandomShapes, CoverStrideDilationPaddingGroupsAndFolding) {
  // The generated set is not degenerate: it exercises every feature at least once.
  bool stride2 = false, dilation2 = false, padded = false, grouped = false, folded_simd = false, folded_pe = false;
  for (unsigned i = 0; i < 24; ++i) {
    const auto p = shape_for(i);
    stride2 |= p.s_h == 2 || p.s_w == 2;
    dilation2 |= p.d_h == 2 || p.d_w == 2;
    padded |= p.p_t + p.p_l + p.p_b + p.p_r > 0;
    grouped |= p.groups == 2;
    folded_simd |= p.simd < p.c / p.groups;
    folded_pe |= p.pe < p.oc / p.groups;
  }
  EXPECT_TRUE(stride2 && dilation2 && padded && grouped && folded_simd && folded_pe);
}

}  // namespace
