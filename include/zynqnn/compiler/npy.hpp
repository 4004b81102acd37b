#pragma once
// NumPy .npy files (format 1.0/2.0/3.0, C order, little-endian float32/float64/uint8/int8):
// calibration inputs for int8 quantization.
#include <filesystem>

#include "zynqnn/graph/tensor.hpp"

namespace zynqnn::compiler {

// Float arrays come back as float32 (float64 is narrowed), integer arrays as their type.
// Throws io (unreadable), parse (not an .npy, sizes disagree) or unsupported (dtype, Fortran order).
graph::Tensor read_npy(const std::filesystem::path& path);

}  // namespace zynqnn::compiler
