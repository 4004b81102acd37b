#pragma once
// The simulated DDR: one block of host memory at fake physical addresses, handed out as
// aligned DmaBuffers from a free list, and read/written by the DMA engines.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "zynqnn/runtime/dma_buffer.hpp"

namespace zynqnn::virtual_board {

class SimulatedDdr final : public DmaMemory, public std::enable_shared_from_this<SimulatedDdr> {
 public:
  SimulatedDdr(std::uint64_t physical_base, std::size_t bytes);

  // Error invalid_argument for 0 bytes or an alignment that is not a power of two;
  // Error out_of_range when no free region fits.
  std::unique_ptr<DmaBuffer> allocate(std::size_t bytes, std::size_t alignment = 64) override;

  // Host pointer to [physical, physical+length) if it lies inside the DDR, else nullptr
  // (what the interconnect answers with a decode error).
  std::byte* translate(std::uint64_t physical, std::uint64_t length) noexcept;

  std::uint64_t physical_base() const noexcept { return base_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t bytes_allocated() const;

  void release(std::size_t offset);  // used by the buffers

 private:
  std::uint64_t base_;
  std::size_t size_;
  std::unique_ptr<std::byte[]> storage_;
  mutable std::mutex mutex_;
  std::map<std::size_t, std::size_t> free_;  // offset -> size, coalesced
  std::map<std::size_t, std::size_t> used_;  // offset -> size
};

}  // namespace zynqnn::virtual_board
