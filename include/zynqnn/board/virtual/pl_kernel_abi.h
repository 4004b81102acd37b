/* The plain-C interface a generated C-simulation library exports so that the virtual board
 * can run it on its PL thread (see docs/virtual-board.md). Kept C so that the interface
 * generator can emit it verbatim. */
#ifndef ZYNQNN_BOARD_VIRTUAL_PL_KERNEL_ABI_H
#define ZYNQNN_BOARD_VIRTUAL_PL_KERNEL_ABI_H

#define ZYNQNN_PL_KERNEL_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zynqnn_pl_kernel_abi {
  unsigned abi_version; /* ZYNQNN_PL_KERNEL_ABI_VERSION */
  unsigned num_inputs, num_outputs;
  const unsigned* input_bits;  /* num_inputs entries, each 32 or 64 */
  const unsigned* output_bits; /* num_outputs entries, each 32 or 64 */
  unsigned long long frame_latency_cycles;
  /* One frame. Each void* is an hls::stream<ap_axiu<bits,0,0,0>>* (bits from the arrays above). */
  void (*run_frame)(void* const* inputs, void* const* outputs);
} zynqnn_pl_kernel_abi;

/* Exported by the library. */
const zynqnn_pl_kernel_abi* zynqnn_pl_kernel_v1(void);

/* Optional export: the board calls it on its PL thread before the first frame with the
 * thread's hls::csim::wait_observer*, so that blocking stream operations inside the library
 * are seen by the board's modeled clock even when the library holds its own copy of the
 * C-simulation thread-local state. A C++ library defines it with
 * ZYNQNN_PL_KERNEL_DEFINE_WAIT_OBSERVER_HOOK() after including hls_stream.h. */
void zynqnn_pl_kernel_set_wait_observer_v1(void* observer);

#ifdef __cplusplus
}
/* Exported even from a library built with -fvisibility=hidden: a hook the board cannot find
 * leaves every blocking stream operation of the kernel invisible to modeled time. */
#define ZYNQNN_PL_KERNEL_DEFINE_WAIT_OBSERVER_HOOK()                                            \
  extern "C" __attribute__((visibility("default"))) void zynqnn_pl_kernel_set_wait_observer_v1( \
      void* observer) {                                                                          \
    hls::csim::current_wait_observer = static_cast<hls::csim::wait_observer*>(observer);         \
  }
#endif

#endif /* ZYNQNN_BOARD_VIRTUAL_PL_KERNEL_ABI_H */
