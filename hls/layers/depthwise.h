#pragma once
// Depthwise vector-vector unit (FINN's VVAU): a depthwise convolution (GROUPS == CHANNELS,
// one output channel per input channel) fed by sliding_window with GROUPS = 1. Each cycle
// multiply-accumulates SIMD channels of one kernel position; the per-channel accumulators of
// a pixel live in a small buffer and leave as soon as the last kernel position is added.
//
// weights[SIMD][FOLDS*K_H*K_W] at [s][f*K_H*K_W + ky*K_W + kx] for channel f*SIMD + s;
// bias[SIMD][FOLDS]. Output: words of SIMD accumulators, FOLDS per pixel.
// Cycles per frame: PIXELS * K_H*K_W * FOLDS,  FOLDS = CHANNELS/SIMD
#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

template <int PIXELS_, int CHANNELS_, int K_H_, int K_W_, int SIMD_>
struct depthwise_config {
  static constexpr int PIXELS = PIXELS_, CHANNELS = CHANNELS_, K_H = K_H_, K_W = K_W_, SIMD = SIMD_;
  static constexpr int FOLDS = CHANNELS / SIMD;
  static constexpr int KERNEL = K_H * K_W;
  static_assert(divides(SIMD, CHANNELS), "SIMD must divide CHANNELS");
};

template <typename CFG, typename TI, typename TW, typename TA>
void depthwise_unit(hls::stream<word<TI, CFG::SIMD>>& in, hls::stream<word<TA, CFG::SIMD>>& out,
                    const TW (&weights)[CFG::SIMD][CFG::FOLDS * CFG::KERNEL],
                    const TA (&bias)[CFG::SIMD][CFG::FOLDS]) {
  word<TA, CFG::SIMD> acc[CFG::FOLDS];
pixels:
  for (int pix = 0; pix < CFG::PIXELS; ++pix) {
  kernel:
    for (int k = 0; k < CFG::KERNEL; ++k) {
    folds:
      for (int f = 0; f < CFG::FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
        const word<TI, CFG::SIMD> x = in.read();
        word<TA, CFG::SIMD> a;
        for (int s = 0; s < CFG::SIMD; ++s) {
#pragma HLS UNROLL
          const TA base = k == 0 ? bias[s][f] : acc[f].data[s];
          a.data[s] = base + static_cast<TA>(x.data[s] * weights[s][f * CFG::KERNEL + k]);
        }
        acc[f] = a;
        if (k == CFG::KERNEL - 1) out.write(a);
      }
    }
  }
}

}  // namespace zynqnn_hls
