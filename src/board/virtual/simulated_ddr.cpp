#include "simulated_ddr.hpp"

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {
namespace {

class SimulatedDdrBuffer final : public DmaBuffer {
 public:
  SimulatedDdrBuffer(std::shared_ptr<SimulatedDdr> ddr, std::byte* data, std::size_t size, std::uint64_t physical,
                     std::size_t offset)
      : DmaBuffer(data, size, physical), ddr_(std::move(ddr)), offset_(offset) {}
  ~SimulatedDdrBuffer() override { ddr_->release(offset_); }

  // The simulated DDR is coherent: syncing only checks the range, as a wrong range is a
  // driver bug that the real board would punish with stale data.
  void sync_for_device(std::size_t offset, std::size_t length) override { check(offset, length, "sync_for_device"); }
  void sync_for_cpu(std::size_t offset, std::size_t length) override { check(offset, length, "sync_for_cpu"); }

 private:
  void check(std::size_t offset, std::size_t length, const char* what) const {
    if (offset > size() || length > size() - offset)
      throw Error(ErrorCode::out_of_range,
                  fmt::format("{}({:#x}, {:#x}) is outside the {:#x}-byte buffer at {:#x}", what, offset, length,
                              size(), physical_address()),
                  "virtual board DmaBuffer");
  }
  std::shared_ptr<SimulatedDdr> ddr_;
  std::size_t offset_;
};

}  // namespace

SimulatedDdr::SimulatedDdr(std::uint64_t physical_base, std::size_t bytes)
    : base_(physical_base), size_(bytes), storage_(std::make_unique_for_overwrite<std::byte[]>(bytes)) {
  if (bytes == 0) throw Error(ErrorCode::invalid_argument, "the simulated DDR needs at least one byte", "VirtualBoardConfig.ddr_bytes");
  if (physical_base + bytes < physical_base)
    throw Error(ErrorCode::invalid_argument, "the simulated DDR wraps around the 64-bit address space", "VirtualBoardConfig.ddr_base");
  free_.emplace(0, bytes);
}

std::unique_ptr<DmaBuffer> SimulatedDdr::allocate(std::size_t bytes, std::size_t alignment) {
  if (bytes == 0) throw Error(ErrorCode::invalid_argument, "cannot allocate a 0-byte DMA buffer", "virtual board DmaMemory");
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("alignment {} is not a power of two", alignment),
                "virtual board DmaMemory");
  std::lock_guard lock(mutex_);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const auto [offset, size] = *it;
    const std::uint64_t physical = base_ + offset;
    const std::uint64_t aligned = (physical + alignment - 1) & ~static_cast<std::uint64_t>(alignment - 1);
    const std::uint64_t padding = aligned - physical;
    if (padding > size || bytes > size - padding) continue;
    const std::size_t start = offset + static_cast<std::size_t>(padding);
    free_.erase(it);
    if (padding > 0) free_.emplace(offset, static_cast<std::size_t>(padding));
    const std::size_t tail = size - static_cast<std::size_t>(padding) - bytes;
    if (tail > 0) free_.emplace(start + bytes, tail);
    used_.emplace(start, bytes);
    return std::make_unique<SimulatedDdrBuffer>(shared_from_this(), storage_.get() + start, bytes, base_ + start, start);
  }
  throw Error(ErrorCode::out_of_range,
              fmt::format("out of simulated DDR: no free region of {} bytes aligned to {} ({} of {} bytes in use)", bytes,
                          alignment, [this] {
                            std::size_t total = 0;
                            for (const auto& [o, s] : used_) total += s;
                            return total;
                          }(),
                          size_),
              "virtual board DmaMemory");
}

void SimulatedDdr::release(std::size_t offset) {
  std::lock_guard lock(mutex_);
  auto used = used_.find(offset);
  if (used == used_.end()) return;
  std::size_t start = offset;
  std::size_t size = used->second;
  used_.erase(used);
  auto next = free_.lower_bound(start);
  if (next != free_.end() && next->first == start + size) {
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      size += prev->second;
      free_.erase(prev);
    }
  }
  free_.emplace(start, size);
}

std::size_t SimulatedDdr::bytes_allocated() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& [offset, size] : used_) total += size;
  return total;
}

std::byte* SimulatedDdr::translate(std::uint64_t physical, std::uint64_t length) noexcept {
  if (physical < base_) return nullptr;
  const std::uint64_t offset = physical - base_;
  if (offset > size_ || length > size_ - offset) return nullptr;
  return storage_.get() + offset;
}

}  // namespace zynqnn::virtual_board
