// The C ABI of external DMA buffers (zynqnn_register_buffer, zynqnn_unregister_buffer) and of
// buffers from the board's own DMA memory (zynqnn_dma_buffer_*): what lets a caller hand the
// accelerator memory it allocated itself, such as a pynq.allocate buffer, without a copy.
#include <fmt/format.h>

#include <memory>

#include "capi/accelerator_handle.hpp"
#include "capi/external_buffers.hpp"
#include "capi/last_error.hpp"
#include "zynqnn/accelerator/dma_accelerator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/zynqnn.h"

struct zynqnn_dma_buffer {
  std::unique_ptr<zynqnn::DmaBuffer> buffer;
};

namespace {

using zynqnn::capi::guarded_call;
using zynqnn::capi::set_error;

zynqnn::StreamDirection stream_direction(int direction) {
  return direction == ZYNQNN_INPUT ? zynqnn::StreamDirection::input : zynqnn::StreamDirection::output;
}

zynqnn::DmaAccelerator& dma_accelerator(const zynqnn::SharedAccelerator::Session& session, const char* what) {
  auto* device = dynamic_cast<zynqnn::DmaAccelerator*>(&*session);
  if (device == nullptr)
    throw zynqnn::Error(zynqnn::ErrorCode::unsupported, "this accelerator has no DMA buffers to register with", what);
  return *device;
}

int check_stream(const zynqnn_accelerator* accelerator, int direction, const char* what) {
  if (!accelerator) return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("{}: accelerator handle is NULL", what));
  if (direction != ZYNQNN_INPUT && direction != ZYNQNN_OUTPUT)
    return set_error(ZYNQNN_INVALID_ARGUMENT,
                     fmt::format("{}: direction must be ZYNQNN_INPUT (0) or ZYNQNN_OUTPUT (1)", what));
  return ZYNQNN_OK;
}

}  // namespace

zynqnn::capi::ExternalUse::ExternalUse(const SharedAccelerator::Session& session, const void* const* inputs_given,
                                       void* const* outputs_given)
    : inputs(session->inputs().size(), false),
      outputs(session->outputs().size(), false),
      device_(dynamic_cast<DmaAccelerator*>(&*session)) {
  if (device_ == nullptr) return;
  for (std::size_t i = 0; inputs_given && i < inputs.size(); ++i) {
    if (device_->is_external_buffer(StreamDirection::input, i, inputs_given[i])) {
      device_->use_external_for_next_call(StreamDirection::input, i, inputs_given[i]);
      inputs[i] = true;
    }
  }
  for (std::size_t j = 0; outputs_given && j < outputs.size(); ++j) {
    if (device_->is_external_buffer(StreamDirection::output, j, outputs_given[j])) {
      device_->use_external_for_next_call(StreamDirection::output, j, outputs_given[j]);
      outputs[j] = true;
    }
  }
}

zynqnn::capi::ExternalUse::~ExternalUse() {
  if (device_ != nullptr) device_->use_own_buffers_for_next_call();
}

extern "C" {

int zynqnn_register_buffer(zynqnn_accelerator* accelerator, int direction, size_t index, void* data, size_t bytes,
                           uint64_t physical_address) {
  if (int status = check_stream(accelerator, direction, "zynqnn_register_buffer")) return status;
  return guarded_call([&] {
    const auto session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    dma_accelerator(session, "zynqnn_register_buffer")
        .register_external_buffer(stream_direction(direction), index, static_cast<std::byte*>(data), bytes,
                                  physical_address);
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_unregister_buffer(zynqnn_accelerator* accelerator, int direction, size_t index, const void* data) {
  if (int status = check_stream(accelerator, direction, "zynqnn_unregister_buffer")) return status;
  return guarded_call([&] {
    const auto session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    dma_accelerator(session, "zynqnn_unregister_buffer")
        .unregister_external_buffer(stream_direction(direction), index, data);
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_dma_buffer_allocate(zynqnn_accelerator* accelerator, size_t bytes, size_t alignment,
                               zynqnn_dma_buffer** out, void** data, uint64_t* physical_address) {
  if (!accelerator || !out || !data || !physical_address)
    return set_error(ZYNQNN_INVALID_ARGUMENT,
                     "zynqnn_dma_buffer_allocate: accelerator, out, data and physical_address must not be NULL");
  *out = nullptr;
  return guarded_call([&] {
    const auto session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    auto handle = std::make_unique<zynqnn_dma_buffer>();
    handle->buffer = session->board().memory().allocate(bytes, alignment);
    *data = handle->buffer->data();
    *physical_address = handle->buffer->physical_address();
    *out = handle.release();
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_dma_buffer_sync(zynqnn_dma_buffer* buffer, int direction, size_t offset, size_t length) {
  if (!buffer) return set_error(ZYNQNN_INVALID_ARGUMENT, "zynqnn_dma_buffer_sync: buffer is NULL");
  if (direction != ZYNQNN_INPUT && direction != ZYNQNN_OUTPUT)
    return set_error(ZYNQNN_INVALID_ARGUMENT,
                     "zynqnn_dma_buffer_sync: direction must be ZYNQNN_INPUT (0) or ZYNQNN_OUTPUT (1)");
  return guarded_call([&] {
    if (direction == ZYNQNN_INPUT)
      buffer->buffer->sync_for_device(offset, length);
    else
      buffer->buffer->sync_for_cpu(offset, length);
    return static_cast<int>(ZYNQNN_OK);
  });
}

void zynqnn_dma_buffer_free(zynqnn_dma_buffer* buffer) { delete buffer; }

}  // extern "C"
