// The two-step call of the C ABI (zynqnn_start, zynqnn_wait; zynqnn_abort stops it): a
// SharedAccelerator::Run kept in the handle. The Run holds the device from start to its end, so
// the copies in and out and the bookkeeping of needs_abort stay under the device lock, as for
// the one-step calls. Lock order: the device, then started_lock.
#include <cstring>
#include <exception>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capi/accelerator_handle.hpp"
#include "capi/last_error.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/zynqnn.h"

using zynqnn::capi::set_error;

namespace {

template <typename Body>
int guarded_call(Body&& body) noexcept {
  try {
    return body();
  } catch (const zynqnn::Error& error) {
    return set_error(static_cast<int>(error.code()), error.what());
  } catch (const std::exception& error) {
    return set_error(ZYNQNN_INTERNAL, error.what());
  }
}

// Forgets the started call (releasing the device if its Run still holds it) on every way out.
struct ForgetStarted {
  zynqnn_accelerator* handle;
  ~ForgetStarted() {
    handle->started.reset();
    handle->has_started.store(false, std::memory_order_release);
  }
};

}  // namespace

bool zynqnn::capi::abort_started(zynqnn_accelerator* handle) {
  if (!handle->has_started.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(handle->started_lock);
  if (!handle->started) return false;
  const ForgetStarted forget{handle};
  handle->needs_abort = true;  // until the soft reset is known to have completed
  handle->started->abort();
  handle->needs_abort = false;
  std::lock_guard stats(handle->stats_lock);
  ++handle->stats.aborts;
  return true;
}

extern "C" {

int zynqnn_start(zynqnn_accelerator* accelerator, const void* const* inputs, int64_t timeout_ns) {
  if (!accelerator) return set_error(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  if (timeout_ns <= 0) return set_error(ZYNQNN_INVALID_ARGUMENT, "zynqnn_start: timeout_ns must be positive");
  return guarded_call([&] {
    if (accelerator->has_started.load(std::memory_order_acquire)) {
      return set_error(ZYNQNN_BAD_STATE,
                       "zynqnn_start: a started call has not ended: zynqnn_wait for it or zynqnn_abort it first");
    }
    zynqnn::SharedAccelerator& device = *accelerator->device;
    const auto& streams = device.inputs();
    for (std::size_t i = 0; inputs && i < streams.size(); ++i) {
      if (!inputs[i]) return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("zynqnn_start: input {} is NULL", i));
    }
    zynqnn::SharedAccelerator::Session session = device.acquire(zynqnn::Nanoseconds{timeout_ns});
    zynqnn::capi::abort_if_needed(accelerator, *session);
    for (std::size_t i = 0; inputs && i < streams.size(); ++i) {
      void* buffer = session->input_buffer(i).data();
      if (buffer != inputs[i]) std::memcpy(buffer, inputs[i], streams[i].bytes);
    }
    std::lock_guard lock(accelerator->started_lock);
    if (accelerator->started) {  // cannot be while this thread holds the device; kept as a guard
      return set_error(ZYNQNN_INTERNAL, "zynqnn_start: a started call without the device");
    }
    accelerator->started.emplace(device.start(std::move(session)));
    accelerator->has_started.store(true, std::memory_order_release);
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_wait(zynqnn_accelerator* accelerator, int64_t timeout_ns, void* const* outputs,
                zynqnn_call_result* result) {
  if (!accelerator) return set_error(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  if (timeout_ns < 0) return set_error(ZYNQNN_INVALID_ARGUMENT, "zynqnn_wait: timeout_ns must not be negative");
  return guarded_call([&] {
    std::lock_guard lock(accelerator->started_lock);
    if (!accelerator->started) {
      return set_error(ZYNQNN_BAD_STATE, "zynqnn_wait: no started call (zynqnn_start first; a wait that returned "
                                         "its result, or zynqnn_abort, ended the last one)");
    }
    const auto& streams = accelerator->device->outputs();
    std::vector<std::span<std::byte>> copies;
    if (outputs) {
      for (std::size_t j = 0; j < streams.size(); ++j) {
        copies.emplace_back(static_cast<std::byte*>(outputs[j]), outputs[j] ? streams[j].bytes : 0);
      }
    }
    const zynqnn::CallResult call = accelerator->started->wait(
        zynqnn::Nanoseconds{timeout_ns}, copies,
        [&](const zynqnn::CallResult& ended) { zynqnn::capi::note_call(accelerator, ended); });
    if (call.status != zynqnn::CallStatus::pending) {
      accelerator->started.reset();
      accelerator->has_started.store(false, std::memory_order_release);
    }
    return zynqnn::capi::report_call(call, result);
  });
}

}  // extern "C"
