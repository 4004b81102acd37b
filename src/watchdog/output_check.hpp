#pragma once
// Reads the elements of an output stream as numbers for the range and NaN checks.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "zynqnn/runtime/accelerator.hpp"

namespace zynqnn::watchdog::detail {

// True when range checks can read this stream (int8..uint32 or float32, one element per slot
// of its own size).
bool range_checkable(const StreamInfo& stream);

// The index of the first element that is NaN/inf (float32 only), or nullopt.
std::optional<std::size_t> first_non_finite(const StreamInfo& stream, std::span<const std::byte> bytes);

// The index and value of the first element outside [min, max], or nullopt.
struct OutOfRange {
  std::size_t index;
  double value;
};
std::optional<OutOfRange> first_out_of_range(const StreamInfo& stream, std::span<const std::byte> bytes, double min,
                                             double max);

}  // namespace zynqnn::watchdog::detail
