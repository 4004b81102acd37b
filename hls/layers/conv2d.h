#pragma once
// Convolution = sliding_window -> matrix_vector_unit (or depthwise_unit), chained under
// DATAFLOW through a short internal stream. A generated top may also call the two stages
// itself (e.g. to put a width converter or a deeper FIFO between them).
// Cycles per frame (the stages overlap; the slower one bounds the frame):
//   max(window: IN_H*IN_W*FOLDS + OUT_H*OUT_W*K_H*K_W*FOLDS,  MVU: OUT_H*OUT_W*GROUPS*NF*SF)
#include "depthwise.h"
#include "hls_stream.h"
#include "layout.h"
#include "mvu.h"
#include "sliding_window.h"

namespace zynqnn_hls {

// The matrix-vector unit configuration matching a window configuration.
template <typename WCFG, int OUT_CHANNELS, int PE>
using conv_mvu_config = mvu_config<WCFG::OUT_H * WCFG::OUT_W, WCFG::CHANNELS, OUT_CHANNELS, WCFG::K_H,
                                   WCFG::K_W, PE, WCFG::SIMD, WCFG::GROUPS>;

template <typename WCFG>
using conv_depthwise_config =
    depthwise_config<WCFG::OUT_H * WCFG::OUT_W, WCFG::CHANNELS, WCFG::K_H, WCFG::K_W, WCFG::SIMD>;

// Dense or grouped convolution. pad_value: 0, or the input zero point for asymmetric
// quantized inputs (then -zero_point * sum(weights) is folded into the bias). Weights: the
// on-chip ROM `const TW[PE][TILES][SIMD]`, or a stream of PE*SIMD words (from DDR through a
// DMA channel when they do not fit on chip) that carries the whole matrix for every output pixel.
template <typename WCFG, int OUT_CHANNELS, int PE, typename TI, typename TW, typename TA, typename Weights>
void conv2d(hls::stream<word<TI, WCFG::SIMD>>& in, hls::stream<word<TA, PE>>& out, Weights& weights,
            const TA bias[PE][conv_mvu_config<WCFG, OUT_CHANNELS, PE>::GROUPS * conv_mvu_config<WCFG, OUT_CHANNELS, PE>::NF],
            const TI pad_value) {
#pragma HLS DATAFLOW
  hls::stream<word<TI, WCFG::SIMD>> windows("conv2d_windows");
#pragma HLS STREAM variable = windows depth = 2
  sliding_window<WCFG>(in, windows, pad_value);
  detail::mvu_loops<conv_mvu_config<WCFG, OUT_CHANNELS, PE>, TI, TW, TA>(windows, out, weights, bias);
}

// Depthwise convolution (GROUPS == CHANNELS, multiplier 1); WCFG must have GROUPS = 1
// (the depthwise unit reads windows in (ky, kx, channel) order).
template <typename WCFG, typename TI, typename TW, typename TA>
void depthwise_conv2d(hls::stream<word<TI, WCFG::SIMD>>& in, hls::stream<word<TA, WCFG::SIMD>>& out,
                      const TW (&weights)[WCFG::SIMD][WCFG::FOLDS * WCFG::K_H * WCFG::K_W],
                      const TA (&bias)[WCFG::SIMD][WCFG::FOLDS], const TI pad_value) {
  static_assert(WCFG::GROUPS == 1, "the depthwise unit reads windows in (ky, kx, channel) order");
#pragma HLS DATAFLOW
  hls::stream<word<TI, WCFG::SIMD>> windows("depthwise_windows");
#pragma HLS STREAM variable = windows depth = 2
  sliding_window<WCFG>(in, windows, pad_value);
  depthwise_unit<conv_depthwise_config<WCFG>, TI, TW, TA>(windows, out, weights, bias);
}

}  // namespace zynqnn_hls
