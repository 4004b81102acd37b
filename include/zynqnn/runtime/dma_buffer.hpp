#pragma once
// Physically contiguous memory the DMA engines read and write. On the board: u-dma-buf
// (or XRT buffer objects); on the virtual board: regions of the simulated DDR.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace zynqnn {

class DmaBuffer {
 public:
  virtual ~DmaBuffer() = default;
  DmaBuffer(const DmaBuffer&) = delete;
  DmaBuffer& operator=(const DmaBuffer&) = delete;

  std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  std::uint64_t physical_address() const noexcept { return physical_address_; }
  std::span<std::byte> bytes() const noexcept { return {data_, size_}; }

  // Before the device reads [offset, offset+length) (MM2S): flush the CPU caches.
  virtual void sync_for_device(std::size_t offset, std::size_t length) = 0;
  // After the device wrote [offset, offset+length) (S2MM): invalidate the CPU caches.
  virtual void sync_for_cpu(std::size_t offset, std::size_t length) = 0;

 protected:
  DmaBuffer(std::byte* data, std::size_t size, std::uint64_t physical_address)
      : data_(data), size_(size), physical_address_(physical_address) {}

 private:
  std::byte* data_;
  std::size_t size_;
  std::uint64_t physical_address_;
};

// Hands out DmaBuffers. Each buffer releases its memory when destroyed.
class DmaMemory {
 public:
  virtual ~DmaMemory() = default;
  // `alignment` is in bytes and a power of two; the physical address honours it.
  virtual std::unique_ptr<DmaBuffer> allocate(std::size_t bytes, std::size_t alignment = 64) = 0;
};

}  // namespace zynqnn
