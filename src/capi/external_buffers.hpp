#pragma once
// Registered external buffers in the calls of the C ABI (external_buffer_capi.cpp).
#include <vector>

#include "zynqnn/accelerator/dma_accelerator.hpp"
#include "zynqnn/accelerator/shared_accelerator.hpp"

namespace zynqnn::capi {

// For one call on `session`'s device: every input or output pointer that is a buffer registered
// for its stream (zynqnn_register_buffer) is used by the DMA directly; `inputs` and `outputs`
// say which were (those are neither copied in nor out). NULL arrays and entries are skipped; a
// device that is not a DmaAccelerator has no registered buffers. The choice holds for the next
// call only, and is withdrawn when this object goes, in case that call never started.
class ExternalUse {
 public:
  ExternalUse(const SharedAccelerator::Session& session, const void* const* inputs, void* const* outputs);
  ~ExternalUse();
  ExternalUse(const ExternalUse&) = delete;
  ExternalUse& operator=(const ExternalUse&) = delete;

  std::vector<bool> inputs;
  std::vector<bool> outputs;

 private:
  DmaAccelerator* device_;
};

}  // namespace zynqnn::capi
