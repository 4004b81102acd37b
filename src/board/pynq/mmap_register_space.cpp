#include "zynqnn/board/pynq/mmap_register_space.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fmt/format.h>
#include <limits>
#include <type_traits>

#include "board/pynq/sysfs.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

// Physical addresses above 2 GiB (M_AXI_GP1 at 0x80000000) need a 64-bit off_t on armhf.
static_assert(sizeof(off_t) == 8, "build the board backend with _FILE_OFFSET_BITS=64");

}  // namespace

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::unique_ptr<MmapRegisterSpace> MmapRegisterSpace::map_physical(const std::filesystem::path& dev_mem,
                                                                   std::uint64_t physical_base,
                                                                   std::size_t size) {
  const std::uint64_t page = page_size();
  const std::uint64_t aligned = physical_base & ~(page - 1);
  return std::make_unique<MmapRegisterSpace>(dev_mem, aligned, physical_base - aligned, size);
}

std::unique_ptr<MmapRegisterSpace> MmapRegisterSpace::map_uio(const std::filesystem::path& uio_device,
                                                              unsigned map_index,
                                                              std::uint64_t offset_in_map, std::size_t size) {
  return std::make_unique<MmapRegisterSpace>(uio_device, std::uint64_t{map_index} * page_size(),
                                             offset_in_map, size);
}

MmapRegisterSpace::MmapRegisterSpace(const std::filesystem::path& device, std::uint64_t mmap_offset,
                                     std::uint64_t offset_in_mapping, std::size_t size)
    : RegisterSpace(size), device_(device) {
  const std::string where = fmt::format("{} at offset {:#x}", device.string(), mmap_offset + offset_in_mapping);
  const std::uint64_t page = page_size();
  if (size == 0) throw Error(ErrorCode::invalid_argument, "cannot map 0 bytes of registers", where);
  if ((mmap_offset & (page - 1)) != 0) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("mmap offset {:#x} is not page-aligned", mmap_offset), where);
  }
  if (((mmap_offset + offset_in_mapping) & 3u) != 0) {
    throw Error(ErrorCode::invalid_argument, "register base address is not 4-byte aligned", where);
  }
  const std::uint64_t wanted = offset_in_mapping + std::uint64_t{size};
  const std::uint64_t length = (wanted + page - 1) & ~(page - 1);
  if (length > std::numeric_limits<std::size_t>::max() ||
      mmap_offset > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) {
    throw Error(ErrorCode::out_of_range, "register range does not fit this process's address space", where);
  }

  detail::FileDescriptor fd = detail::open_file(device, O_RDWR | O_SYNC, "register device");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    throw Error(ErrorCode::io, fmt::format("fstat failed: {}", detail::errno_text(errno)), where);
  }
  // A regular file (a stand-in for the device) must cover the mapping: touching a page past
  // its end would raise SIGBUS instead of an error.
  if (S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) < mmap_offset + wanted) {
    throw Error(ErrorCode::out_of_range,
                fmt::format("{} is {} bytes; registers up to byte {:#x} were asked for", device.string(),
                            info.st_size, mmap_offset + wanted),
                where);
  }
  void* mapping = ::mmap(nullptr, static_cast<std::size_t>(length), PROT_READ | PROT_WRITE, MAP_SHARED,
                         fd.get(), static_cast<off_t>(mmap_offset));
  if (mapping == MAP_FAILED) {
    throw Error(ErrorCode::io,
                fmt::format("mmap of {:#x} bytes refused: {}", length, detail::errno_text(errno)), where);
  }
  mapping_ = mapping;
  mapping_length_ = static_cast<std::size_t>(length);
  registers_ = reinterpret_cast<volatile std::uint32_t*>(static_cast<std::byte*>(mapping) +
                                                         static_cast<std::size_t>(offset_in_mapping));
}

MmapRegisterSpace::~MmapRegisterSpace() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_length_);
}

std::uint32_t MmapRegisterSpace::do_read32(std::uint32_t offset) const { return registers_[offset / 4]; }

void MmapRegisterSpace::do_write32(std::uint32_t offset, std::uint32_t value) {
  registers_[offset / 4] = value;
}

}  // namespace zynqnn::pynq_board
