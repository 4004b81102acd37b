#pragma once
// Requantization layer: a stream of accumulators (int32, bias added) to narrow integers,
// per-channel multiplier and shift, one output zero point, output range [lo, hi] (a fused
// ReLU is lo = max(qmin, zero_point); a fused Clip any [lo, hi]). Arithmetic: requant.h.
// params[SIMD][FOLDS] at [s][f] for channel f*SIMD + s.
// Cycles per frame: PIXELS * FOLDS.
#include <cstdint>

#include "hls_stream.h"
#include "layout.h"
#include "requant.h"

namespace zynqnn_hls {

struct requant_output {
  std::int32_t zero_point;
  std::int32_t lo;
  std::int32_t hi;
};

template <typename SHAPE, typename TA, typename TO>
void requantize(hls::stream<word<TA, SHAPE::SIMD>>& in, hls::stream<word<TO, SHAPE::SIMD>>& out,
                const requant_params (&params)[SHAPE::SIMD][SHAPE::FOLDS], const requant_output output) {
pixels:
  for (int pix = 0; pix < SHAPE::PIXELS; ++pix) {
  folds:
    for (int f = 0; f < SHAPE::FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
      const word<TA, SHAPE::SIMD> x = in.read();
      word<TO, SHAPE::SIMD> y;
      for (int s = 0; s < SHAPE::SIMD; ++s) {
#pragma HLS UNROLL
        y.data[s] = static_cast<TO>(requantize_value(static_cast<std::int64_t>(x.data[s]), params[s][f].multiplier,
                                                     params[s][f].shift, output.zero_point, output.lo, output.hi));
      }
      out.write(y);
    }
  }
}

}  // namespace zynqnn_hls
