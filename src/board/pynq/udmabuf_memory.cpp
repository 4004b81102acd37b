#include "zynqnn/board/pynq/udmabuf_memory.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <mutex>

#include "board/pynq/sysfs.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {

struct UdmabufMemory::Region {
  std::string name;
  std::filesystem::path class_dir;
  std::byte* data = nullptr;
  std::size_t size = 0;
  std::uint64_t physical_address = 0;
  bool syncs = true;

  mutable std::mutex mutex;                   // guards free_blocks and the sync attributes
  std::map<std::size_t, std::size_t> free_blocks;  // offset -> length, never adjacent

  ~Region() {
    if (data != nullptr) ::munmap(data, size);
  }

  void release(std::size_t offset, std::size_t length) {
    std::lock_guard lock(mutex);
    auto next = free_blocks.lower_bound(offset);
    if (next != free_blocks.end() && offset + length == next->first) {
      length += next->second;
      next = free_blocks.erase(next);
    }
    if (next != free_blocks.begin()) {
      auto previous = std::prev(next);
      if (previous->first + previous->second == offset) {
        previous->second += length;
        return;
      }
    }
    free_blocks.emplace(offset, length);
  }

  void sync(std::size_t offset, std::size_t length, bool for_device) {
    if (!syncs || length == 0) return;
    std::lock_guard lock(mutex);
    detail::write_attribute(class_dir / "sync_offset", std::to_string(offset));
    detail::write_attribute(class_dir / "sync_size", std::to_string(length));
    detail::write_attribute(class_dir / "sync_direction", for_device ? "1" : "2");
    detail::write_attribute(class_dir / (for_device ? "sync_for_device" : "sync_for_cpu"), "1");
  }
};

namespace {

class UdmabufBuffer final : public DmaBuffer {
 public:
  UdmabufBuffer(std::shared_ptr<UdmabufMemory::Region> region, std::size_t offset, std::size_t bytes,
                std::size_t reserved)
      : DmaBuffer(region->data + offset, bytes, region->physical_address + offset),
        region_(std::move(region)),
        offset_(offset),
        reserved_(reserved) {}
  ~UdmabufBuffer() override { region_->release(offset_, reserved_); }

  void sync_for_device(std::size_t offset, std::size_t length) override {
    check_range(offset, length, "sync_for_device");
    region_->sync(offset_ + offset, length, true);
  }
  void sync_for_cpu(std::size_t offset, std::size_t length) override {
    check_range(offset, length, "sync_for_cpu");
    region_->sync(offset_ + offset, length, false);
  }

 private:
  void check_range(std::size_t offset, std::size_t length, const char* what) const {
    if (offset > size() || length > size() - offset) {
      throw Error(ErrorCode::out_of_range,
                  fmt::format("{} of [{}, {}+{}) is outside the {}-byte buffer", what, offset, offset, length,
                              size()),
                  fmt::format("{} buffer at {:#x}", region_->name, physical_address()));
    }
  }

  std::shared_ptr<UdmabufMemory::Region> region_;
  std::size_t offset_;
  std::size_t reserved_;
};

std::filesystem::path class_directory(const UdmabufOptions& options) {
  auto current = options.sys_root / "class" / "u-dma-buf" / options.name;
  if (std::filesystem::exists(current)) return current;
  auto legacy = options.sys_root / "class" / "udmabuf" / options.name;  // the driver's old name
  if (std::filesystem::exists(legacy)) return legacy;
  throw Error(ErrorCode::not_found,
              fmt::format("no u-dma-buf device '{}' ({} does not exist; is the u-dma-buf module loaded?)",
                          options.name, current.string()),
              current.string());
}

}  // namespace

UdmabufMemory::UdmabufMemory(const UdmabufOptions& options) : region_(std::make_shared<Region>()) {
  Region& region = *region_;
  region.name = options.name;
  region.class_dir = class_directory(options);
  region.physical_address = detail::read_unsigned_attribute(region.class_dir / "phys_addr");
  const std::uint64_t size = detail::read_unsigned_attribute(region.class_dir / "size");
  const std::string where = (options.dev_root / options.name).string();
  if (size == 0 || size > std::numeric_limits<std::size_t>::max() / 2) {
    throw Error(ErrorCode::unsupported, fmt::format("u-dma-buf size {} cannot be mapped here", size), where);
  }
  if (region.physical_address % kBlockBytes != 0) {
    throw Error(ErrorCode::unsupported,
                fmt::format("u-dma-buf physical address {:#x} is not {}-byte aligned", region.physical_address,
                            kBlockBytes),
                where);
  }
  region.syncs = options.cached;
  if (region.syncs && std::filesystem::exists(region.class_dir / "dma_coherent")) {
    region.syncs = detail::read_unsigned_attribute(region.class_dir / "dma_coherent") == 0;
  }

  detail::FileDescriptor fd =
      detail::open_file(options.dev_root / options.name, O_RDWR | (options.cached ? 0 : O_SYNC), "u-dma-buf");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    throw Error(ErrorCode::io, fmt::format("fstat failed: {}", detail::errno_text(errno)), where);
  }
  if (S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) < size) {
    throw Error(ErrorCode::out_of_range,
                fmt::format("size mismatch: sysfs says {} bytes but the device file has {}", size, info.st_size),
                where);
  }
  void* mapping = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (mapping == MAP_FAILED) {
    throw Error(ErrorCode::io, fmt::format("mmap of {} bytes refused: {}", size, detail::errno_text(errno)), where);
  }
  region.data = static_cast<std::byte*>(mapping);
  region.size = static_cast<std::size_t>(size);
  // Whole blocks only: a tail shorter than a block is never handed out.
  const std::size_t usable = region.size - region.size % kBlockBytes;
  if (usable > 0) region.free_blocks.emplace(0, usable);
}

UdmabufMemory::~UdmabufMemory() = default;

std::unique_ptr<DmaBuffer> UdmabufMemory::allocate(std::size_t bytes, std::size_t alignment) {
  Region& region = *region_;
  const std::string where = region.name;
  if (bytes == 0) throw Error(ErrorCode::invalid_argument, "cannot allocate a 0-byte DMA buffer", where);
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    throw Error(ErrorCode::invalid_argument, fmt::format("alignment {} is not a power of two", alignment), where);
  }
  if (bytes > region.size) {
    throw Error(ErrorCode::out_of_range,
                fmt::format("a {}-byte buffer cannot come from the {}-byte u-dma-buf", bytes, region.size), where);
  }
  const std::uint64_t align = std::max<std::uint64_t>(alignment, kBlockBytes);
  const std::uint64_t reserved = (std::uint64_t{bytes} + kBlockBytes - 1) / kBlockBytes * kBlockBytes;

  std::size_t offset = 0;
  {
    std::lock_guard lock(region.mutex);
    std::size_t largest = 0;
    auto chosen = region.free_blocks.end();
    for (auto it = region.free_blocks.begin(); it != region.free_blocks.end(); ++it) {
      const std::uint64_t block_physical = region.physical_address + it->first;
      const std::uint64_t start = (block_physical + align - 1) / align * align - region.physical_address;
      largest = std::max(largest, it->second);
      if (start + reserved <= std::uint64_t{it->first} + it->second) {
        chosen = it;
        offset = static_cast<std::size_t>(start);
        break;
      }
    }
    if (chosen == region.free_blocks.end()) {
      std::size_t free_bytes = 0;
      for (const auto& block : region.free_blocks) free_bytes += block.second;
      throw Error(ErrorCode::out_of_range,
                  fmt::format("u-dma-buf exhausted: no room for {} bytes aligned to {} ({} bytes free, largest "
                              "free block {})",
                              bytes, align, free_bytes, largest),
                  where);
    }
    const std::size_t block_offset = chosen->first;
    const std::size_t block_length = chosen->second;
    region.free_blocks.erase(chosen);
    if (offset > block_offset) region.free_blocks.emplace(block_offset, offset - block_offset);
    const std::size_t end = offset + static_cast<std::size_t>(reserved);
    if (end < block_offset + block_length) region.free_blocks.emplace(end, block_offset + block_length - end);
  }
  return std::make_unique<UdmabufBuffer>(region_, offset, bytes, static_cast<std::size_t>(reserved));
}

std::uint64_t UdmabufMemory::physical_address() const noexcept { return region_->physical_address; }
std::size_t UdmabufMemory::size() const noexcept { return region_->size; }
bool UdmabufMemory::syncs_caches() const noexcept { return region_->syncs; }

std::size_t UdmabufMemory::bytes_free() const {
  std::lock_guard lock(region_->mutex);
  std::size_t total = 0;
  for (const auto& block : region_->free_blocks) total += block.second;
  return total;
}

}  // namespace zynqnn::pynq_board
