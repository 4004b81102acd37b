#pragma once
// The test side of fake_xrt.cpp: loads the stand-in library (the same handle XrtMemory gets
// from dlopen of the same path) and reaches its control functions.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "zynqnn/board/pynq/xrt_memory.hpp"

namespace zynqnn::pynq_board::testing {

class FakeXrt {
 public:
  static constexpr const char* kPath = ZYNQNN_FAKE_XRT_PATH;

  FakeXrt() : library_(::dlopen(kPath, RTLD_NOW | RTLD_LOCAL)) {
    if (library_ == nullptr) throw std::runtime_error(std::string("cannot load ") + kPath);
    resolve(reset_, "fake_xrt_reset");
    resolve(fail_, "fake_xrt_fail");
    resolve(place_next_, "fake_xrt_place_next");
    resolve(live_buffers_, "fake_xrt_live_buffers");
    resolve(open_devices_, "fake_xrt_open_devices");
    resolve(syncs_, "fake_xrt_syncs");
    resolve(last_sync_, "fake_xrt_last_sync");
    resolve(last_alloc_, "fake_xrt_last_alloc");
    reset_();
  }
  ~FakeXrt() { ::dlclose(library_); }
  FakeXrt(const FakeXrt&) = delete;
  FakeXrt& operator=(const FakeXrt&) = delete;

  XrtOptions options() const {
    XrtOptions options;
    options.library = kPath;
    return options;
  }
  // The next `times` calls of `function` fail.
  void fail(const char* function, int times = 1) const { fail_(function, times); }
  void place_next(std::uint64_t address) const { place_next_(address); }
  int live_buffers() const { return live_buffers_(); }
  int open_devices() const { return open_devices_(); }
  unsigned long syncs(int direction) const { return syncs_(direction); }
  struct Sync {
    int direction = -1;
    std::size_t size = 0, offset = 0;
  };
  Sync last_sync() const {
    Sync sync;
    last_sync_(&sync.direction, &sync.size, &sync.offset);
    return sync;
  }
  struct Alloc {
    std::size_t size = 0;
    std::uint64_t flags = 0;
    std::uint32_t group = 0;
  };
  Alloc last_alloc() const {
    Alloc alloc;
    last_alloc_(&alloc.size, &alloc.flags, &alloc.group);
    return alloc;
  }

 private:
  template <typename Function>
  void resolve(Function& function, const char* name) {
    function = reinterpret_cast<Function>(::dlsym(library_, name));
    if (function == nullptr) throw std::runtime_error(std::string("stand-in XRT lacks ") + name);
  }

  void* library_;
  void (*reset_)() = nullptr;
  void (*fail_)(const char*, int) = nullptr;
  void (*place_next_)(std::uint64_t) = nullptr;
  int (*live_buffers_)() = nullptr;
  int (*open_devices_)() = nullptr;
  unsigned long (*syncs_)(int) = nullptr;
  void (*last_sync_)(int*, std::size_t*, std::size_t*) = nullptr;
  void (*last_alloc_)(std::size_t*, std::uint64_t*, std::uint32_t*) = nullptr;
};

}  // namespace zynqnn::pynq_board::testing
