// The benchmark kernel: 784 uint8 in (an MNIST-sized image), 10 float32 out (40 bytes):
// the sum of each tenth of the input. Instant in modeled time, so a benchmark measures the
// software path, not the kernel.
#include <ap_int.h>
#include <hls_stream.h>
#include <stdint.h>

void bench_compute(hls::stream<uint8_t>& image, hls::stream<float>& scores) {
  float sums[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
read_pixels:
  for (int i = 0; i < 784; ++i) {
#pragma HLS PIPELINE II = 1
    sums[(i * 10) / 784] += image.read();
  }
write_scores:
  for (int k = 0; k < 10; ++k) {
#pragma HLS PIPELINE II = 1
    scores.write(sums[k]);
  }
}
