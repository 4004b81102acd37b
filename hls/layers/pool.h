#pragma once
// Max and average pooling over the windows sliding_window emits (GROUPS = 1). For max
// pooling the window generator pads with the type's lowest value; for average pooling it
// pads with zero and `count_include_pad` chooses the divisor: K_H*K_W, or the number of
// window positions inside the input (ONNX AveragePool semantics).
// Integer averages round half to even (as requant.h); float averages divide exactly.
// Cycles per frame: OUT_H*OUT_W * K_H*K_W * FOLDS (same loop shape as depthwise_unit).
#include <cstdint>
#include <type_traits>

#include "hls_stream.h"
#include "layout.h"
#include "requantize.h"

namespace zynqnn_hls {

enum class pool_kind { max, average };

namespace detail {

// The type's own division for floating and fixed point (C++14: chosen by overload, not if constexpr).
template <typename TA>
inline TA average_of(const TA& sum, int count, std::false_type /*integer*/) {
#pragma HLS INLINE
  return static_cast<TA>(sum / static_cast<TA>(count));
}

// round_half_even(sum / count) for integers.
template <typename TA>
inline TA average_of(const TA& sum, int count, std::true_type /*integer*/) {
#pragma HLS INLINE
  const std::int64_t s = static_cast<std::int64_t>(sum);
  std::int64_t q = s / count;
  std::int64_t r = s % count;  // same sign as s
  if (r < 0) {  // floor division
    q -= 1;
    r += count;
  }
  if (2 * r > count || (2 * r == count && (q & 1))) q += 1;
  return static_cast<TA>(q);
}

template <typename TA>
inline TA average_of(const TA& sum, int count) {
#pragma HLS INLINE
  return average_of<TA>(sum, count, std::integral_constant<bool, is_integer_type<TA>::value>());
}

// Window positions of one axis inside [0, in) for output index o.
constexpr int valid_taps(int o, int stride, int pad, int kernel, int dilation, int in) {
  int count = 0;
  for (int k = 0; k < kernel; ++k) {
    const int i = o * stride - pad + k * dilation;
    if (i >= 0 && i < in) ++count;
  }
  return count;
}

}  // namespace detail

// WCFG: the window_config that produced the input; TA: accumulation type (wide enough for
// the window sum for average pooling); TO: output type.
template <typename WCFG, pool_kind KIND, bool COUNT_INCLUDE_PAD, typename TI, typename TA, typename TO>
void pool(hls::stream<word<TI, WCFG::SIMD>>& in, hls::stream<word<TO, WCFG::SIMD>>& out) {
  static_assert(WCFG::GROUPS == 1, "pooling reads windows in (ky, kx, channel) order");
  constexpr int KERNEL = WCFG::K_H * WCFG::K_W;
  word<TA, WCFG::SIMD> acc[WCFG::FOLDS];
out_rows:
  for (int oy = 0; oy < WCFG::OUT_H; ++oy) {
  out_cols:
    for (int ox = 0; ox < WCFG::OUT_W; ++ox) {
      const int count =
          COUNT_INCLUDE_PAD
              ? KERNEL
              : detail::valid_taps(oy, WCFG::STRIDE_H, WCFG::PAD_TOP, WCFG::K_H, WCFG::DILATION_H, WCFG::IN_H) *
                    detail::valid_taps(ox, WCFG::STRIDE_W, WCFG::PAD_LEFT, WCFG::K_W, WCFG::DILATION_W, WCFG::IN_W);
    kernel:
      for (int k = 0; k < KERNEL; ++k) {
      folds:
        for (int f = 0; f < WCFG::FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
          const word<TI, WCFG::SIMD> x = in.read();
          word<TA, WCFG::SIMD> a;
          word<TO, WCFG::SIMD> y;
          for (int s = 0; s < WCFG::SIMD; ++s) {
#pragma HLS UNROLL
            const TA v = static_cast<TA>(x.data[s]);
            if (KIND == pool_kind::max) {  // a constant: one branch is built
              a.data[s] = (k == 0 || acc[f].data[s] < v) ? v : acc[f].data[s];
              y.data[s] = static_cast<TO>(a.data[s]);
            } else {
              a.data[s] = k == 0 ? v : static_cast<TA>(acc[f].data[s] + v);
              y.data[s] = static_cast<TO>(detail::average_of<TA>(a.data[s], count));
            }
          }
          acc[f] = a;
          if (k == KERNEL - 1) out.write(y);
        }
      }
    }
  }
}

// Global pooling over all PIXELS of a frame: one output pixel of CHANNELS.
// Cycles per frame: PIXELS * FOLDS.
template <typename SHAPE, pool_kind KIND, typename TI, typename TA, typename TO>
void global_pool(hls::stream<word<TI, SHAPE::SIMD>>& in, hls::stream<word<TO, SHAPE::SIMD>>& out) {
  word<TA, SHAPE::SIMD> acc[SHAPE::FOLDS];
pixels:
  for (int pix = 0; pix < SHAPE::PIXELS; ++pix) {
  folds:
    for (int f = 0; f < SHAPE::FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
      const word<TI, SHAPE::SIMD> x = in.read();
      word<TA, SHAPE::SIMD> a;
      word<TO, SHAPE::SIMD> y;
      for (int s = 0; s < SHAPE::SIMD; ++s) {
#pragma HLS UNROLL
        const TA v = static_cast<TA>(x.data[s]);
        if (KIND == pool_kind::max) {  // a constant: one branch is built
          a.data[s] = (pix == 0 || acc[f].data[s] < v) ? v : acc[f].data[s];
          y.data[s] = static_cast<TO>(a.data[s]);
        } else {
          a.data[s] = pix == 0 ? v : static_cast<TA>(acc[f].data[s] + v);
          y.data[s] = static_cast<TO>(detail::average_of<TA>(a.data[s], SHAPE::PIXELS));
        }
      }
      acc[f] = a;
      if (pix == SHAPE::PIXELS - 1) out.write(y);
    }
  }
}

// Global average pooling of int8 values into another quantization (a model that gives the
// mean its own scale): y = clamp(zo + round_half_even((sum(x) - PIXELS*zi) * M / 2^R), lo, hi),
// M / 2^R = s_in / (s_out * PIXELS), the arithmetic of requant.h. Cycles per frame: PIXELS * FOLDS.
template <typename SHAPE, typename TI, typename TO>
void global_average_requantized(hls::stream<word<TI, SHAPE::SIMD>>& in, hls::stream<word<TO, SHAPE::SIMD>>& out,
                                const requant_params params, const std::int32_t zero_point_in,
                                const requant_output output) {
  word<std::int32_t, SHAPE::SIMD> acc[SHAPE::FOLDS];
pixels:
  for (int pix = 0; pix < SHAPE::PIXELS; ++pix) {
  folds:
    for (int f = 0; f < SHAPE::FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
      const word<TI, SHAPE::SIMD> x = in.read();
      word<std::int32_t, SHAPE::SIMD> a;
      word<TO, SHAPE::SIMD> y;
      for (int s = 0; s < SHAPE::SIMD; ++s) {
#pragma HLS UNROLL
        const std::int32_t v = static_cast<std::int32_t>(x.data[s]) - zero_point_in;
        a.data[s] = pix == 0 ? v : acc[f].data[s] + v;
        y.data[s] = static_cast<TO>(requantize_value(static_cast<std::int64_t>(a.data[s]), params.multiplier,
                                                     params.shift, output.zero_point, output.lo, output.hi));
      }
      acc[f] = a;
      if (pix == SHAPE::PIXELS - 1) out.write(y);
    }
  }
}

}  // namespace zynqnn_hls
