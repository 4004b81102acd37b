#pragma once
// The C ABI's accelerator handle, shared by the accelerator and the watchdog sections.
//
// Threads: every use of the device goes through `device` (one call in flight; the copies in
// and out inside the same lock). `needs_abort` is guarded by that lock, `stats` by its own
// small lock (read without waiting for a call in flight). zynqnn_shutdown closes the device;
// the handle itself lives until zynqnn_close.
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "zynqnn/accelerator/shared_accelerator.hpp"
#include "zynqnn/zynqnn.h"

struct zynqnn_accelerator {
  std::unique_ptr<zynqnn::SharedAccelerator> device;
  std::vector<zynqnn_stream_info> infos[2];  // views of device->inputs()/outputs()
  std::mutex stats_lock;
  zynqnn_stats stats{};
  bool needs_abort = false;
  std::string manifest_path;
  // One for the open handle and one per watchdog: the last released frees the handle.
  std::atomic<std::size_t> references{1};
  std::atomic<bool> close_pending{false};
};

namespace zynqnn::capi {

// How long an operation without a deadline of its own (abort, reconfigure, a watchdog's
// creation, shutdown) waits for the calls ahead of it. Each of those has its own deadline.
inline constexpr Nanoseconds kDeviceWait = std::chrono::seconds(30);

// Drops one reference to the handle (zynqnn_close's or a watchdog's); the last frees it.
void release_reference(zynqnn_accelerator* handle);

}  // namespace zynqnn::capi
