#include "capi/watchdog_fallback.hpp"

#include "zynqnn/core/error.hpp"

namespace zynqnn::capi {

watchdog::CpuFallback cpu_fallback_for(const std::string& manifest_path, Accelerator& /*accelerator*/) {
  throw Error(ErrorCode::unsupported, "no CPU fallback is available for this kernel in this build",
              manifest_path + ": zynqnn_watchdog_config.use_fallback");
}

}  // namespace zynqnn::capi
