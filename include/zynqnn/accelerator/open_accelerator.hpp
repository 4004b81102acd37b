#pragma once
// Opens the kernel a manifest describes on a board: "virtual" (the virtual board running the
// manifest's C-simulation library) or the path of a .hwh of the design loaded on a real board.
#include <memory>
#include <string>

#include "zynqnn/runtime/accelerator.hpp"

namespace zynqnn {

std::unique_ptr<Accelerator> open_accelerator(const std::string& manifest_path, const std::string& board);

}  // namespace zynqnn
