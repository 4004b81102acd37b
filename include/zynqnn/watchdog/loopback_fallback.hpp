#pragma once
// The loopback kernel's HLS C++ (the seed paper's pass-through) built for the CPU, as the
// watchdog's fallback for the built-in loopback: 32-bit AXI4-Stream words in, the same words
// out, TLAST on the last one.
#include <ap_axi_sdata.h>
#include <hls_stream.h>

#include "zynqnn/watchdog/watchdog.hpp"

namespace zynqnn::watchdog {

using LoopbackWord = ap_axiu<32, 0, 0, 0>;

// The kernel: copies one packet (up to and including the TLAST word).
void loopback_kernel(hls::stream<LoopbackWord>& in, hls::stream<LoopbackWord>& out);

// A CpuFallback for one input and one output of equal size (a multiple of 4 bytes) that packs
// the input into words, runs loopback_kernel and unpacks the output.
CpuFallback loopback_fallback();

}  // namespace zynqnn::watchdog
