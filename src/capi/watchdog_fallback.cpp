#include "capi/watchdog_fallback.hpp"

#include "zynqnn/accelerator/cpu_fallback.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::capi {

watchdog::CpuFallback cpu_fallback_for(const std::string& manifest_path, Accelerator& accelerator) {
  // On the virtual board the PL runs the very C-simulation library the fallback calls, so the
  // fallback computes exactly what the PL would. Elsewhere it is not offered (yet).
  if (dynamic_cast<virtual_board::VirtualBoard*>(&accelerator.board()) == nullptr) {
    throw Error(ErrorCode::unsupported,
                "the CPU fallback is offered on the virtual board only, not on \"" + accelerator.board().name() + "\"",
                "zynqnn_watchdog_config.use_fallback");
  }
  return cpu_fallback_from_manifest(manifest_path);
}

}  // namespace zynqnn::capi
