#pragma once
// Sliding-window generator (FINN's ConvolutionInputGenerator): turns an NHWC pixel stream
// into, for every output pixel, the K_H x K_W window of input words a convolution or a
// pooling unit consumes. A line buffer holds the (K_H-1)*D_H+1 input rows the current
// window row spans; zero padding (or any pad value, e.g. the input zero point or the
// lowest value for max pooling) is inserted in the stream, never stored.
//
// Output order per output pixel (oy, ox): for g in GROUPS, ky in K_H, kx in K_W,
// f in FOLDS/GROUPS: the word of channels (g*FOLDS/GROUPS + f)*SIMD .. +SIMD-1 at input
// position (oy*S_H - PAD_TOP + ky*D_H, ox*S_W - PAD_LEFT + kx*D_W). With GROUPS = 1 that
// is the usual (ky, kx, channel) order; with GROUPS > 1 each group's window is contiguous,
// which is what the grouped matrix-vector unit reads.
//
// Cycles per frame (II=1 loops, reading and emitting are not overlapped within one row):
//   IN_H*IN_W*FOLDS + OUT_H*OUT_W*K_H*K_W*FOLDS
#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

template <int IN_H_, int IN_W_, int CHANNELS_, int SIMD_, int K_H_, int K_W_, int STRIDE_H_ = 1,
          int STRIDE_W_ = 1, int PAD_TOP_ = 0, int PAD_LEFT_ = 0, int PAD_BOTTOM_ = 0,
          int PAD_RIGHT_ = 0, int DILATION_H_ = 1, int DILATION_W_ = 1, int GROUPS_ = 1>
struct window_config {
  static constexpr int IN_H = IN_H_, IN_W = IN_W_, CHANNELS = CHANNELS_, SIMD = SIMD_;
  static constexpr int K_H = K_H_, K_W = K_W_, STRIDE_H = STRIDE_H_, STRIDE_W = STRIDE_W_;
  static constexpr int PAD_TOP = PAD_TOP_, PAD_LEFT = PAD_LEFT_, PAD_BOTTOM = PAD_BOTTOM_,
                       PAD_RIGHT = PAD_RIGHT_;
  static constexpr int DILATION_H = DILATION_H_, DILATION_W = DILATION_W_, GROUPS = GROUPS_;
  static constexpr int OUT_H = (IN_H + PAD_TOP + PAD_BOTTOM - DILATION_H * (K_H - 1) - 1) / STRIDE_H + 1;
  static constexpr int OUT_W = (IN_W + PAD_LEFT + PAD_RIGHT - DILATION_W * (K_W - 1) - 1) / STRIDE_W + 1;
  static constexpr int FOLDS = CHANNELS / SIMD;
  static constexpr int BUFFER_ROWS = DILATION_H * (K_H - 1) + 1;
  static_assert(divides(SIMD, CHANNELS), "SIMD must divide CHANNELS");
  static_assert(divides(GROUPS, CHANNELS), "GROUPS must divide CHANNELS");
  static_assert(divides(SIMD, CHANNELS / GROUPS), "SIMD must divide CHANNELS/GROUPS");
  static_assert(K_H > 0 && K_W > 0 && STRIDE_H > 0 && STRIDE_W > 0 && DILATION_H > 0 && DILATION_W > 0,
                "kernel, stride and dilation are positive");
  static_assert(PAD_TOP >= 0 && PAD_LEFT >= 0 && PAD_BOTTOM >= 0 && PAD_RIGHT >= 0, "pads are >= 0");
  static_assert(OUT_H > 0 && OUT_W > 0, "the window does not fit the padded input");
};

template <typename CFG, typename T>
void sliding_window(hls::stream<word<T, CFG::SIMD>>& in, hls::stream<word<T, CFG::SIMD>>& out,
                    const T pad_value) {
  using word_t = word<T, CFG::SIMD>;
  constexpr int ROWS = CFG::BUFFER_ROWS;
  constexpr int GROUP_FOLDS = CFG::FOLDS / CFG::GROUPS;
  // The line buffer: local, not static, so that two layers with the same configuration can
  // run concurrently in C-simulation. Every slot is written in a frame before it is read.
  // (On the host it lives on the stack: ROWS*IN_W*CHANNELS elements.)
  word_t line_buffer[ROWS][CFG::IN_W][CFG::FOLDS];
#pragma HLS BIND_STORAGE variable = line_buffer type = ram_s2p impl = bram
  word_t pad_word;
  for (int i = 0; i < CFG::SIMD; ++i) {
#pragma HLS UNROLL
    pad_word.data[i] = pad_value;
  }

  int rows_read = 0;
out_rows:
  for (int oy = 0; oy < CFG::OUT_H; ++oy) {
    const int last_row = oy * CFG::STRIDE_H - CFG::PAD_TOP + (CFG::K_H - 1) * CFG::DILATION_H;
    const int rows_needed = min_int(CFG::IN_H, last_row + 1);
  fill_rows:
    for (; rows_read < rows_needed; ++rows_read) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = CFG::IN_H
    fill_pixels:
      for (int x = 0; x < CFG::IN_W; ++x) {
      fill_folds:
        for (int f = 0; f < CFG::FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
          line_buffer[rows_read % ROWS][x][f] = in.read();
        }
      }
    }
  emit_pixels:
    for (int ox = 0; ox < CFG::OUT_W; ++ox) {
    emit_groups:
      for (int g = 0; g < CFG::GROUPS; ++g) {
      emit_ky:
        for (int ky = 0; ky < CFG::K_H; ++ky) {
        emit_kx:
          for (int kx = 0; kx < CFG::K_W; ++kx) {
          emit_folds:
            for (int f = 0; f < GROUP_FOLDS; ++f) {
#pragma HLS PIPELINE II = 1
              const int iy = oy * CFG::STRIDE_H - CFG::PAD_TOP + ky * CFG::DILATION_H;
              const int ix = ox * CFG::STRIDE_W - CFG::PAD_LEFT + kx * CFG::DILATION_W;
              const bool inside = iy >= 0 && iy < CFG::IN_H && ix >= 0 && ix < CFG::IN_W;
              out.write(inside ? line_buffer[iy % ROWS][ix][g * GROUP_FOLDS + f] : pad_word);
            }
          }
        }
      }
    }
  }
  // Rows below the last window (a stride that skips them): read so the frame is consumed.
drain_rows:
  for (; rows_read < CFG::IN_H; ++rows_read) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = CFG::IN_H
  drain_words:
    for (int i = 0; i < CFG::IN_W * CFG::FOLDS; ++i) {
#pragma HLS PIPELINE II = 1
      (void)in.read();
    }
  }
}

}  // namespace zynqnn_hls
