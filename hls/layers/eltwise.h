#pragma once
// Elementwise combination of two streams of the same shape (residual add, gating multiply),
// and of a stream with per-channel constants (broadcast scale/shift, e.g. a folded
// BatchNorm). Ops are small functors; the quantized add requantizes both operands into the
// output scale with the arithmetic of requant.h:
//   y = clamp(zo + round_half_even(((a - za)*Ma + (b - zb)*Mb) / 2^R), lo, hi)
// Cycles per frame: PIXELS * FOLDS.
#include <cstdint>

#include "hls_stream.h"
#include "layout.h"
#include "requant.h"

namespace zynqnn_hls {

template <typename T>
struct add_op {
  template <typename A, typename B>
  T operator()(const A& a, const B& b) const { return static_cast<T>(static_cast<T>(a) + static_cast<T>(b)); }
};

template <typename T>
struct mul_op {
  template <typename A, typename B>
  T operator()(const A& a, const B& b) const { return static_cast<T>(static_cast<T>(a) * static_cast<T>(b)); }
};

struct quantized_add_op {
  std::int32_t zero_point_a, multiplier_a;
  std::int32_t zero_point_b, multiplier_b;
  std::int32_t shift;  // R, 1..62; |(a - za)*Ma + (b - zb)*Mb| must stay below 2^62
  std::int32_t zero_point_out, lo, hi;
  template <typename A, typename B>
  std::int32_t operator()(const A& a, const B& b) const {
    const std::int64_t sum = (static_cast<std::int64_t>(a) - zero_point_a) * multiplier_a +
                             (static_cast<std::int64_t>(b) - zero_point_b) * multiplier_b;
    std::int64_t y = rounding_shift_right(sum, shift) + zero_point_out;
    if (y < lo) y = lo;
    if (y > hi) y = hi;
    return static_cast<std::int32_t>(y);
  }
};

// Two streams of the same shape, read in lockstep (exactly once per element each).
template <typename SHAPE, typename TA, typename TB, typename TO, typename Op>
void eltwise(hls::stream<word<TA, SHAPE::SIMD>>& a, hls::stream<word<TB, SHAPE::SIMD>>& b,
             hls::stream<word<TO, SHAPE::SIMD>>& out, const Op op) {
elements:
  for (int i = 0; i < SHAPE::PIXELS * SHAPE::FOLDS; ++i) {
#pragma HLS PIPELINE II = 1
    const word<TA, SHAPE::SIMD> x = a.read();
    const word<TB, SHAPE::SIMD> z = b.read();
    word<TO, SHAPE::SIMD> y;
    for (int s = 0; s < SHAPE::SIMD; ++s) {
#pragma HLS UNROLL
      y.data[s] = static_cast<TO>(op(x.data[s], z.data[s]));
    }
    out.write(y);
  }
}

// A stream and per-channel constants[SIMD][FOLDS] (channel f*SIMD + s at [s][f]).
template <typename SHAPE, typename TA, typename TC, typename TO, typename Op>
void eltwise_channel_const(hls::stream<word<TA, SHAPE::SIMD>>& in, hls::stream<word<TO, SHAPE::SIMD>>& out,
                           const TC (&constants)[SHAPE::SIMD][SHAPE::FOLDS], const Op op) {
pixels:
  for (int pix = 0; pix < SHAPE::PIXELS; ++pix) {
  folds:
    for (int f = 0; f < SHAPE::FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
      const word<TA, SHAPE::SIMD> x = in.read();
      word<TO, SHAPE::SIMD> y;
      for (int s = 0; s < SHAPE::SIMD; ++s) {
#pragma HLS UNROLL
        y.data[s] = static_cast<TO>(op(x.data[s], constants[s][f]));
      }
      out.write(y);
    }
  }
}

}  // namespace zynqnn_hls
