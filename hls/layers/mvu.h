#pragma once
// Matrix-vector unit (FINN's MVAU) with PE/SIMD folding: the compute engine of convolution
// (fed by sliding_window) and of fully connected layers (PIXELS = 1, K = 1).
//
// Per output pixel and group it multiplies the (OUT_CHANNELS/GROUPS) x (K_H*K_W*IN_CHANNELS/GROUPS)
// weight matrix by the window vector: PE output channels in parallel, SIMD inputs each, so one
// cycle does PE*SIMD multiply-accumulates. The input vector is read from the stream during the
// first neuron fold and replayed from a small buffer for the others. Output words carry PE
// accumulators (bias added); requantization or an activation follows as its own layer.
//
// Weights: `weights[PE][TILES][SIMD]` on chip (the generated top declares it `static const`
// with ARRAY_PARTITION on dims 1 and 3), or the streamed variant reads one PE*SIMD word per
// cycle from a weight stream (DDR through a DMA) for layers whose weights do not fit.
// Layout: weight_layout.h.
//
// Cycles per frame: PIXELS * GROUPS * NF * SF,  NF = (OUT_CHANNELS/GROUPS)/PE,
//                   SF = K_H*K_W*(IN_CHANNELS/GROUPS)/SIMD
#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

template <int PIXELS_, int IN_CHANNELS_, int OUT_CHANNELS_, int K_H_, int K_W_, int PE_, int SIMD_,
          int GROUPS_ = 1>
struct mvu_config {
  static constexpr int PIXELS = PIXELS_, IN_CHANNELS = IN_CHANNELS_, OUT_CHANNELS = OUT_CHANNELS_;
  static constexpr int K_H = K_H_, K_W = K_W_, PE = PE_, SIMD = SIMD_, GROUPS = GROUPS_;
  static constexpr int NF = (OUT_CHANNELS / GROUPS) / PE;
  static constexpr int SF = K_H * K_W * (IN_CHANNELS / GROUPS) / SIMD;
  static constexpr int TILES = GROUPS * NF * SF;
  static_assert(divides(GROUPS, IN_CHANNELS) && divides(GROUPS, OUT_CHANNELS),
                "GROUPS must divide both channel counts");
  static_assert(divides(PE, OUT_CHANNELS / GROUPS), "PE must divide OUT_CHANNELS/GROUPS");
  static_assert(divides(SIMD, IN_CHANNELS / GROUPS), "SIMD must divide IN_CHANNELS/GROUPS");
  static_assert(PIXELS > 0 && K_H > 0 && K_W > 0, "positive sizes");
};

namespace detail {

// The weights of one tile, from an on-chip ROM...
template <typename CFG, typename TW>
inline void fetch_tile(const TW (&rom)[CFG::PE][CFG::TILES][CFG::SIMD], int tile,
                       TW w[CFG::PE][CFG::SIMD]) {
#pragma HLS INLINE
  for (int p = 0; p < CFG::PE; ++p) {
#pragma HLS UNROLL
    for (int s = 0; s < CFG::SIMD; ++s) {
#pragma HLS UNROLL
      w[p][s] = rom[p][tile][s];
    }
  }
}

// ...or from a weight stream (one PE*SIMD word per tile, in tile order).
template <typename CFG, typename TW>
inline void fetch_tile(hls::stream<word<TW, CFG::PE * CFG::SIMD>>& weight_stream, int,
                       TW w[CFG::PE][CFG::SIMD]) {
#pragma HLS INLINE
  const word<TW, CFG::PE * CFG::SIMD> tile_weights = weight_stream.read();
  for (int p = 0; p < CFG::PE; ++p) {
#pragma HLS UNROLL
    for (int s = 0; s < CFG::SIMD; ++s) {
#pragma HLS UNROLL
      w[p][s] = tile_weights.data[p * CFG::SIMD + s];
    }
  }
}

// The loop nest shared by both weight sources.
template <typename CFG, typename TI, typename TW, typename TA, typename WeightSource>
void mvu_loops(hls::stream<word<TI, CFG::SIMD>>& in, hls::stream<word<TA, CFG::PE>>& out,
               WeightSource& weights, const TA bias[CFG::PE][CFG::GROUPS * CFG::NF]) {
#pragma HLS INLINE
  word<TI, CFG::SIMD> input_buffer[CFG::SF];
  TA acc[CFG::PE];
#pragma HLS ARRAY_PARTITION variable = acc complete
pixels:
  for (int pix = 0; pix < CFG::PIXELS; ++pix) {
  groups:
    for (int g = 0; g < CFG::GROUPS; ++g) {
    neuron_folds:
      for (int nf = 0; nf < CFG::NF; ++nf) {
      synapse_folds:
        for (int sf = 0; sf < CFG::SF; ++sf) {
#pragma HLS PIPELINE II = 1
          word<TI, CFG::SIMD> x;
          if (nf == 0) {
            x = in.read();
            input_buffer[sf] = x;
          } else {
            x = input_buffer[sf];
          }
          const int tile = (g * CFG::NF + nf) * CFG::SF + sf;
          TW w[CFG::PE][CFG::SIMD];
#pragma HLS ARRAY_PARTITION variable = w complete dim = 0
          fetch_tile<CFG, TW>(weights, tile, w);
          word<TA, CFG::PE> y;
          for (int p = 0; p < CFG::PE; ++p) {
#pragma HLS UNROLL
            TA sum = sf == 0 ? bias[p][g * CFG::NF + nf] : acc[p];
            for (int s = 0; s < CFG::SIMD; ++s) {
#pragma HLS UNROLL
              sum += static_cast<TA>(x.data[s] * w[p][s]);  // product at its natural width
            }
            acc[p] = sum;
            y.data[p] = sum;
          }
          if (sf == CFG::SF - 1) out.write(y);
        }
      }
    }
  }
}

}  // namespace detail

// Weights in an on-chip ROM.
template <typename CFG, typename TI, typename TW, typename TA>
void matrix_vector_unit(hls::stream<word<TI, CFG::SIMD>>& in, hls::stream<word<TA, CFG::PE>>& out,
                        const TW (&weights)[CFG::PE][CFG::TILES][CFG::SIMD],
                        const TA bias[CFG::PE][CFG::GROUPS * CFG::NF]) {
  detail::mvu_loops<CFG, TI, TW, TA>(in, out, weights, bias);
}

// Weights streamed in: one word of PE*SIMD weights per cycle, in tile order, once per pixel.
template <typename CFG, typename TI, typename TW, typename TA>
void matrix_vector_unit_streamed(hls::stream<word<TI, CFG::SIMD>>& in,
                                 hls::stream<word<TA, CFG::PE>>& out,
                                 hls::stream<word<TW, CFG::PE * CFG::SIMD>>& weights,
                                 const TA bias[CFG::PE][CFG::GROUPS * CFG::NF]) {
  detail::mvu_loops<CFG, TI, TW, TA>(in, out, weights, bias);
}

}  // namespace zynqnn_hls
