#pragma once
// Registers of a PL peripheral mapped into the process: through /dev/mem (the physical
// address is the file offset) or through a UIO device (map N is at file offset N * page size).
// mmap needs page-aligned offsets, so a base inside a page is mapped from the page start and
// the registers are addressed from the offset inside it. Accesses are volatile 32-bit loads
// and stores; the RegisterSpace base class refuses anything outside [0, size).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "zynqnn/runtime/register_space.hpp"

namespace zynqnn::pynq_board {

class MmapRegisterSpace final : public RegisterSpace {
 public:
  // `size` bytes at physical address `physical_base` through `dev_mem` (normally /dev/mem).
  static std::unique_ptr<MmapRegisterSpace> map_physical(const std::filesystem::path& dev_mem,
                                                          std::uint64_t physical_base, std::size_t size);
  // `size` bytes, `offset_in_map` bytes into map `map_index` of the UIO device `uio_device`
  // (/dev/uioN). `offset_in_map` includes the map's own offset inside its first page.
  static std::unique_ptr<MmapRegisterSpace> map_uio(const std::filesystem::path& uio_device,
                                                     unsigned map_index, std::uint64_t offset_in_map,
                                                     std::size_t size);

  // Maps [mmap_offset, mmap_offset + offset_in_mapping + size) of `device` (mmap_offset
  // page-aligned) and addresses registers from offset_in_mapping.
  MmapRegisterSpace(const std::filesystem::path& device, std::uint64_t mmap_offset,
                    std::uint64_t offset_in_mapping, std::size_t size);
  ~MmapRegisterSpace() override;

  const std::filesystem::path& device() const noexcept { return device_; }

 protected:
  std::uint32_t do_read32(std::uint32_t offset) const override;
  void do_write32(std::uint32_t offset, std::uint32_t value) override;

 private:
  std::filesystem::path device_;
  void* mapping_ = nullptr;
  std::size_t mapping_length_ = 0;
  volatile std::uint32_t* registers_ = nullptr;
};

// The system's page size (mmap granularity).
std::size_t page_size();

}  // namespace zynqnn::pynq_board
