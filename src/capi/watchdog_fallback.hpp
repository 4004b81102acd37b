#pragma once
// The CPU fallback the C ABI's watchdog may use: the manifest's kernel computed on the host.
#include <string>

#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/watchdog/watchdog.hpp"

namespace zynqnn::capi {

// A fallback for the kernel of `manifest_path` as opened in `accelerator`. Error(unsupported)
// naming the reason when none can be made for this board or kernel.
watchdog::CpuFallback cpu_fallback_for(const std::string& manifest_path, Accelerator& accelerator);

}  // namespace zynqnn::capi
