#pragma once
// Duplicates a stream into two (the fork of a residual connection): each word read once,
// written to both outputs. Under DATAFLOW the two consumers run concurrently, so the FIFO on
// the short branch must be deep enough to cover the long branch's latency (sized by the
// generator; C-simulation streams are unbounded).
// Cycles per frame: WORDS.
#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

template <int WORDS, typename T, int N>
void duplicate_stream(hls::stream<word<T, N>>& in, hls::stream<word<T, N>>& out_a,
                      hls::stream<word<T, N>>& out_b) {
words:
  for (int i = 0; i < WORDS; ++i) {
#pragma HLS PIPELINE II = 1
    const word<T, N> w = in.read();
    out_a.write(w);
    out_b.write(w);
  }
}

}  // namespace zynqnn_hls
