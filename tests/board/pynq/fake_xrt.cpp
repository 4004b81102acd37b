// A stand-in for XRT's libxrt_coreutil: the seven C functions XrtMemory loads, over host memory
// at fake physical addresses, plus fake_xrt_* functions through which a test makes a call fail,
// places the next buffer, and reads what was allocated and synced. Signatures as in XRT's
// xrt/xrt_device.h and xrt/xrt_bo.h.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

namespace {

constexpr std::uint64_t kFirstAddress = 0x30000000;
constexpr std::size_t kPage = 4096;
int g_device_token = 0;  // xrtDeviceOpen's handle: the address of this

struct Bo {
  void* memory;
  std::size_t size;
  std::uint64_t address;
  std::uint64_t flags;
  std::uint32_t group;
};

struct Sync {
  int direction = -1;
  std::size_t size = 0;
  std::size_t offset = 0;
};

struct State {
  std::mutex mutex;
  std::map<void*, Bo> buffers;
  std::map<std::string, int> failures;  // function -> calls still to fail
  std::uint64_t next_address = kFirstAddress;
  int open_devices = 0;
  unsigned long syncs[2] = {0, 0};
  Sync last_sync;
  Bo last_alloc{};
  std::uint64_t address_override = 0;  // non-zero: the next buffer's address
};

State& state() {
  static State instance;
  return instance;
}

// True when the test asked `function` to fail (consumes one failure).
bool should_fail(State& s, const char* function) {
  auto found = s.failures.find(function);
  if (found == s.failures.end() || found->second == 0) return false;
  --found->second;
  return true;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* xrtDeviceOpen(unsigned int index) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (index != 0 || should_fail(s, "xrtDeviceOpen")) {
    errno = ENODEV;
    return nullptr;
  }
  ++s.open_devices;
  return &g_device_token;
}

__attribute__((visibility("default"))) int xrtDeviceClose(void* device) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (device != &g_device_token) return -EINVAL;
  --s.open_devices;
  return 0;
}

__attribute__((visibility("default"))) void* xrtBOAlloc(void* device, std::size_t size, std::uint64_t flags,
                                                        std::uint32_t group) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (device != &g_device_token || size == 0 || should_fail(s, "xrtBOAlloc")) return nullptr;
  const std::size_t rounded = (size + kPage - 1) / kPage * kPage;
  void* memory = std::aligned_alloc(kPage, rounded);
  if (memory == nullptr) return nullptr;
  std::memset(memory, 0, rounded);
  std::uint64_t address = s.next_address;
  if (s.address_override != 0) {
    address = s.address_override;
    s.address_override = 0;
  } else {
    s.next_address += rounded;
  }
  Bo bo{memory, size, address, flags, group};
  s.last_alloc = bo;
  void* handle = new char;  // a unique opaque handle
  s.buffers.emplace(handle, bo);
  return handle;
}

__attribute__((visibility("default"))) void* xrtBOMap(void* handle) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  auto found = s.buffers.find(handle);
  if (found == s.buffers.end() || should_fail(s, "xrtBOMap")) return nullptr;
  return found->second.memory;
}

__attribute__((visibility("default"))) std::uint64_t xrtBOAddress(void* handle) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  auto found = s.buffers.find(handle);
  if (found == s.buffers.end() || should_fail(s, "xrtBOAddress")) return UINT64_MAX;
  return found->second.address;
}

__attribute__((visibility("default"))) int xrtBOSync(void* handle, int direction, std::size_t size,
                                                     std::size_t offset) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  auto found = s.buffers.find(handle);
  if (found == s.buffers.end() || (direction != 0 && direction != 1)) return -EINVAL;
  if (offset > found->second.size || size > found->second.size - offset) return -EINVAL;
  if (should_fail(s, "xrtBOSync")) return -EIO;
  ++s.syncs[direction];
  s.last_sync = Sync{direction, size, offset};
  return 0;
}

__attribute__((visibility("default"))) int xrtBOFree(void* handle) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  auto found = s.buffers.find(handle);
  if (found == s.buffers.end()) return -EINVAL;
  std::free(found->second.memory);
  s.buffers.erase(found);
  delete static_cast<char*>(handle);
  return 0;
}

// --- control and inspection, for tests ---

__attribute__((visibility("default"))) void fake_xrt_reset() {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.failures.clear();
  s.next_address = kFirstAddress;
  s.address_override = 0;
  s.syncs[0] = s.syncs[1] = 0;
  s.last_sync = Sync{};
  s.last_alloc = Bo{};
}

__attribute__((visibility("default"))) void fake_xrt_fail(const char* function, int times) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.failures[function] = times;
}

__attribute__((visibility("default"))) void fake_xrt_place_next(std::uint64_t address) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.address_override = address;
}

__attribute__((visibility("default"))) int fake_xrt_live_buffers() {
  State& s = state();
  std::lock_guard lock(s.mutex);
  return static_cast<int>(s.buffers.size());
}

__attribute__((visibility("default"))) int fake_xrt_open_devices() {
  State& s = state();
  std::lock_guard lock(s.mutex);
  return s.open_devices;
}

__attribute__((visibility("default"))) unsigned long fake_xrt_syncs(int direction) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  return s.syncs[direction];
}

__attribute__((visibility("default"))) void fake_xrt_last_sync(int* direction, std::size_t* size,
                                                               std::size_t* offset) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  *direction = s.last_sync.direction;
  *size = s.last_sync.size;
  *offset = s.last_sync.offset;
}

__attribute__((visibility("default"))) void fake_xrt_last_alloc(std::size_t* size, std::uint64_t* flags,
                                                                std::uint32_t* group) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  *size = s.last_alloc.size;
  *flags = s.last_alloc.flags;
  *group = s.last_alloc.group;
}

}  // extern "C"
