#pragma once
// Stream width converter: words of IN_N elements to words of OUT_N elements, element order
// preserved (FINN's StreamingDataWidthConverter). One of IN_N, OUT_N must divide the other.
// ELEMENTS per frame must be a multiple of both.
// Cycles per frame: ELEMENTS / min(IN_N, OUT_N) (the narrow side moves one word per cycle).
#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

template <int ELEMENTS, int IN_N, int OUT_N, typename T>
void convert_width(hls::stream<word<T, IN_N>>& in, hls::stream<word<T, OUT_N>>& out) {
  static_assert(divides(IN_N, OUT_N) || divides(OUT_N, IN_N), "one width must divide the other");
  static_assert(divides(IN_N, ELEMENTS) && divides(OUT_N, ELEMENTS), "a frame is whole words on both sides");
  if constexpr (IN_N == OUT_N) {
  copy:
    for (int i = 0; i < ELEMENTS / IN_N; ++i) {
#pragma HLS PIPELINE II = 1
      out.write(in.read());
    }
  } else if constexpr (IN_N > OUT_N) {
    constexpr int PARTS = IN_N / OUT_N;
    word<T, IN_N> wide;
  split:
    for (int i = 0; i < ELEMENTS / OUT_N; ++i) {
#pragma HLS PIPELINE II = 1
      const int part = i % PARTS;
      if (part == 0) wide = in.read();
      word<T, OUT_N> narrow;
      for (int j = 0; j < OUT_N; ++j) {
#pragma HLS UNROLL
        narrow.data[j] = wide.data[part * OUT_N + j];
      }
      out.write(narrow);
    }
  } else {
    constexpr int PARTS = OUT_N / IN_N;
    word<T, OUT_N> wide;
  join:
    for (int i = 0; i < ELEMENTS / IN_N; ++i) {
#pragma HLS PIPELINE II = 1
      const int part = i % PARTS;
      const word<T, IN_N> narrow = in.read();
      for (int j = 0; j < IN_N; ++j) {
#pragma HLS UNROLL
        wide.data[part * IN_N + j] = narrow.data[j];
      }
      if (part == PARTS - 1) out.write(wide);
    }
  }
}

}  // namespace zynqnn_hls
