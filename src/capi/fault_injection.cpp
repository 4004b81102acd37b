#include "capi/fault_injection.hpp"

#include <array>
#include <string>

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::capi {

void inject_fault(Board& board, std::string_view kind, bool persistent) {
  auto* virtual_board = dynamic_cast<virtual_board::VirtualBoard*>(&board);
  if (!virtual_board)
    throw Error(ErrorCode::unsupported, "fault injection needs the virtual board, not \"" + board.name() + "\"",
                "zynqnn_inject_fault");
  using virtual_board::FaultKind;
  constexpr std::array kinds{FaultKind::hang,           FaultKind::stall,     FaultKind::missing_tlast,
                             FaultKind::extra_words,    FaultKind::corrupt_output, FaultKind::bus_error,
                             FaultKind::load_failure};
  for (FaultKind candidate : kinds) {
    if (kind == virtual_board::to_string(candidate)) {
      virtual_board::Fault fault{candidate};
      fault.persistent = persistent;
      virtual_board->inject(fault);
      return;
    }
  }
  throw Error(ErrorCode::invalid_argument,
              "unknown fault kind \"" + std::string(kind) +
                  "\" (hang, stall, missing_tlast, extra_words, corrupt_output, bus_error, load_failure)",
              "zynqnn_inject_fault");
}

}  // namespace zynqnn::capi
