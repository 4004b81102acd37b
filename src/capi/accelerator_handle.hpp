#pragma once
// The C ABI's accelerator handle, shared by the accelerator and the watchdog sections.
//
// Threads: every use of the device goes through `device` (one call in flight; the copies in
// and out inside the same lock). `needs_abort` is guarded by that lock, `stats` by its own
// small lock (read without waiting for a call in flight). A call zynqnn_start started holds
// the device until zynqnn_wait ends it or zynqnn_abort; `started` is guarded by started_lock,
// which is only ever taken after the device (never the other way round). zynqnn_shutdown
// aborts a started call and closes the device; the handle itself lives until zynqnn_close.
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
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
  std::mutex started_lock;  // zynqnn_wait holds it for its own bounded wait
  std::optional<zynqnn::SharedAccelerator::Run> started;
  std::atomic<bool> has_started{false};  // read without the lock: a second start is refused at once
  std::string manifest_path;
  // One for the open handle and one per watchdog: the last released frees the handle.
  std::atomic<std::size_t> references{1};
  std::atomic<bool> close_pending{false};
};

namespace zynqnn::capi {

// How long an operation without a deadline of its own (abort, reconfigure, a watchdog's
// creation, shutdown) waits for the calls ahead of it. Each of those has its own deadline.
inline constexpr Nanoseconds kDeviceWait = std::chrono::seconds(30);

// A failed call left the DMA mid-transfer: reset it before the next call (counted in the stats).
void abort_if_needed(zynqnn_accelerator* handle, Accelerator& device);
// The end of a call, while the device is still held: the stats, and whether the next call
// needs an abort first.
void note_call(zynqnn_accelerator* handle, const CallResult& call);
// The call's status as the return value, in `result` (may be NULL) and as the last error.
int report_call(const CallResult& call, zynqnn_call_result* result);
// Stops the call zynqnn_start started, if any, and releases the device; false when there was
// none. Throws the driver's Error when the soft reset fails (the device is released anyway).
bool abort_started(zynqnn_accelerator* handle);

// Drops one reference to the handle (zynqnn_close's or a watchdog's); the last frees it.
void release_reference(zynqnn_accelerator* handle);

}  // namespace zynqnn::capi
