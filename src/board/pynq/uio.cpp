#include "zynqnn/board/pynq/uio.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <fmt/format.h>

#include "board/pynq/sysfs.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

std::optional<unsigned> number_after(const std::string& text, const std::string& prefix) {
  if (text.size() <= prefix.size() || text.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = prefix.size(); i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || value > 100000) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

}  // namespace

std::vector<UioDevice> list_uio_devices(const std::filesystem::path& sys_root,
                                        const std::filesystem::path& dev_root) {
  std::vector<UioDevice> devices;
  const auto class_dir = sys_root / "class" / "uio";
  std::error_code error;
  if (!std::filesystem::is_directory(class_dir, error)) return devices;
  for (const auto& entry : std::filesystem::directory_iterator(class_dir, error)) {
    auto number = number_after(entry.path().filename().string(), "uio");
    if (!number) continue;
    UioDevice device;
    device.number = *number;
    device.name = detail::read_attribute(entry.path() / "name");
    device.device = dev_root / entry.path().filename();
    const auto maps_dir = entry.path() / "maps";
    if (std::filesystem::is_directory(maps_dir, error)) {
      for (const auto& map_entry : std::filesystem::directory_iterator(maps_dir, error)) {
        auto index = number_after(map_entry.path().filename().string(), "map");
        if (!index) continue;
        UioMap map;
        map.index = *index;
        map.address = detail::read_unsigned_attribute(map_entry.path() / "addr");
        map.size = detail::read_unsigned_attribute(map_entry.path() / "size");
        if (std::filesystem::exists(map_entry.path() / "offset")) {
          map.offset = detail::read_unsigned_attribute(map_entry.path() / "offset");
        }
        device.maps.push_back(map);
      }
      std::sort(device.maps.begin(), device.maps.end(),
                [](const UioMap& a, const UioMap& b) { return a.index < b.index; });
    }
    devices.push_back(std::move(device));
  }
  std::sort(devices.begin(), devices.end(),
            [](const UioDevice& a, const UioDevice& b) { return a.number < b.number; });
  return devices;
}

UioDevice find_uio_by_name(const std::filesystem::path& sys_root, const std::filesystem::path& dev_root,
                           const std::string& name) {
  auto devices = list_uio_devices(sys_root, dev_root);
  std::string present;
  for (auto& device : devices) {
    if (device.name == name) return std::move(device);
    present += (present.empty() ? "" : ", ") + fmt::format("uio{}={}", device.number, device.name);
  }
  throw Error(ErrorCode::not_found,
              fmt::format("no UIO device named '{}' (present: {})", name, present.empty() ? "none" : present),
              (sys_root / "class" / "uio").string());
}

std::optional<UioMapping> find_uio_covering(const std::filesystem::path& sys_root,
                                            const std::filesystem::path& dev_root, std::uint64_t base,
                                            std::uint64_t size) {
  for (auto& device : list_uio_devices(sys_root, dev_root)) {
    for (const auto& map : device.maps) {
      if (base >= map.address && size <= map.size && base - map.address <= map.size - size) {
        return UioMapping{device, map.index, map.offset + (base - map.address)};
      }
    }
  }
  return std::nullopt;
}

UioInterruptLine::UioInterruptLine(int fd, Clock& clock, std::string name)
    : fd_(fd), clock_(clock), name_(std::move(name)) {}

std::unique_ptr<UioInterruptLine> UioInterruptLine::open(const std::filesystem::path& device, Clock& clock) {
  detail::FileDescriptor fd = detail::open_file(device, O_RDWR, "UIO device");
  return std::make_unique<UioInterruptLine>(fd.release(), clock, device.string());
}

UioInterruptLine::~UioInterruptLine() { ::close(fd_); }

void UioInterruptLine::enable() {
  const std::int32_t unmask = 1;
  for (;;) {
    ssize_t n = ::write(fd_, &unmask, sizeof(unmask));
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof(unmask))) {
      throw Error(ErrorCode::io,
                  fmt::format("unmasking the interrupt failed: {}", n < 0 ? detail::errno_text(errno) : "short write"),
                  name_);
    }
    return;
  }
}

bool UioInterruptLine::wait_until(Nanoseconds deadline) {
  for (;;) {
    const Nanoseconds left = deadline - clock_.now();
    int timeout_ms = 0;
    if (left.count() > 0) {
      // Round up so that the wait never ends before the deadline.
      const auto ms = (left.count() + 999'999) / 1'000'000;
      timeout_ms = static_cast<int>(std::min<std::int64_t>(ms, INT_MAX));
    }
    pollfd entry{fd_, POLLIN, 0};
    const int ready = ::poll(&entry, 1, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::io, fmt::format("poll failed: {}", detail::errno_text(errno)), name_);
    }
    if (ready == 0) return false;  // poll waited out the time left: the deadline has passed
    if ((entry.revents & POLLIN) == 0) {
      throw Error(ErrorCode::io, fmt::format("interrupt device reported poll events {:#x}", entry.revents), name_);
    }
    std::uint32_t count = 0;
    ssize_t n = ::read(fd_, &count, sizeof(count));
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof(count))) {
      throw Error(ErrorCode::io,
                  fmt::format("reading the interrupt count failed: {}",
                              n < 0 ? detail::errno_text(errno) : fmt::format("{} bytes instead of 4", n)),
                  name_);
    }
    last_count_ = count;
    return true;
  }
}

}  // namespace zynqnn::pynq_board
