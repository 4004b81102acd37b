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

}  // namespace zynqnn
