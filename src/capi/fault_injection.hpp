#pragma once
// Fault injection through the C ABI: only the virtual board has faults to inject.
#include <string_view>

#include "zynqnn/runtime/board.hpp"

namespace zynqnn::capi {

// `kind`: hang, stall, missing_tlast, extra_words, corrupt_output, bus_error. Throws
// Error(unsupported) on a board other than the virtual one, invalid_argument for an unknown kind.
void inject_fault(Board& board, std::string_view kind, bool persistent);

}  // namespace zynqnn::capi
