#pragma once
// The CPU fallback the C ABI's watchdog may use: the manifest's kernel computed on the host.
#include <string>

#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/watchdog/watchdog.hpp"

namespace zynqnn::capi {

// The kernel's C-simulation library (artifacts.sim_library) called on the host, for an
// accelerator on the virtual board; Error(unsupported) on any other board, not_found when the
// manifest names no library.
watchdog::CpuFallback cpu_fallback_for(const std::string& manifest_path, Accelerator& accelerator);

}  // namespace zynqnn::capi
