// A shared object that is not a kernel library: it lacks zynqnn_pl_kernel_v1.
extern "C" int zynqnn_test_not_a_kernel(void) { return 0; }
