#pragma once
// Robust statistics of a latency sample: median and MAD resist the rare outlier that a mean
// and a standard deviation would chase.
#include <cstddef>
#include <span>

#include "zynqnn/core/clock.hpp"

namespace zynqnn::watchdog {

// MAD x this = the standard deviation of a normal distribution.
inline constexpr double kMadToSigma = 1.4826;

struct LatencySummary {
  std::size_t count = 0;
  Nanoseconds min{0};
  Nanoseconds median{0};
  Nanoseconds mad{0};  // median absolute deviation from the median
  Nanoseconds q75{0};  // nearest-rank 75th percentile (the upper quartile)
  Nanoseconds p99{0};  // nearest-rank 99th percentile
  Nanoseconds max{0};
};

// Throws Error(invalid_argument) for an empty sample.
LatencySummary summarize(std::span<const Nanoseconds> samples);

// Nearest-rank percentile (0 < p <= 100) of a sample; throws for an empty sample.
Nanoseconds percentile(std::span<const Nanoseconds> samples, double p);

}  // namespace zynqnn::watchdog
