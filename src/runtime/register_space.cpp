#include "zynqnn/runtime/register_space.hpp"

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn {

void RegisterSpace::refuse_access(std::uint32_t offset) const {
  throw Error(ErrorCode::out_of_range,
              fmt::format("register access at offset {:#x} refused: the mapped range is {:#x} bytes "
                          "and accesses must be 4-byte aligned",
                          offset, size_bytes_),
              "RegisterSpace");
}

void RegisterSpace::refuse_while_down(std::uint32_t offset) const {
  throw Error(ErrorCode::bad_state,
              fmt::format("register access at offset {:#x} refused: the PL is down ({}); nothing is touched "
                          "until a load succeeds",
                          offset, to_string(pl_->condition())),
              "RegisterSpace");
}

std::string_view to_string(PlCondition condition) noexcept {
  switch (condition) {
    case PlCondition::up: return "up";
    case PlCondition::loading: return "a load is in progress";
    case PlCondition::load_failed: return "the last load failed";
  }
  return "unknown";
}

}  // namespace zynqnn
