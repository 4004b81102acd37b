#include "output_check.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace zynqnn::watchdog::detail {
namespace {

template <typename T>
T load(const std::byte* at) {
  T value;
  std::memcpy(&value, at, sizeof value);  // little-endian on both the host and the Cortex-A9
  return value;
}

template <typename T>
constexpr double lowest_of() {
  return static_cast<double>(std::numeric_limits<T>::lowest());
}
template <typename T>
constexpr double highest_of() {
  return static_cast<double>(std::numeric_limits<T>::max());
}

std::size_t element_size(ElementType type) {
  switch (type) {
    case ElementType::int8:
    case ElementType::uint8: return 1;
    case ElementType::int16:
    case ElementType::uint16: return 2;
    case ElementType::int32:
    case ElementType::uint32:
    case ElementType::float32: return 4;
    case ElementType::unreadable: break;
  }
  return 0;
}

}  // namespace

ElementType element_type(const StreamInfo& stream) {
  const std::string& t = stream.dtype;
  ElementType type = ElementType::unreadable;
  if (t == "int8") type = ElementType::int8;
  else if (t == "uint8") type = ElementType::uint8;
  else if (t == "int16") type = ElementType::int16;
  else if (t == "uint16") type = ElementType::uint16;
  else if (t == "int32") type = ElementType::int32;
  else if (t == "uint32") type = ElementType::uint32;
  else if (t == "float32") type = ElementType::float32;
  if (type == ElementType::unreadable || 8 * element_size(type) != stream.element_bits) return ElementType::unreadable;
  return type;
}

bool range_checkable(const StreamInfo& stream) { return element_type(stream) != ElementType::unreadable; }

std::size_t readable_elements(ElementType type, std::size_t elements, std::size_t bytes) {
  const std::size_t size = element_size(type);
  return size == 0 ? 0 : std::min(elements, bytes / size);
}

std::optional<std::size_t> first_non_finite(const StreamInfo& stream, std::span<const std::byte> bytes) {
  if (element_type(stream) != ElementType::float32) return std::nullopt;
  return first_non_finite(bytes, readable_elements(ElementType::float32, stream.elements, bytes.size()));
}

std::optional<std::size_t> first_non_finite(std::span<const std::byte> bytes, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    if (!std::isfinite(load<float>(bytes.data() + 4 * k))) return k;
  }
  return std::nullopt;
}

namespace {

// The exact element-wise pass: the first element outside [min, max] and its value.
template <typename T>
std::optional<OutOfRange> first_outside(std::span<const std::byte> bytes, std::size_t n, double min, double max) {
  for (std::size_t k = 0; k < n; ++k) {
    const double value = static_cast<double>(load<T>(bytes.data() + sizeof(T) * k));
    if (!(value >= min && value <= max)) return OutOfRange{k, value};
  }
  return std::nullopt;
}

// The integer bounds [low, high] of [min, max] for T. (Integers are exact in double.)
template <typename T>
IntegerBounds bounds_of(double min, double max) {
  using U = std::make_unsigned_t<T>;
  constexpr double lowest = static_cast<double>(std::numeric_limits<T>::lowest());
  constexpr double highest = static_cast<double>(std::numeric_limits<T>::max());
  IntegerBounds bounds;
  if (min > highest || max < lowest || !(min <= max)) {
    bounds.holds_none = true;
    return bounds;
  }
  const T low = static_cast<T>(std::ceil(std::max(min, lowest)));
  const T high = static_cast<T>(std::floor(std::min(max, highest)));
  // A range between two adjacent integers (low > high after rounding) holds no integer.
  bounds.holds_none = high < low;
  bounds.low = static_cast<U>(low);
  bounds.high = static_cast<U>(high);
  return bounds;
}

// True when some element lies outside [low, high]: a branch-free pass that keeps the smallest
// and the largest element of each lane and compares them with the bounds once at the end.
// 32-byte vectors (GCC/Clang vector extensions: AVX2 on x86-64, where a min or max reads its
// vector straight from memory, two instructions per vector; two NEON registers or scalar code
// on ARM), four per step, the rest in 16-byte vectors and single elements.
template <typename T>
[[gnu::always_inline]] inline bool any_outside(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  using Wide [[gnu::vector_size(32)]] = T;
  using Narrow [[gnu::vector_size(16)]] = T;
  const T low = static_cast<T>(bounds.low);
  const T high = static_cast<T>(bounds.high);
  constexpr std::size_t wide_lanes = 32 / sizeof(T);
  constexpr std::size_t narrow_lanes = 16 / sizeof(T);
  constexpr std::size_t step = 4 * wide_lanes;
  // Folds the vector at `at` into the running minimum and maximum. Nothing returns a vector:
  // a 32-byte one changes the ABI without AVX.
  const auto fold = [&]<typename V>(V& smallest, V& largest, std::size_t at) {
    V v;
    std::memcpy(&v, bytes + sizeof(T) * at, sizeof v);
    smallest = v < smallest ? v : smallest;
    largest = v > largest ? v : largest;
  };
  // Both start inside the range (high >= low here), so they end outside it only by an element.
  Wide smallest_a = high - Wide{};
  Wide largest_a = low - Wide{};
  Wide smallest_b = high - Wide{};
  Wide largest_b = low - Wide{};
  std::size_t k = 0;
  for (; k + step <= n; k += step) {
    fold(smallest_a, largest_a, k);
    fold(smallest_b, largest_b, k + wide_lanes);
    fold(smallest_a, largest_a, k + 2 * wide_lanes);
    fold(smallest_b, largest_b, k + 3 * wide_lanes);
  }
  for (; k + wide_lanes <= n; k += wide_lanes) fold(smallest_a, largest_a, k);
  smallest_a = smallest_b < smallest_a ? smallest_b : smallest_a;
  largest_a = largest_b > largest_a ? largest_b : largest_a;
  // The lanes outside the bounds as a mask (unsigned, so that it can be ORed).
  using Mask [[gnu::vector_size(32)]] = std::make_unsigned_t<T>;
  Mask outside = (Mask)((smallest_a < low) | (largest_a > high));
  using NarrowMask [[gnu::vector_size(16)]] = std::make_unsigned_t<T>;
  NarrowMask low_half;
  NarrowMask high_half;
  std::memcpy(&low_half, &outside, sizeof low_half);
  std::memcpy(&high_half, reinterpret_cast<const std::byte*>(&outside) + sizeof low_half, sizeof high_half);
  NarrowMask rest = low_half | high_half;
  for (; k + narrow_lanes <= n; k += narrow_lanes) {
    Narrow v;
    std::memcpy(&v, bytes + sizeof(T) * k, sizeof v);
    rest |= (NarrowMask)((v < low) | (v > high));
  }
  std::uint64_t words[2];
  std::memcpy(words, &rest, sizeof words);
  bool any = (words[0] | words[1]) != 0;
  for (; k < n; ++k) {
    const T value = load<T>(bytes + sizeof(T) * k);
    any |= value < low || value > high;
  }
  return any;
}

// One entry per element type. On x86-64 each is also compiled for AVX2 and SSE4.1 (which have
// every min and max; SSE2 lacks some and emulates them) and the loader picks the variant the
// CPU runs (GCC/Clang function multiversioning); elsewhere there is one. Not under
// ThreadSanitizer: the loader runs the variant resolver before the sanitizer's runtime is
// initialised, and the program crashes at start.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ZYNQNN_THREAD_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define ZYNQNN_THREAD_SANITIZER 1
#endif
#if defined(__x86_64__) && defined(__has_attribute) && !defined(ZYNQNN_THREAD_SANITIZER)
#if __has_attribute(target_clones)
#define ZYNQNN_SCAN_VARIANTS [[gnu::target_clones("avx2", "sse4.1", "default")]]
#endif
#endif
#ifndef ZYNQNN_SCAN_VARIANTS
#define ZYNQNN_SCAN_VARIANTS
#endif
ZYNQNN_SCAN_VARIANTS bool any_outside_int8(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  return any_outside<std::int8_t>(bytes, n, bounds);
}
ZYNQNN_SCAN_VARIANTS bool any_outside_uint8(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  return any_outside<std::uint8_t>(bytes, n, bounds);
}
ZYNQNN_SCAN_VARIANTS bool any_outside_int16(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  return any_outside<std::int16_t>(bytes, n, bounds);
}
ZYNQNN_SCAN_VARIANTS bool any_outside_uint16(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  return any_outside<std::uint16_t>(bytes, n, bounds);
}
ZYNQNN_SCAN_VARIANTS bool any_outside_int32(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  return any_outside<std::int32_t>(bytes, n, bounds);
}
ZYNQNN_SCAN_VARIANTS bool any_outside_uint32(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  return any_outside<std::uint32_t>(bytes, n, bounds);
}
#undef ZYNQNN_SCAN_VARIANTS

template <typename T>
bool any_outside_of(const std::byte* bytes, std::size_t n, const IntegerBounds& bounds) {
  if constexpr (std::is_same_v<T, std::int8_t>) return any_outside_int8(bytes, n, bounds);
  if constexpr (std::is_same_v<T, std::uint8_t>) return any_outside_uint8(bytes, n, bounds);
  if constexpr (std::is_same_v<T, std::int16_t>) return any_outside_int16(bytes, n, bounds);
  if constexpr (std::is_same_v<T, std::uint16_t>) return any_outside_uint16(bytes, n, bounds);
  if constexpr (std::is_same_v<T, std::int32_t>) return any_outside_int32(bytes, n, bounds);
  if constexpr (std::is_same_v<T, std::uint32_t>) return any_outside_uint32(bytes, n, bounds);
}

// The first `elements` elements, as far as the buffer goes (readable_elements).
template <typename T>
std::optional<OutOfRange> scan(std::span<const std::byte> bytes, std::size_t elements, const PreparedRange& range) {
  const std::size_t n = std::min(elements, bytes.size() / sizeof(T));
  if constexpr (std::is_integral_v<T>) {
    // The element is located (exactly, in double) only when something is out of range.
    if (n == 0 || (!range.bounds.holds_none && !any_outside_of<T>(bytes.data(), n, range.bounds))) return std::nullopt;
  }
  return first_outside<T>(bytes, n, range.min, range.max);
}

}  // namespace

bool range_can_fail(ElementType type, double min, double max) {
  auto covers = [&](double lowest, double highest) { return min <= lowest && max >= highest; };
  switch (type) {
    case ElementType::int8: return !covers(lowest_of<std::int8_t>(), highest_of<std::int8_t>());
    case ElementType::uint8: return !covers(lowest_of<std::uint8_t>(), highest_of<std::uint8_t>());
    case ElementType::int16: return !covers(lowest_of<std::int16_t>(), highest_of<std::int16_t>());
    case ElementType::uint16: return !covers(lowest_of<std::uint16_t>(), highest_of<std::uint16_t>());
    case ElementType::int32: return !covers(lowest_of<std::int32_t>(), highest_of<std::int32_t>());
    case ElementType::uint32: return !covers(lowest_of<std::uint32_t>(), highest_of<std::uint32_t>());
    case ElementType::float32:  // NaN and the infinities are outside every finite range
    case ElementType::unreadable: break;
  }
  return true;
}

PreparedRange prepare_range(ElementType type, double min, double max) {
  PreparedRange range;
  range.type = type;
  range.min = min;
  range.max = max;
  switch (type) {
    case ElementType::int8: range.bounds = bounds_of<std::int8_t>(min, max); break;
    case ElementType::uint8: range.bounds = bounds_of<std::uint8_t>(min, max); break;
    case ElementType::int16: range.bounds = bounds_of<std::int16_t>(min, max); break;
    case ElementType::uint16: range.bounds = bounds_of<std::uint16_t>(min, max); break;
    case ElementType::int32: range.bounds = bounds_of<std::int32_t>(min, max); break;
    case ElementType::uint32: range.bounds = bounds_of<std::uint32_t>(min, max); break;
    case ElementType::float32:
    case ElementType::unreadable: break;
  }
  return range;
}

std::optional<OutOfRange> first_out_of_range(const PreparedRange& range, std::span<const std::byte> bytes,
                                             std::size_t elements) {
  switch (range.type) {
    case ElementType::int8: return scan<std::int8_t>(bytes, elements, range);
    case ElementType::uint8: return scan<std::uint8_t>(bytes, elements, range);
    case ElementType::int16: return scan<std::int16_t>(bytes, elements, range);
    case ElementType::uint16: return scan<std::uint16_t>(bytes, elements, range);
    case ElementType::int32: return scan<std::int32_t>(bytes, elements, range);
    case ElementType::uint32: return scan<std::uint32_t>(bytes, elements, range);
    case ElementType::float32: return scan<float>(bytes, elements, range);
    case ElementType::unreadable: break;
  }
  return std::nullopt;  // nothing readable
}

std::optional<OutOfRange> first_out_of_range(ElementType type, std::span<const std::byte> bytes, std::size_t elements,
                                             double min, double max) {
  return first_out_of_range(prepare_range(type, min, max), bytes, elements);
}

std::optional<OutOfRange> first_out_of_range(const StreamInfo& stream, std::span<const std::byte> bytes, double min,
                                             double max) {
  return first_out_of_range(element_type(stream), bytes, stream.elements, min, max);
}

}  // namespace zynqnn::watchdog::detail
