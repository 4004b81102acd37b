#pragma once
// Requantization: an int32 accumulator to an 8-bit (or narrower) activation.
//
// The single definition both the HLS datapath and the ONNX quantizer follow:
//
//   y = clamp(zero_point + round_half_even(acc * M / 2^R), lo, hi)
//
//   acc   signed accumulator (|acc| < 2^31), bias already added
//   M     per-channel integer multiplier, 0 <= M < 2^31 (a Q31 mantissa)
//   R     per-channel right shift, 1 <= R <= 62; the real scale is M * 2^-R
//   round_half_even   rounds the exact rational acc*M/2^R to the nearest integer, ties to
//                     even (ONNX QuantizeLinear / QLinearConv rounding), so power-of-two
//                     scales (M = 2^30, R = 31 => scale 0.5) match ONNX bit for bit
//   lo, hi  the output type's range [qmin, qmax]; with a fused ReLU lo = max(qmin, zero_point)
//
// acc * M is formed exactly in 64 bits (|acc*M| < 2^62). A real scale s > 0 becomes (M, R)
// by quantize_multiplier(): s = f * 2^e with f in [0.5, 1), M = round(f * 2^31), R = 31 - e
// (M == 2^31 after rounding is renormalized to 2^30 with R - 1).
#include <cmath>
#include <cstdint>


namespace zynqnn_hls {

// round_half_even(value / 2^shift) for 1 <= shift <= 62, exact in integer arithmetic.
inline std::int64_t rounding_shift_right(std::int64_t value, int shift) {
#pragma HLS INLINE
  const std::int64_t floor_q = value >> shift;  // arithmetic shift: floor division
  const std::int64_t remainder = value - (floor_q * (std::int64_t{1} << shift));  // in [0, 2^shift)
  const std::int64_t half = std::int64_t{1} << (shift - 1);
  if (remainder > half) return floor_q + 1;
  if (remainder < half) return floor_q;
  return (floor_q & 1) ? floor_q + 1 : floor_q;  // exact tie: to even
}

// One requantization step, with the output range passed explicitly so that a fused ReLU
// (lo = max(qmin, zero_point)) and Clip (any [lo, hi]) share the code.
inline std::int32_t requantize_value(std::int64_t acc, std::int32_t multiplier, int shift,
                                     std::int32_t zero_point, std::int32_t lo, std::int32_t hi) {
#pragma HLS INLINE
  const std::int64_t scaled = rounding_shift_right(acc * static_cast<std::int64_t>(multiplier), shift);
  std::int64_t y = scaled + zero_point;
  if (y < lo) y = lo;
  if (y > hi) y = hi;
  return static_cast<std::int32_t>(y);
}

// Per-channel parameters for requantization.
struct requant_params {
  std::int32_t multiplier;  // M, 0 <= M < 2^31
  std::int32_t shift;       // R, 1 <= R <= 62
};

// Host-side: the (M, R) pair for a real scale 0 < scale < 2^30. Returns false (and leaves
// M = 0, R = 31) when the scale is not representable; the caller reports the error.
inline bool quantize_multiplier(double scale, std::int32_t& multiplier, std::int32_t& shift) {
  multiplier = 0;
  shift = 31;
  if (!(scale > 0.0) || !std::isfinite(scale)) return false;
  int exponent = 0;
  const double fraction = std::frexp(scale, &exponent);  // scale = fraction * 2^exponent
  std::int64_t m = static_cast<std::int64_t>(std::llround(fraction * 2147483648.0));
  int r = 31 - exponent;
  if (m == (std::int64_t{1} << 31)) {
    m >>= 1;
    r -= 1;
  }
  if (r < 1 || r > 62) return false;
  multiplier = static_cast<std::int32_t>(m);
  shift = r;
  return true;
}

}  // namespace zynqnn_hls
