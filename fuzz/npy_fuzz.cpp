// Fuzzes the .npy reader. Property: an accepted file re-serializes to an array that reads
// back identical.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  zynqnn::io::NpyArray array;
  try {
    array = zynqnn::io::parse_npy(std::span<const std::uint8_t>(data, size), "fuzz");
  } catch (const zynqnn::Error&) {
    return 0;
  }
  try {
    const auto again = zynqnn::io::parse_npy(zynqnn::io::serialize_npy(array), "again");
    if (again.dtype != array.dtype || again.shape != array.shape || again.data != array.data) std::abort();
  } catch (const zynqnn::Error&) {
    std::abort();
  }
  return 0;
}
