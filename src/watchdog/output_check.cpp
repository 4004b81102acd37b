#include "output_check.hpp"

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

std::size_t dtype_bits(const std::string& dtype) {
  if (dtype == "int8" || dtype == "uint8") return 8;
  if (dtype == "int16" || dtype == "uint16") return 16;
  if (dtype == "int32" || dtype == "uint32" || dtype == "float32") return 32;
  return 0;
}

// Elements that fit in the bytes actually present.
std::size_t readable_elements(const StreamInfo& stream, std::span<const std::byte> bytes) {
  const std::size_t size = stream.element_bits / 8;
  return size == 0 ? 0 : std::min(stream.elements, bytes.size() / size);
}

}  // namespace

bool range_checkable(const StreamInfo& stream) {
  const std::size_t bits = dtype_bits(stream.dtype);
  return bits != 0 && bits == stream.element_bits;
}

std::optional<std::size_t> first_non_finite(const StreamInfo& stream, std::span<const std::byte> bytes) {
  if (stream.dtype != "float32" || stream.element_bits != 32) return std::nullopt;
  const std::size_t n = readable_elements(stream, bytes);
  for (std::size_t k = 0; k < n; ++k) {
    if (!std::isfinite(load<float>(bytes.data() + 4 * k))) return k;
  }
  return std::nullopt;
}

namespace {

template <typename T>
std::optional<OutOfRange> scan(std::span<const std::byte> bytes, std::size_t n, double min, double max) {
  if constexpr (std::is_integral_v<T>) {
    // The bounds as T once, then a branch-free pass the compiler vectorizes; the element is
    // located only when something is out of range. (Integers are exact in double.)
    constexpr double lowest = static_cast<double>(std::numeric_limits<T>::lowest());
    constexpr double highest = static_cast<double>(std::numeric_limits<T>::max());
    if (min > highest || max < lowest || !(min <= max)) {
      return n == 0 ? std::nullopt : std::optional<OutOfRange>(OutOfRange{0, static_cast<double>(load<T>(bytes.data()))});
    }
    const T low = static_cast<T>(std::ceil(std::max(min, lowest)));
    const T high = static_cast<T>(std::floor(std::min(max, highest)));
    // Blocks of a fixed size so that -O2's cheap vectorizer takes the inner loop.
    constexpr std::size_t block = 32;
    unsigned bad = 0;
    std::size_t k = 0;
    for (; k + block <= n; k += block) {
      T values[block];
      std::memcpy(values, bytes.data() + sizeof(T) * k, sizeof values);
      for (std::size_t j = 0; j < block; ++j) bad |= static_cast<unsigned>(values[j] < low) | static_cast<unsigned>(values[j] > high);
    }
    for (; k < n; ++k) {
      const T value = load<T>(bytes.data() + sizeof(T) * k);
      bad |= static_cast<unsigned>(value < low) | static_cast<unsigned>(value > high);
    }
    if (bad == 0) return std::nullopt;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const double value = static_cast<double>(load<T>(bytes.data() + sizeof(T) * k));
    if (!(value >= min && value <= max)) return OutOfRange{k, value};
  }
  return std::nullopt;
}

}  // namespace

std::optional<OutOfRange> first_out_of_range(const StreamInfo& stream, std::span<const std::byte> bytes, double min,
                                             double max) {
  const std::size_t n = readable_elements(stream, bytes);
  const std::string& t = stream.dtype;
  if (t == "int8") return scan<std::int8_t>(bytes, n, min, max);
  if (t == "uint8") return scan<std::uint8_t>(bytes, n, min, max);
  if (t == "int16") return scan<std::int16_t>(bytes, n, min, max);
  if (t == "uint16") return scan<std::uint16_t>(bytes, n, min, max);
  if (t == "int32") return scan<std::int32_t>(bytes, n, min, max);
  if (t == "uint32") return scan<std::uint32_t>(bytes, n, min, max);
  return scan<float>(bytes, n, min, max);
}

}  // namespace zynqnn::watchdog::detail
