#pragma once
// Reads the elements of an output stream as numbers for the range and NaN checks. The stream's
// element type is resolved once (element_type) so that a call's checks compare no strings.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "zynqnn/runtime/accelerator.hpp"

namespace zynqnn::watchdog::detail {

enum class ElementType : std::uint8_t { int8, uint8, int16, uint16, int32, uint32, float32, unreadable };

// int8..uint32 or float32 with one element per slot of its own size; otherwise unreadable.
ElementType element_type(const StreamInfo& stream);

// True when range checks can read this stream.
bool range_checkable(const StreamInfo& stream);

// Elements that fit in `bytes` (a short buffer is read only as far as it goes).
std::size_t readable_elements(ElementType type, std::size_t elements, std::size_t bytes);

// The index of the first element that is NaN/inf (float32 only), or nullopt.
std::optional<std::size_t> first_non_finite(const StreamInfo& stream, std::span<const std::byte> bytes);
std::optional<std::size_t> first_non_finite(std::span<const std::byte> bytes, std::size_t elements);

// False when no element of the type can lie outside [min, max] (an integer type whose whole
// range is inside it): the scan can be skipped without weakening the check.
bool range_can_fail(ElementType type, double min, double max);

// The index and value of the first element outside [min, max], or nullopt.
struct OutOfRange {
  std::size_t index;
  double value;
};
std::optional<OutOfRange> first_out_of_range(const StreamInfo& stream, std::span<const std::byte> bytes, double min,
                                             double max);
// The same on a type resolved by element_type (not unreadable): the first `elements` elements.
std::optional<OutOfRange> first_out_of_range(ElementType type, std::span<const std::byte> bytes, std::size_t elements,
                                             double min, double max);

// An integer type's range as its scan compares it, the integers [low, high] in the type's
// unsigned bits: computed once per range, not once per call.
struct IntegerBounds {
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  bool holds_none = false;  // no value of the type lies in [min, max]
};
struct PreparedRange {
  ElementType type = ElementType::unreadable;
  double min = 0;
  double max = 0;
  IntegerBounds bounds;  // integer types only
};
PreparedRange prepare_range(ElementType type, double min, double max);
// The same answer as first_out_of_range(type, bytes, elements, min, max).
std::optional<OutOfRange> first_out_of_range(const PreparedRange& range, std::span<const std::byte> bytes,
                                             std::size_t elements);

}  // namespace zynqnn::watchdog::detail
