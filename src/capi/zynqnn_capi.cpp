// The C ABI over Accelerator: no exception crosses it; each failure becomes a status code
// plus a per-thread message. Every use of the device holds the handle's device lock (see
// accelerator_handle.hpp): a handle may be shared by threads.
#include "zynqnn/zynqnn.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/accelerator/shared_accelerator.hpp"
#include "capi/accelerator_handle.hpp"
#include "capi/external_buffers.hpp"
#include "capi/fault_injection.hpp"
#include "capi/last_error.hpp"

namespace {

thread_local std::string t_last_error;

int fail(int status, std::string message) {
  t_last_error = std::move(message);
  return status;
}

int status_of(zynqnn::ErrorCode code) {
  return static_cast<int>(code);  // the C codes mirror zynqnn::ErrorCode one to one
}

// Runs `body`, turning exceptions into a status and the thread's last error.
template <typename Body>
int guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (const zynqnn::Error& error) {
    return fail(status_of(error.code()), error.what());
  } catch (const std::bad_alloc&) {
    return fail(ZYNQNN_INTERNAL, "out of memory");
  } catch (const std::exception& error) {
    return fail(ZYNQNN_INTERNAL, error.what());
  }
}

const std::vector<zynqnn::StreamInfo>& streams_of(const zynqnn_accelerator* handle, int direction) {
  return direction == ZYNQNN_INPUT ? handle->device->inputs() : handle->device->outputs();
}

using Session = zynqnn::SharedAccelerator::Session;

// The device for one call of `timeout_ns` (which also bounds the wait for the calls ahead).
Session acquire(zynqnn_accelerator* handle, std::int64_t timeout_ns) {
  return handle->device->acquire(zynqnn::Nanoseconds{timeout_ns});
}

int check_direction(const zynqnn_accelerator* handle, int direction) {
  if (!handle) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  if (direction != ZYNQNN_INPUT && direction != ZYNQNN_OUTPUT)
    return fail(ZYNQNN_INVALID_ARGUMENT, "direction must be ZYNQNN_INPUT (0) or ZYNQNN_OUTPUT (1)");
  return ZYNQNN_OK;
}

int call_status(zynqnn::CallStatus status) {
  switch (status) {
    case zynqnn::CallStatus::ok: return ZYNQNN_OK;
    case zynqnn::CallStatus::timeout: return ZYNQNN_TIMEOUT;
    case zynqnn::CallStatus::dma_error: return ZYNQNN_DMA_ERROR;
    case zynqnn::CallStatus::short_output: return ZYNQNN_SHORT_OUTPUT;
    case zynqnn::CallStatus::pending: return ZYNQNN_PENDING;
  }
  return ZYNQNN_INTERNAL;
}

// The call itself, on the device `session` holds; shared by the zynqnn_run* functions.
int run_call(zynqnn_accelerator* handle, const Session& session, int64_t timeout_ns, zynqnn_call_result* result) {
  zynqnn::capi::abort_if_needed(handle, *session);
  const zynqnn::CallResult call = session->run(zynqnn::Nanoseconds{timeout_ns});
  zynqnn::capi::note_call(handle, call);
  return zynqnn::capi::report_call(call, result);
}

// Index of the stream called `name`, or -1.
long find_stream(const std::vector<zynqnn::StreamInfo>& streams, const char* name) {
  for (std::size_t i = 0; i < streams.size(); ++i)
    if (streams[i].name == name) return static_cast<long>(i);
  return -1;
}

}  // namespace

int zynqnn::capi::set_error(int status, std::string message) { return fail(status, std::move(message)); }

void zynqnn::capi::abort_if_needed(zynqnn_accelerator* handle, zynqnn::Accelerator& device) {
  if (!handle->needs_abort) return;
  device.abort();
  handle->needs_abort = false;
  std::lock_guard lock(handle->stats_lock);
  ++handle->stats.aborts;
}

void zynqnn::capi::note_call(zynqnn_accelerator* handle, const zynqnn::CallResult& call) {
  {
    std::lock_guard lock(handle->stats_lock);
    zynqnn_stats& stats = handle->stats;
    ++stats.calls;
    stats.last_elapsed_ns = call.elapsed.count();
    switch (call.status) {
      case zynqnn::CallStatus::ok: ++stats.ok; break;
      case zynqnn::CallStatus::timeout: ++stats.timeouts; break;
      case zynqnn::CallStatus::dma_error: ++stats.dma_errors; break;
      case zynqnn::CallStatus::short_output: ++stats.short_outputs; break;
      case zynqnn::CallStatus::pending: break;  // not over: noted when it ends
    }
  }
  handle->needs_abort = call.status == zynqnn::CallStatus::timeout || call.status == zynqnn::CallStatus::dma_error;
}

int zynqnn::capi::report_call(const zynqnn::CallResult& call, zynqnn_call_result* result) {
  const int status = call_status(call.status);
  if (result) {
    result->status = status;
    result->elapsed_ns = call.elapsed.count();
    result->dma_status = call.dma_status;
    const std::size_t n = std::min(call.detail.size(), sizeof(result->detail) - 1);
    std::memcpy(result->detail, call.detail.data(), n);
    result->detail[n] = '\0';
  }
  if (status != ZYNQNN_OK) return fail(status, call.detail.empty() ? zynqnn_status_name(status) : call.detail);
  return ZYNQNN_OK;
}

void zynqnn::capi::release_reference(zynqnn_accelerator* handle) {
  if (handle->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete handle;
}

extern "C" {

int zynqnn_abi_version(void) { return ZYNQNN_ABI_VERSION; }

const char* zynqnn_last_error(void) { return t_last_error.c_str(); }

const char* zynqnn_status_name(int status) {
  switch (status) {
    case ZYNQNN_OK: return "ok";
    case ZYNQNN_INVALID_ARGUMENT: return "invalid_argument";
    case ZYNQNN_OUT_OF_RANGE: return "out_of_range";
    case ZYNQNN_BAD_STATE: return "bad_state";
    case ZYNQNN_TIMEOUT: return "timeout";
    case ZYNQNN_DMA_ERROR: return "dma_error";
    case ZYNQNN_IO: return "io";
    case ZYNQNN_PARSE: return "parse";
    case ZYNQNN_UNSUPPORTED: return "unsupported";
    case ZYNQNN_NOT_FOUND: return "not_found";
    case ZYNQNN_INTERNAL: return "internal";
    case ZYNQNN_SHORT_OUTPUT: return "short_output";
    case ZYNQNN_PENDING: return "pending";
    default: return "unknown";
  }
}

int zynqnn_open(const char* manifest_path, const char* board, zynqnn_accelerator** out) {
  return guarded([&] {
    if (!manifest_path || !board || !out)
      return fail(ZYNQNN_INVALID_ARGUMENT, "zynqnn_open: manifest_path, board and out must not be NULL");
    *out = nullptr;
    auto handle = std::make_unique<zynqnn_accelerator>();
    handle->device = std::make_unique<zynqnn::SharedAccelerator>(zynqnn::open_accelerator(manifest_path, board));
    handle->manifest_path = manifest_path;
    for (int direction : {ZYNQNN_INPUT, ZYNQNN_OUTPUT}) {
      for (const zynqnn::StreamInfo& stream : streams_of(handle.get(), direction)) {
        handle->infos[direction].push_back(zynqnn_stream_info{
            stream.name.c_str(), stream.dtype.c_str(), stream.shape.size(), stream.shape.data(),
            stream.element_bits, stream.elements, stream.bytes});
      }
    }
    *out = handle.release();
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_shutdown(zynqnn_accelerator* accelerator) {
  if (!accelerator) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  return guarded([&] {
    try {
      zynqnn::capi::abort_started(accelerator);  // a started call holds the device
    } catch (const zynqnn::Error&) {
      // A soft reset that did not complete: the device was released all the same.
    }
    if (!accelerator->device->close(zynqnn::capi::kDeviceWait)) {
      return fail(ZYNQNN_TIMEOUT, "zynqnn_shutdown: the call in flight kept the device for " +
                                      std::to_string(zynqnn::capi::kDeviceWait.count() / 1'000'000'000) +
                                      " s; later calls are refused, the device is still open");
    }
    return static_cast<int>(ZYNQNN_OK);
  });
}

void zynqnn_close(zynqnn_accelerator* accelerator) {
  if (!accelerator) return;
  if (accelerator->close_pending.exchange(true)) return;  // closed already
  // A device that a call still holds past the wait is left open rather than freed under it.
  if (zynqnn_shutdown(accelerator) != ZYNQNN_OK) return;
  zynqnn::capi::release_reference(accelerator);  // the last watchdog destroyed frees it otherwise
}

int zynqnn_stream_count(const zynqnn_accelerator* accelerator, int direction, size_t* count) {
  if (int status = check_direction(accelerator, direction)) return status;
  if (!count) return fail(ZYNQNN_INVALID_ARGUMENT, "count is NULL");
  *count = accelerator->infos[direction].size();
  return ZYNQNN_OK;
}

int zynqnn_stream_info_get(const zynqnn_accelerator* accelerator, int direction, size_t index,
                           zynqnn_stream_info* info) {
  if (int status = check_direction(accelerator, direction)) return status;
  if (!info) return fail(ZYNQNN_INVALID_ARGUMENT, "info is NULL");
  const auto& infos = accelerator->infos[direction];
  if (index >= infos.size())
    return fail(ZYNQNN_OUT_OF_RANGE, "stream index " + std::to_string(index) + " >= " + std::to_string(infos.size()));
  *info = infos[index];
  return ZYNQNN_OK;
}

int zynqnn_stream_buffer(zynqnn_accelerator* accelerator, int direction, size_t index, void** data,
                         size_t* bytes) {
  if (int status = check_direction(accelerator, direction)) return status;
  if (!data || !bytes) return fail(ZYNQNN_INVALID_ARGUMENT, "data and bytes must not be NULL");
  return guarded([&] {
    const auto& infos = accelerator->infos[direction];
    if (index >= infos.size())
      return fail(ZYNQNN_OUT_OF_RANGE, "stream index " + std::to_string(index) + " >= " + std::to_string(infos.size()));
    const Session session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    if (direction == ZYNQNN_INPUT) {
      const std::span<std::byte> buffer = session->input_buffer(index);
      *data = buffer.data();
      *bytes = buffer.size();
    } else {
      const std::span<const std::byte> buffer = session->output_buffer(index);
      *data = const_cast<std::byte*>(buffer.data());
      *bytes = buffer.size();
    }
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_stream_physical_address(const zynqnn_accelerator* accelerator, int direction, size_t index,
                                   uint64_t* address) {
  if (int status = check_direction(accelerator, direction)) return status;
  if (!address) return fail(ZYNQNN_INVALID_ARGUMENT, "address is NULL");
  return guarded([&] {
    const auto& infos = accelerator->infos[direction];
    if (index >= infos.size())
      return fail(ZYNQNN_OUT_OF_RANGE, "stream index " + std::to_string(index) + " >= " + std::to_string(infos.size()));
    const Session session = const_cast<zynqnn_accelerator*>(accelerator)->device->acquire(zynqnn::capi::kDeviceWait);
    *address = session->buffer_physical_address(
        direction == ZYNQNN_INPUT ? zynqnn::StreamDirection::input : zynqnn::StreamDirection::output, index);
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_run(zynqnn_accelerator* accelerator, int64_t timeout_ns, zynqnn_call_result* result) {
  if (!accelerator) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  if (timeout_ns <= 0) return fail(ZYNQNN_INVALID_ARGUMENT, "timeout_ns must be positive");
  return guarded([&] { return run_call(accelerator, acquire(accelerator, timeout_ns), timeout_ns, result); });
}

int zynqnn_run_buffers(zynqnn_accelerator* accelerator, const void* const* inputs, void* const* outputs,
                       int64_t timeout_ns, zynqnn_call_result* result) {
  if (!accelerator) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  if (timeout_ns <= 0) return fail(ZYNQNN_INVALID_ARGUMENT, "timeout_ns must be positive");
  return guarded([&] {
    const auto& in_streams = accelerator->device->inputs();
    const auto& out_streams = accelerator->device->outputs();
    for (std::size_t i = 0; i < in_streams.size(); ++i) {
      if (!inputs || !inputs[i]) return fail(ZYNQNN_INVALID_ARGUMENT, "input " + std::to_string(i) + " is NULL");
    }
    const Session session = acquire(accelerator, timeout_ns);
    // Registered external buffers are used in place: neither copied in nor out.
    const zynqnn::capi::ExternalUse external(session, inputs, outputs);
    for (std::size_t i = 0; i < in_streams.size(); ++i) {
      void* buffer = session->input_buffer(i).data();
      if (buffer != inputs[i] && !external.inputs[i]) std::memcpy(buffer, inputs[i], in_streams[i].bytes);
    }
    const int status = run_call(accelerator, session, timeout_ns, result);
    if (status != ZYNQNN_OK || !outputs) return status;  // never hand out a partial result
    for (std::size_t j = 0; j < out_streams.size(); ++j) {
      const void* buffer = session->output_buffer(j).data();
      if (outputs[j] && outputs[j] != buffer && !external.outputs[j])
        std::memcpy(outputs[j], buffer, out_streams[j].bytes);
    }
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_run_named(zynqnn_accelerator* accelerator, size_t input_count, const char* const* input_names,
                     const void* const* inputs, const size_t* input_bytes, size_t output_count,
                     const char* const* output_names, void* const* outputs, const size_t* output_bytes,
                     int64_t timeout_ns, zynqnn_call_result* result) {
  if (!accelerator) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  if (timeout_ns <= 0) return fail(ZYNQNN_INVALID_ARGUMENT, "timeout_ns must be positive");
  return guarded([&] {
    const zynqnn::SharedAccelerator& acc = *accelerator->device;
    const auto& in_streams = acc.inputs();
    if (input_count != in_streams.size())
      return fail(ZYNQNN_INVALID_ARGUMENT, "expected " + std::to_string(in_streams.size()) + " inputs, got " +
                                               std::to_string(input_count));
    // Check everything before touching any buffer: a wrong call leaves no trace.
    std::vector<long> in_index(input_count), out_index(output_count);
    std::vector<bool> seen(in_streams.size(), false);
    for (size_t i = 0; i < input_count; ++i) {
      if (!input_names || !input_names[i] || !inputs || !inputs[i] || !input_bytes)
        return fail(ZYNQNN_INVALID_ARGUMENT, "input " + std::to_string(i) + ": NULL name, data or size");
      in_index[i] = find_stream(in_streams, input_names[i]);
      if (in_index[i] < 0) return fail(ZYNQNN_NOT_FOUND, std::string("no input stream named '") + input_names[i] + "'");
      if (seen[in_index[i]]) return fail(ZYNQNN_INVALID_ARGUMENT, std::string("input '") + input_names[i] + "' given twice");
      seen[in_index[i]] = true;
      const std::size_t expected = in_streams[in_index[i]].bytes;
      if (input_bytes[i] != expected)
        return fail(ZYNQNN_INVALID_ARGUMENT, std::string("input '") + input_names[i] + "': " +
                                                 std::to_string(input_bytes[i]) + " bytes, expected " +
                                                 std::to_string(expected));
    }
    for (size_t j = 0; j < output_count; ++j) {
      if (!output_names || !output_names[j] || !outputs || !outputs[j] || !output_bytes)
        return fail(ZYNQNN_INVALID_ARGUMENT, "output " + std::to_string(j) + ": NULL name, data or size");
      out_index[j] = find_stream(acc.outputs(), output_names[j]);
      if (out_index[j] < 0) return fail(ZYNQNN_NOT_FOUND, std::string("no output stream named '") + output_names[j] + "'");
      const std::size_t expected = acc.outputs()[out_index[j]].bytes;
      if (output_bytes[j] != expected)
        return fail(ZYNQNN_INVALID_ARGUMENT, std::string("output '") + output_names[j] + "': " +
                                                 std::to_string(output_bytes[j]) + " bytes, expected " +
                                                 std::to_string(expected));
    }
    const Session session = acquire(accelerator, timeout_ns);
    for (size_t i = 0; i < input_count; ++i)
      std::memcpy(session->input_buffer(in_index[i]).data(), inputs[i], input_bytes[i]);
    const int status = run_call(accelerator, session, timeout_ns, result);
    if (status != ZYNQNN_OK) return status;  // never hand out a partial result
    for (size_t j = 0; j < output_count; ++j)
      std::memcpy(outputs[j], session->output_buffer(out_index[j]).data(), output_bytes[j]);
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_abort(zynqnn_accelerator* accelerator) {
  if (!accelerator) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  return guarded([&] {
    if (zynqnn::capi::abort_started(accelerator)) return static_cast<int>(ZYNQNN_OK);
    const Session session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    session->abort();
    accelerator->needs_abort = false;
    std::lock_guard lock(accelerator->stats_lock);
    ++accelerator->stats.aborts;
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_reconfigure(zynqnn_accelerator* accelerator) {
  if (!accelerator) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator handle is NULL");
  return guarded([&] {
    const Session session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    session->reconfigure();
    accelerator->needs_abort = false;
    std::lock_guard lock(accelerator->stats_lock);
    ++accelerator->stats.reconfigurations;
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_stats_get(const zynqnn_accelerator* accelerator, zynqnn_stats* stats) {
  if (!accelerator || !stats) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator and stats must not be NULL");
  std::lock_guard lock(const_cast<zynqnn_accelerator*>(accelerator)->stats_lock);
  *stats = accelerator->stats;
  return ZYNQNN_OK;
}

int zynqnn_inject_fault(zynqnn_accelerator* accelerator, const char* kind, int persistent) {
  if (!accelerator || !kind) return fail(ZYNQNN_INVALID_ARGUMENT, "accelerator and kind must not be NULL");
  return guarded([&] {
    const Session session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    zynqnn::capi::inject_fault(session->board(), kind, persistent != 0);
    return static_cast<int>(ZYNQNN_OK);
  });
}

}  // extern "C"
