// The mixer example's compute step: y = a + b (int16 + uint8 -> int32), z = 2c (fixed-point,
// wrapping), f = a / 2 as float. One element of each stream per iteration.
#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

void mix(hls::stream<ap_int<16> >& a, hls::stream<ap_uint<8> >& b, hls::stream<ap_fixed<12, 4> >& c,
         hls::stream<int>& y, hls::stream<ap_fixed<12, 4> >& z, hls::stream<float>& f) {
mix_loop:
  for (int i = 0; i < 37; ++i) {
#pragma HLS PIPELINE II=1
    const ap_int<16> av = a.read();
    const ap_uint<8> bv = b.read();
    const ap_fixed<12, 4> cv = c.read();
    y.write(av.to_int() + bv.to_int());
    const ap_fixed<12, 4> doubled = cv + cv;
    z.write(doubled);
    f.write((float)av.to_int() * 0.5f);
  }
}
