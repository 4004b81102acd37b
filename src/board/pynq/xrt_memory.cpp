#include "zynqnn/board/pynq/xrt_memory.hpp"

#include <dlfcn.h>

#include <cerrno>
#include <climits>
#include <fmt/format.h>
#include <limits>

#include "board/pynq/sysfs.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

// XRT's C API as declared in xrt/xrt_device.h and xrt/xrt_bo.h (handles are void*).
using DeviceOpen = void* (*)(unsigned int);
using DeviceClose = int (*)(void*);
using BoAlloc = void* (*)(void*, std::size_t, std::uint64_t, std::uint32_t);
using BoMap = void* (*)(void*);
using BoAddress = std::uint64_t (*)(void*);
using BoSync = int (*)(void*, int, std::size_t, std::size_t);
using BoFree = int (*)(void*);

std::string where_of(const XrtOptions& options) {
  return fmt::format("XRT device {} ({})", options.device_index, options.library);
}

}  // namespace

struct XrtMemory::Device {
  XrtOptions options;
  std::string where;
  void* library = nullptr;
  void* device = nullptr;
  DeviceOpen device_open = nullptr;
  DeviceClose device_close = nullptr;
  BoAlloc bo_alloc = nullptr;
  BoMap bo_map = nullptr;
  BoAddress bo_address = nullptr;
  BoSync bo_sync = nullptr;
  BoFree bo_free = nullptr;

  ~Device() {
    if (device != nullptr) device_close(device);
    if (library != nullptr) ::dlclose(library);
  }

  template <typename Function>
  void resolve(Function& function, const char* name) {
    ::dlerror();
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) {
      throw Error(ErrorCode::unsupported,
                  fmt::format("the XRT library has no function {} (is it XRT's libxrt_coreutil?)", name), where);
    }
    function = reinterpret_cast<Function>(symbol);
  }

  void sync(void* bo, int direction, std::size_t offset, std::size_t length, std::uint64_t physical) const {
    if (length == 0) return;
    const int status = bo_sync(bo, direction, length, offset);
    if (status != 0) {
      throw Error(ErrorCode::io,
                  fmt::format("xrtBOSync({}, {} bytes at offset {}) failed with {}",
                              direction == kSyncToDevice ? "XCL_BO_SYNC_BO_TO_DEVICE" : "XCL_BO_SYNC_BO_FROM_DEVICE",
                              length, offset, status),
                  fmt::format("{}: buffer at {:#x}", where, physical));
    }
  }
};

namespace {

class XrtBuffer final : public DmaBuffer {
 public:
  XrtBuffer(std::shared_ptr<XrtMemory::Device> device, void* bo, std::byte* data, std::size_t bytes,
            std::uint64_t physical)
      : DmaBuffer(data, bytes, physical), device_(std::move(device)), bo_(bo) {}
  ~XrtBuffer() override { device_->bo_free(bo_); }  // also unmaps it (xrt_bo.h)

  void sync_for_device(std::size_t offset, std::size_t length) override {
    check_range(offset, length, "sync_for_device");
    if (!device_->options.coherent) device_->sync(bo_, XrtMemory::kSyncToDevice, offset, length, physical_address());
  }
  void sync_for_cpu(std::size_t offset, std::size_t length) override {
    check_range(offset, length, "sync_for_cpu");
    if (!device_->options.coherent) device_->sync(bo_, XrtMemory::kSyncFromDevice, offset, length, physical_address());
  }

 private:
  void check_range(std::size_t offset, std::size_t length, const char* what) const {
    if (offset > size() || length > size() - offset) {
      throw Error(ErrorCode::out_of_range,
                  fmt::format("{} of [{}, {}+{}) is outside the {}-byte buffer", what, offset, offset, length, size()),
                  fmt::format("{}: buffer at {:#x}", device_->where, physical_address()));
    }
  }

  std::shared_ptr<XrtMemory::Device> device_;
  void* bo_;
};

}  // namespace

XrtMemory::XrtMemory(const XrtOptions& options) : device_(std::make_shared<Device>()) {
  Device& device = *device_;
  device.options = options;
  device.where = where_of(options);
  device.library = ::dlopen(options.library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (device.library == nullptr) {
    const char* reason = ::dlerror();
    throw Error(ErrorCode::not_found,
                fmt::format("the XRT library '{}' cannot be loaded ({}); a PYNQ 3.x image ships it with XRT",
                            options.library, reason != nullptr ? reason : "no reason given"),
                device.where);
  }
  device.resolve(device.device_open, "xrtDeviceOpen");
  device.resolve(device.device_close, "xrtDeviceClose");
  device.resolve(device.bo_alloc, "xrtBOAlloc");
  device.resolve(device.bo_map, "xrtBOMap");
  device.resolve(device.bo_address, "xrtBOAddress");
  device.resolve(device.bo_sync, "xrtBOSync");
  device.resolve(device.bo_free, "xrtBOFree");
  errno = 0;
  device.device = device.device_open(options.device_index);
  if (device.device == nullptr) {
    const int error_number = errno;
    throw Error(ErrorCode::not_found,
                fmt::format("xrtDeviceOpen({}) failed{}: no XRT device (zocl's /dev/dri/renderD* missing?)",
                            options.device_index,
                            error_number != 0 ? " (" + detail::errno_text(error_number) + ")" : std::string()),
                device.where);
  }
}

XrtMemory::~XrtMemory() = default;

std::unique_ptr<DmaBuffer> XrtMemory::allocate(std::size_t bytes, std::size_t alignment) {
  Device& device = *device_;
  const std::string& where = device.where;
  if (bytes == 0) throw Error(ErrorCode::invalid_argument, "cannot allocate a 0-byte DMA buffer", where);
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    throw Error(ErrorCode::invalid_argument, fmt::format("alignment {} is not a power of two", alignment), where);
  }
  const std::size_t allocated = std::max(bytes, device.options.min_allocation_bytes);
  const std::uint64_t flags = device.options.cacheable ? kFlagCacheable : 0;
  void* bo = device.bo_alloc(device.device, allocated, flags, device.options.memory_group);
  if (bo == nullptr) {
    throw Error(ErrorCode::out_of_range,
                fmt::format("xrtBOAlloc of {} bytes (flags {:#x}, memory group {}) failed: out of CMA memory, or "
                            "no such memory group",
                            allocated, flags, device.options.memory_group),
                where);
  }
  // From here on the buffer object is freed on every failure.
  auto refuse = [&](ErrorCode code, std::string message) {
    device.bo_free(bo);
    return Error(code, std::move(message), where);
  };
  void* data = device.bo_map(bo);
  if (data == nullptr) throw refuse(ErrorCode::io, fmt::format("xrtBOMap of a {}-byte buffer failed", allocated));
  const std::uint64_t physical = device.bo_address(bo);
  if (physical == std::numeric_limits<std::uint64_t>::max() || physical == static_cast<std::uint64_t>(LLONG_MAX)) {
    throw refuse(ErrorCode::io, fmt::format("xrtBOAddress of a {}-byte buffer failed", allocated));
  }
  if (physical % alignment != 0) {
    throw refuse(ErrorCode::unsupported,
                 fmt::format("XRT placed a {}-byte buffer at {:#x}, which is not {}-byte aligned", allocated, physical,
                             alignment));
  }
  return std::make_unique<XrtBuffer>(device_, bo, static_cast<std::byte*>(data), bytes, physical);
}

bool XrtMemory::syncs_caches() const noexcept { return !device_->options.coherent; }
const XrtOptions& XrtMemory::options() const noexcept { return device_->options; }

}  // namespace zynqnn::pynq_board
