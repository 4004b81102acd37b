// A tiny generated-style C-simulation library: adds 1 to every word of a packet.
// Built three times: as a good library and, through the macros below, with a wrong ABI
// version and with an unsupported stream width, to test the loader's checks.
#include <ap_axi_sdata.h>
#include <hls_stream.h>

#include "zynqnn/board/virtual/pl_kernel_abi.h"

#ifndef TEST_ABI_VERSION
#define TEST_ABI_VERSION ZYNQNN_PL_KERNEL_ABI_VERSION
#endif
#ifndef TEST_INPUT_BITS
#define TEST_INPUT_BITS 32
#endif

namespace {

using Word = ap_axiu<32, 0, 0, 0>;

void increment_top(hls::stream<Word>& in, hls::stream<Word>& out) {
  for (;;) {
    Word word = in.read();
    word.data = word.data + 1;
    out.write(word);
    if (word.last) break;
  }
}

void run_frame(void* const* inputs, void* const* outputs) {
  increment_top(*static_cast<hls::stream<Word>*>(inputs[0]), *static_cast<hls::stream<Word>*>(outputs[0]));
}

const unsigned kInputBits[] = {TEST_INPUT_BITS};
const unsigned kOutputBits[] = {32};
const zynqnn_pl_kernel_abi kAbi = {TEST_ABI_VERSION, 1, 1, kInputBits, kOutputBits, 100, &run_frame};

}  // namespace

extern "C" const zynqnn_pl_kernel_abi* zynqnn_pl_kernel_v1(void) { return &kAbi; }

ZYNQNN_PL_KERNEL_DEFINE_WAIT_OBSERVER_HOOK()
