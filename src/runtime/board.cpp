// The board-wide rules every board shares: no register access while the PL is down.
#include "zynqnn/runtime/board.hpp"

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn {

std::unique_ptr<RegisterSpace> Board::map_registers(std::uint64_t base, std::size_t size) {
  if (!pl_up()) {
    throw Error(ErrorCode::bad_state,
                fmt::format("cannot map registers at {:#x}: the PL is down ({}); nothing is touched until a "
                            "load succeeds",
                            base, to_string(pl_condition())),
                name());
  }
  std::unique_ptr<RegisterSpace> space = map_device_registers(base, size);
  if (space) space->watch(pl_);
  return space;
}

void Board::reconfigure() {
  check_load_possible();
  run_load([this] { load_configuration(); });
}

}  // namespace zynqnn
