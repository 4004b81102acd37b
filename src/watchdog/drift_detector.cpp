#include "zynqnn/watchdog/drift_detector.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

// The natural log of a latency in ns (an integer >= 1), without a libm call per watched call:
// t = 2^e * m with m in [1, 2); m's top 7 mantissa bits pick c, the middle of its 1/128-wide
// interval, and log t = e ln 2 + log c + log1p(r) with r = m / c - 1, |r| <= 2^-8, log1p to
// the r^5 term. The truncation error is below r^6 / 6 < 6e-16; with the roundings the result
// is within a few ulp of std::log (|error| < 1e-14 for any t up to 2^63; the detector's z moves
// by less than 1e-12 with its sigma >= 0.01). log c comes from std::log, once.
struct LogTable {
  std::array<double, 128> inverse_c{};
  std::array<double, 128> log_c{};
  LogTable() {
    for (std::size_t i = 0; i < 128; ++i) {
      const double c = 1.0 + (static_cast<double>(i) + 0.5) / 128.0;
      inverse_c[i] = 1.0 / c;
      log_c[i] = std::log(c);
    }
  }
};
const LogTable log_table;

double log_of_latency(std::int64_t t) {
  const auto bits = std::bit_cast<std::uint64_t>(static_cast<double>(t));
  const auto exponent = static_cast<std::int64_t>(bits >> 52) - 1023;  // t > 0: no sign bit
  const std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  const std::size_t i = static_cast<std::size_t>(mantissa >> 45);
  const double m = std::bit_cast<double>(mantissa | (std::uint64_t{1023} << 52));
  const double r = m * log_table.inverse_c[i] - 1.0;
  const double r2 = r * r;
  const double log1p_r = r - r2 * (0.5 - r * (1.0 / 3.0)) - r2 * r2 * (0.25 - r * 0.2);
  // ln 2 split so that exponent * ln2_high is exact (|exponent| < 2^11).
  constexpr double ln2_high = 0x1.62e42fefa3800p-1;
  constexpr double ln2_low = 0x1.ef35793c76730p-45;
  const auto e = static_cast<double>(exponent);
  return (e * ln2_high + log_table.log_c[i]) + (log1p_r + e * ln2_low);
}

}  // namespace

double DriftDetector::log_latency(std::int64_t nanoseconds) noexcept { return log_of_latency(nanoseconds); }

DriftDetector::DriftDetector(DetectorConfig config, Nanoseconds baseline_median, double log_sigma)
    : config_(config), ewma_keep_(1.0 - config.ewma_weight) {
  rebaseline(baseline_median, log_sigma);
  // Standard deviation of the EWMA of unit-variance values in steady state.
  ewma_bound_ = config_.ewma_limit * std::sqrt(config_.ewma_weight / (2.0 - config_.ewma_weight));
}

void DriftDetector::rebaseline(Nanoseconds baseline_median, double log_sigma) {
  if (baseline_median.count() <= 0) {
    throw Error(ErrorCode::invalid_argument, "the detector's baseline median must be positive", "DriftDetector");
  }
  log_median_ = std::log(static_cast<double>(baseline_median.count()));
  sigma_ = std::max(log_sigma, config_.min_relative_sigma);
  inverse_sigma_ = 1.0 / sigma_;
  reset();
}

void DriftDetector::reset() noexcept {
  cusum_ = 0;
  ewma_ = 0;
  flagged_ = false;
}

double DriftDetector::z_of(Nanoseconds latency) const noexcept {
  return std::min((log_of_latency(std::max<std::int64_t>(latency.count(), 1)) - log_median_) * inverse_sigma_,
                  config_.max_z);
}

bool DriftDetector::observe_z(double z) noexcept {
  cusum_ = std::max(0.0, cusum_ + z - config_.cusum_slack);
  ewma_ = config_.ewma_weight * z + ewma_keep_ * ewma_;
  if (cusum_ > config_.cusum_limit || ewma_ > ewma_bound_) flagged_ = true;
  return flagged_;
}

bool DriftDetector::observe(Nanoseconds latency) { return observe_z(z_of(latency)); }

}  // namespace zynqnn::watchdog
