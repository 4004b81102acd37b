#pragma once
// DMA memory from one u-dma-buf region (/dev/udmabufN, a physically contiguous CMA block).
// The region is mapped once; DmaBuffers are carved out of it by a first-fit free list that
// honours the alignment of the *physical* address. Every buffer starts on and spans whole
// 64-byte blocks so that a cache invalidation for one buffer never discards another
// buffer's dirty line (Cortex-A9 L1/L2 lines are 32 bytes).
//
// Cache maintenance goes through sysfs (/sys/class/u-dma-buf/udmabufN): sync_offset,
// sync_size and sync_direction select the range, then writing 1 to sync_for_device
// (direction 1, DMA_TO_DEVICE: flush) or sync_for_cpu (direction 2, DMA_FROM_DEVICE:
// invalidate) hands it over. Those attributes are shared by the whole region, so the four
// writes happen under one lock. Nothing is synced when the region is mapped uncached
// (O_SYNC) or the driver reports dma_coherent = 1.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "zynqnn/runtime/dma_buffer.hpp"

namespace zynqnn::pynq_board {

struct UdmabufOptions {
  std::string name = "udmabuf0";
  std::filesystem::path dev_root = "/dev";
  std::filesystem::path sys_root = "/sys";
  // true: cached mapping plus explicit sync; false: open with O_SYNC (uncached, no sync).
  bool cached = true;
};

class UdmabufMemory final : public DmaMemory {
 public:
  static constexpr std::size_t kBlockBytes = 64;

  explicit UdmabufMemory(const UdmabufOptions& options);
  ~UdmabufMemory() override;

  std::unique_ptr<DmaBuffer> allocate(std::size_t bytes, std::size_t alignment = 64) override;

  std::uint64_t physical_address() const noexcept;
  std::size_t size() const noexcept;
  std::size_t bytes_free() const;
  // Whether buffers sync their range through sysfs (false when uncached or coherent).
  bool syncs_caches() const noexcept;

  struct Region;  // shared by the memory and its buffers, which may outlive it

 private:
  std::shared_ptr<Region> region_;
};

}  // namespace zynqnn::pynq_board
