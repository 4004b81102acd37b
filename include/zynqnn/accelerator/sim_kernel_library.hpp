#pragma once
// A generated kernel's C-simulation library (OUT/sim/libkernel.so, written by `zynqnn
// generate` or `zynqnn compile`) called directly on the calling thread through the PL kernel
// ABI (zynqnn_pl_kernel_v1, pl_kernel_abi.h): one frame = the input streams' DMA words in,
// the output streams' words out, TLAST checked. This is the kernel's own HLS C++ on the CPU:
// the reference of fault campaigns and the watchdog's CPU fallback.
//
// Not thread-safe: one thread runs frames on one instance (the streams are reused).
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

namespace zynqnn {

class SimKernelLibrary {
 public:
  // dlopen()s the library and checks the ABI version and stream widths (32 or 64);
  // Error(io / not_found / unsupported) naming the library otherwise.
  explicit SimKernelLibrary(const std::filesystem::path& library);
  ~SimKernelLibrary();
  SimKernelLibrary(const SimKernelLibrary&) = delete;
  SimKernelLibrary& operator=(const SimKernelLibrary&) = delete;

  std::size_t num_inputs() const noexcept;
  std::size_t num_outputs() const noexcept;
  unsigned input_bits(std::size_t i) const;
  unsigned output_bits(std::size_t j) const;
  const std::filesystem::path& path() const noexcept;

  // One frame. Each input holds whole words of its stream (TLAST is set on the last one);
  // each output receives exactly its size in words. Error(invalid_argument) for a wrong
  // count or a size that is not whole words; Error(dma_error) naming the output when the
  // kernel writes fewer or more words than the output holds or puts TLAST elsewhere than on
  // the last word. Nothing is left in the streams after an error.
  void run_frame(std::span<const std::span<const std::byte>> inputs, std::span<const std::span<std::byte>> outputs);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zynqnn
