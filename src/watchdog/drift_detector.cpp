#include "zynqnn/watchdog/drift_detector.hpp"

#include <algorithm>
#include <cmath>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {

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

bool DriftDetector::observe(Nanoseconds latency) {
  const double t = static_cast<double>(std::max<std::int64_t>(latency.count(), 1));
  const double z = std::min((std::log(t) - log_median_) * inverse_sigma_, config_.max_z);
  cusum_ = std::max(0.0, cusum_ + z - config_.cusum_slack);
  ewma_ = config_.ewma_weight * z + ewma_keep_ * ewma_;
  if (cusum_ > config_.cusum_limit || ewma_ > ewma_bound_) flagged_ = true;
  return flagged_;
}

}  // namespace zynqnn::watchdog
