#pragma once
// Channel concatenation of two NHWC streams with the same pixels and word width:
// per pixel, the CHANNELS_A/SIMD words of `a` then the CHANNELS_B/SIMD words of `b`.
// Cycles per frame: PIXELS * (CHANNELS_A + CHANNELS_B)/SIMD.
#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

template <int PIXELS, int CHANNELS_A, int CHANNELS_B, int SIMD, typename T>
void concat_channels(hls::stream<word<T, SIMD>>& a, hls::stream<word<T, SIMD>>& b,
                     hls::stream<word<T, SIMD>>& out) {
  static_assert(divides(SIMD, CHANNELS_A) && divides(SIMD, CHANNELS_B), "SIMD must divide both channel counts");
  constexpr int FOLDS_A = CHANNELS_A / SIMD;
  constexpr int FOLDS = FOLDS_A + CHANNELS_B / SIMD;
pixels:
  for (int pix = 0; pix < PIXELS; ++pix) {
  folds:
    for (int f = 0; f < FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
      out.write(f < FOLDS_A ? a.read() : b.read());
    }
  }
}

}  // namespace zynqnn_hls
