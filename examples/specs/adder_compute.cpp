// Two inputs of different types into one output: sum = a + b (int16 + uint8 -> int32).
#include <stdint.h>

#include "hls_stream.h"

void add_streams(hls::stream<int16_t>& a, hls::stream<uint8_t>& b, hls::stream<int32_t>& sum) {
add_loop:
  for (int i = 0; i < 101; ++i) {
#pragma HLS PIPELINE II=1
    sum.write((int32_t)a.read() + (int32_t)b.read());
  }
}
