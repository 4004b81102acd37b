#pragma once
// Flags a latency drift before it becomes a hang (see DetectorConfig for the statistics).
#include <cstdint>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/watchdog/config.hpp"

namespace zynqnn::watchdog {

class DriftDetector {
 public:
  DriftDetector(DetectorConfig config, Nanoseconds baseline_median, double log_sigma);
  // Feeds one completed call's latency; true when drift is flagged (stays flagged until reset).
  // The same as observe_z(z_of(latency)).
  bool observe(Nanoseconds latency);
  // The latency's standardized log distance from the baseline, clipped at max_z: a pure
  // function (of the latency and the baseline), so that a caller can compute it as soon as
  // the latency is known and feed it later.
  double z_of(Nanoseconds latency) const noexcept;
  bool observe_z(double z) noexcept;
  bool flagged() const noexcept { return flagged_; }
  // After a reconfiguration: forget the statistics, keep the baseline.
  void reset() noexcept;
  // A new baseline (after the threshold adapted).
  void rebaseline(Nanoseconds baseline_median, double log_sigma);

  double cusum() const noexcept { return cusum_; }
  double ewma() const noexcept { return ewma_; }
  double sigma() const noexcept { return sigma_; }

  // The log of a latency in ns (>= 1) as observe() takes it: table and polynomial, within a
  // few ulp of std::log (drift_detector.cpp says how).
  static double log_latency(std::int64_t nanoseconds) noexcept;

 private:
  DetectorConfig config_;
  double log_median_ = 0;
  double sigma_ = 0;
  double inverse_sigma_ = 0;  // per call a multiplication, not a division
  double ewma_keep_ = 0;      // 1 - ewma_weight
  double cusum_ = 0;
  double ewma_ = 0;
  double ewma_bound_ = 0;
  bool flagged_ = false;
};

}  // namespace zynqnn::watchdog
