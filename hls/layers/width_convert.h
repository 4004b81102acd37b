#pragma once
// Stream width converter: words of IN_N elements to words of OUT_N elements, element order
// preserved (FINN's StreamingDataWidthConverter). One of IN_N, OUT_N must divide the other.
// ELEMENTS per frame must be a multiple of both.
// Cycles per frame: ELEMENTS / min(IN_N, OUT_N) (the narrow side moves one word per cycle).
#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

namespace detail {

enum class width_change { same, split, join };

constexpr width_change change_of(int in_n, int out_n) {
  return in_n == out_n ? width_change::same : in_n > out_n ? width_change::split : width_change::join;
}

// One specialization per direction (C++14: no if constexpr).
template <int ELEMENTS, int IN_N, int OUT_N, typename T, width_change CHANGE>
struct width_converter;

template <int ELEMENTS, int IN_N, int OUT_N, typename T>
struct width_converter<ELEMENTS, IN_N, OUT_N, T, width_change::same> {
  static void run(hls::stream<word<T, IN_N>>& in, hls::stream<word<T, OUT_N>>& out) {
  copy:
    for (int i = 0; i < ELEMENTS / IN_N; ++i) {
#pragma HLS PIPELINE II = 1
      out.write(in.read());
    }
  }
};

template <int ELEMENTS, int IN_N, int OUT_N, typename T>
struct width_converter<ELEMENTS, IN_N, OUT_N, T, width_change::split> {
  static void run(hls::stream<word<T, IN_N>>& in, hls::stream<word<T, OUT_N>>& out) {
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
  }
};

template <int ELEMENTS, int IN_N, int OUT_N, typename T>
struct width_converter<ELEMENTS, IN_N, OUT_N, T, width_change::join> {
  static void run(hls::stream<word<T, IN_N>>& in, hls::stream<word<T, OUT_N>>& out) {
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
};

}  // namespace detail

template <int ELEMENTS, int IN_N, int OUT_N, typename T>
void convert_width(hls::stream<word<T, IN_N>>& in, hls::stream<word<T, OUT_N>>& out) {
  static_assert(divides(IN_N, OUT_N) || divides(OUT_N, IN_N), "one width must divide the other");
  static_assert(divides(IN_N, ELEMENTS) && divides(OUT_N, ELEMENTS), "a frame is whole words on both sides");
#pragma HLS INLINE
  detail::width_converter<ELEMENTS, IN_N, OUT_N, T, detail::change_of(IN_N, OUT_N)>::run(in, out);
}

}  // namespace zynqnn_hls
