#pragma once
// UIO devices (Linux userspace I/O): discovery through /sys/class/uio/uioN/{name, maps/mapM/
// {addr,size,offset}} and the interrupt protocol of /dev/uioN: write a 32-bit 1 to unmask,
// poll() for readability, read the 32-bit interrupt count.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/runtime/board.hpp"

namespace zynqnn::pynq_board {

struct UioMap {
  unsigned index = 0;
  std::uint64_t address = 0;  // physical address of the region
  std::uint64_t size = 0;
  std::uint64_t offset = 0;   // offset of the region inside its first page (0 if not reported)
};

struct UioDevice {
  unsigned number = 0;  // N of uioN
  std::string name;     // e.g. the device tree node name
  std::filesystem::path device;  // dev_root/uioN
  std::vector<UioMap> maps;
};

// Every UIO device listed under sys_root/class/uio, ordered by number.
std::vector<UioDevice> list_uio_devices(const std::filesystem::path& sys_root,
                                        const std::filesystem::path& dev_root);
// The UIO device called `name`; Error(not_found) naming the devices present otherwise.
UioDevice find_uio_by_name(const std::filesystem::path& sys_root, const std::filesystem::path& dev_root,
                           const std::string& name);

struct UioMapping {
  UioDevice device;
  unsigned map_index = 0;
  std::uint64_t offset_in_map = 0;  // includes the map's offset inside its first page
};
// The UIO map that covers [base, base + size), if any.
std::optional<UioMapping> find_uio_covering(const std::filesystem::path& sys_root,
                                            const std::filesystem::path& dev_root, std::uint64_t base,
                                            std::uint64_t size);

class UioInterruptLine final : public InterruptLine {
 public:
  // Takes ownership of `fd` (an open /dev/uioN, or a socket standing in for one).
  UioInterruptLine(int fd, Clock& clock, std::string name);
  static std::unique_ptr<UioInterruptLine> open(const std::filesystem::path& device, Clock& clock);
  ~UioInterruptLine() override;
  UioInterruptLine(const UioInterruptLine&) = delete;
  UioInterruptLine& operator=(const UioInterruptLine&) = delete;

  void enable() override;
  // poll()s with the time left until `deadline` on the clock; reads the count when it fires.
  bool wait_until(Nanoseconds deadline) override;
  // The interrupt count read by the last wait that fired.
  std::uint32_t last_count() const noexcept { return last_count_; }

 private:
  int fd_;
  Clock& clock_;
  std::string name_;
  std::uint32_t last_count_ = 0;
};

}  // namespace zynqnn::pynq_board
