// The output range scan against a plain element-by-element reference: every element type,
// lengths around the vector widths, bounds that are fractional, outside the type or empty,
// and one bad element at every position.
#include "output_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace zynqnn::watchdog::detail {
namespace {

template <typename T>
std::optional<OutOfRange> reference(const std::vector<std::byte>& bytes, std::size_t n, double min, double max) {
  for (std::size_t k = 0; k < n; ++k) {
    T value;
    std::memcpy(&value, bytes.data() + sizeof(T) * k, sizeof value);
    const double v = static_cast<double>(value);
    if (!(v >= min && v <= max)) return OutOfRange{k, v};
  }
  return std::nullopt;
}

template <typename T>
void compare_with_reference(ElementType type) {
  std::mt19937_64 random(sizeof(T) * 7 + std::is_signed_v<T>);
  const double lowest = static_cast<double>(std::numeric_limits<T>::lowest());
  const double highest = static_cast<double>(std::numeric_limits<T>::max());
  std::uniform_real_distribution<double> bound(lowest - 10, highest + 10);
  const std::vector<std::pair<double, double>> fixed_ranges = {
      {lowest, highest}, {lowest - 1, highest + 1}, {0, 0}, {0.25, 0.75}, {-0.5, 0.5}, {highest, highest},
      {lowest, lowest},  {highest + 1, highest + 2}, {lowest - 2, lowest - 1}};
  for (std::size_t n : {0u, 1u, 3u, 15u, 16u, 17u, 31u, 64u, 65u, 100u, 129u, 256u, 271u}) {
    for (int trial = 0; trial < 40; ++trial) {
      double min = 0;
      double max = 0;
      if (trial < static_cast<int>(fixed_ranges.size())) {
        std::tie(min, max) = fixed_ranges[static_cast<std::size_t>(trial)];
      } else {
        min = bound(random);
        max = bound(random);
        if (min > max) std::swap(min, max);
        if (trial % 3 == 0) min = std::floor(min);
      }
      // Values mostly inside [min, max] (so that a single bad one decides), some anywhere.
      std::vector<std::byte> bytes(n * sizeof(T));
      const double inside_low = std::max(std::ceil(min), lowest);
      const double inside_high = std::min(std::floor(max), highest);
      for (std::size_t k = 0; k < n; ++k) {
        double v = 0;
        if (inside_low <= inside_high && trial % 4 != 1) {
          v = std::uniform_real_distribution<double>(inside_low, inside_high)(random);
        } else {
          v = std::uniform_real_distribution<double>(lowest, highest)(random);
        }
        const T value = static_cast<T>(std::clamp(std::round(v), inside_low <= inside_high ? inside_low : lowest,
                                                  inside_low <= inside_high ? inside_high : highest));
        std::memcpy(bytes.data() + sizeof(T) * k, &value, sizeof value);
      }
      auto check = [&](const std::vector<std::byte>& data) {
        const auto want = reference<T>(data, n, min, max);
        const auto got = first_out_of_range(type, data, n, min, max);
        ASSERT_EQ(got.has_value(), want.has_value()) << "n " << n << " range [" << min << ", " << max << "]";
        if (want) {
          EXPECT_EQ(got->index, want->index);
          EXPECT_EQ(got->value, want->value);
        }
        if (!range_can_fail(type, min, max)) {
          EXPECT_FALSE(want.has_value());
        }
      };
      check(bytes);
      // One extreme value at each position in turn.
      for (std::size_t at = 0; at < n; at += 1 + n / 20) {
        for (const T extreme : {std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max()}) {
          auto changed = bytes;
          std::memcpy(changed.data() + sizeof(T) * at, &extreme, sizeof extreme);
          check(changed);
        }
      }
    }
  }
}

TEST(OutputCheck, IntegerScansAgreeWithTheElementwiseReference) {
  compare_with_reference<std::int8_t>(ElementType::int8);
  compare_with_reference<std::uint8_t>(ElementType::uint8);
  compare_with_reference<std::int16_t>(ElementType::int16);
  compare_with_reference<std::uint16_t>(ElementType::uint16);
  compare_with_reference<std::int32_t>(ElementType::int32);
  compare_with_reference<std::uint32_t>(ElementType::uint32);
}

TEST(OutputCheck, OnlyIntegerRangesCoveringTheWholeTypeCannotFail) {
  EXPECT_FALSE(range_can_fail(ElementType::uint8, 0, 255));
  EXPECT_FALSE(range_can_fail(ElementType::int8, -200, 200));
  EXPECT_TRUE(range_can_fail(ElementType::int8, -127, 127));
  EXPECT_TRUE(range_can_fail(ElementType::uint16, 0, 65534));
  EXPECT_FALSE(range_can_fail(ElementType::int32, -2147483648.0, 2147483647.0));
  EXPECT_TRUE(range_can_fail(ElementType::uint32, 1, 4294967295.0));
  // NaN and the infinities are outside every finite range.
  EXPECT_TRUE(range_can_fail(ElementType::float32, -1e300, 1e300));
}

TEST(OutputCheck, ElementTypesFromTheManifest) {
  StreamInfo stream{"out", StreamDirection::output, "int16", {4}, 16, 4, 8};
  EXPECT_EQ(element_type(stream), ElementType::int16);
  stream.element_bits = 32;  // int16 values in 32-bit slots: not read
  EXPECT_EQ(element_type(stream), ElementType::unreadable);
  EXPECT_FALSE(range_checkable(stream));
  stream.dtype = "float32";
  EXPECT_EQ(element_type(stream), ElementType::float32);
  stream.dtype = "fixed16";
  EXPECT_EQ(element_type(stream), ElementType::unreadable);
}

TEST(OutputCheck, ShortBuffersAreReadOnlyAsFarAsTheyGo) {
  std::vector<std::byte> bytes(10, std::byte{0});  // two and a half int32
  bytes[8] = std::byte{0x7f};
  EXPECT_EQ(readable_elements(ElementType::int32, 4, bytes.size()), 2u);
  EXPECT_FALSE(first_out_of_range(ElementType::int32, bytes, 4, 0, 0).has_value());
}

TEST(OutputCheck, NonFiniteFloats) {
  std::vector<float> values(40, 1.0f);
  values[33] = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::byte> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  EXPECT_EQ(first_non_finite(bytes, 40), std::optional<std::size_t>(33));
  EXPECT_EQ(first_non_finite(bytes, 33), std::nullopt);
  const auto bad = first_out_of_range(ElementType::float32, bytes, 40, -1e30, 1e30);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->index, 33u);
}

}  // namespace
}  // namespace zynqnn::watchdog::detail
