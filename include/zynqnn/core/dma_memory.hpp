#pragma once
// The contiguous DMA memory an accelerator's stream buffers come from, every stream's frame
// at once when it opens. The virtual board's simulated DDR has this size; a spec whose frames
// need more is refused before anything is generated (spec/name_rules.hpp). On a board the
// u-dma-buf region's own size (sysfs) is the limit, checked when the accelerator opens.
#include <cstddef>

namespace zynqnn {

inline constexpr std::size_t dma_memory_bytes = std::size_t{64} << 20;
// Each stream buffer starts on this boundary (bytes).
inline constexpr std::size_t dma_buffer_alignment = 64;

// The DMA memory one buffer of `bytes` takes, its alignment padding included.
constexpr std::size_t dma_buffer_footprint(std::size_t bytes) {
  return (bytes + dma_buffer_alignment - 1) / dma_buffer_alignment * dma_buffer_alignment;
}

}  // namespace zynqnn
