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

#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn {

class SimKernelLibrary {
 public:
  // dlopen()s the library and checks the ABI version and stream widths (32 or 64);
  // Error(io / not_found / unsupported) naming the library otherwise.
  explicit SimKernelLibrary(const std::filesystem::path& library);
  // The manifest's kernel (artifacts.sim_library under `manifest_folder`) with each constant
  // stream's frame loaded from its file (manifest::load_constant_frame): run_frame then takes
  // only the inputs a caller fills (Manifest::inputs()) and passes each constant frame in its
  // manifest position, as the PL kernel ABI expects. Error(invalid_argument) when the library
  // and the manifest disagree on the stream counts.
  SimKernelLibrary(const manifest::Manifest& manifest, const std::filesystem::path& manifest_folder);
  ~SimKernelLibrary();
  SimKernelLibrary(const SimKernelLibrary&) = delete;
  SimKernelLibrary& operator=(const SimKernelLibrary&) = delete;

  std::size_t num_inputs() const noexcept;         // every input of the kernel (the ABI's)
  std::size_t num_caller_inputs() const noexcept;  // those run_frame takes: constants left out
  std::size_t num_outputs() const noexcept;
  unsigned input_bits(std::size_t i) const;
  unsigned output_bits(std::size_t j) const;
  const std::filesystem::path& path() const noexcept;

  // One frame. `inputs` are the caller's (num_caller_inputs()). Each input holds whole words of its stream (TLAST is set on the last one);
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
