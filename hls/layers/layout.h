#pragma once
// Stream layout shared by every layer: NHWC, one pixel's channels folded into words.
// A frame is H rows of W pixels; a pixel's C channels travel as C/N consecutive words,
// channel c = f*N + i at fold f, lane i. A word is a plain aggregate with a fixed-size array:
// Vitis HLS packs it into one N*bits(T)-wide bus, and the host compiler sees a POD.

#include <type_traits>

#include "ap_int.h"

namespace zynqnn_hls {

template <typename T, int N>
struct word {
  static_assert(N > 0, "a stream word holds at least one element");
  using element_type = T;
  static constexpr int lanes = N;
  T data[N];
};

// Integer element types (built-in or ap_int/ap_uint): the layers round integer results
// explicitly; floating and fixed-point types use their own arithmetic.
template <typename T>
struct is_integer_type : std::is_integral<T> {};
template <int W, bool S>
struct is_integer_type<ap_int_base<W, S>> : std::true_type {};
template <int W>
struct is_integer_type<ap_int<W>> : std::true_type {};
template <int W>
struct is_integer_type<ap_uint<W>> : std::true_type {};

// Compile-time helpers used by the layer configs.
constexpr bool divides(int divisor, int value) { return divisor > 0 && value % divisor == 0; }
constexpr int min_int(int a, int b) { return a < b ? a : b; }

// The shape of an elementwise stream: PIXELS pixels per frame (H*W, or 1 for a vector),
// CHANNELS per pixel, SIMD channels per word.
template <int PIXELS_, int CHANNELS_, int SIMD_>
struct stream_shape {
  static constexpr int PIXELS = PIXELS_;
  static constexpr int CHANNELS = CHANNELS_;
  static constexpr int SIMD = SIMD_;
  static constexpr int FOLDS = CHANNELS_ / SIMD_;
  static_assert(PIXELS_ > 0 && CHANNELS_ > 0, "a stream carries at least one element");
  static_assert(divides(SIMD_, CHANNELS_), "SIMD must divide CHANNELS");
};

}  // namespace zynqnn_hls
