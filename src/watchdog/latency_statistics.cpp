#include "zynqnn/watchdog/latency_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

// Median of a sorted sample (mean of the two middle values for an even count).
Nanoseconds median_of_sorted(const std::vector<Nanoseconds>& sorted) {
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return Nanoseconds{(sorted[n / 2 - 1].count() + sorted[n / 2].count()) / 2};
}

void require_samples(std::span<const Nanoseconds> samples, const char* what) {
  if (samples.empty()) throw Error(ErrorCode::invalid_argument, "no latency samples", what);
}

}  // namespace

Nanoseconds percentile(std::span<const Nanoseconds> samples, double p) {
  require_samples(samples, "percentile");
  if (!(p > 0 && p <= 100)) throw Error(ErrorCode::invalid_argument, "percentile must be in (0, 100]", "percentile");
  std::vector<Nanoseconds> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

LatencySummary summarize(std::span<const Nanoseconds> samples) {
  require_samples(samples, "summarize");
  std::vector<Nanoseconds> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  LatencySummary summary;
  summary.count = sorted.size();
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.median = median_of_sorted(sorted);
  summary.q75 = percentile(sorted, 75.0);
  summary.p99 = percentile(sorted, 99.0);
  std::vector<Nanoseconds> deviations;
  deviations.reserve(sorted.size());
  for (auto t : sorted) deviations.push_back(Nanoseconds{std::llabs(t.count() - summary.median.count())});
  std::sort(deviations.begin(), deviations.end());
  summary.mad = median_of_sorted(deviations);
  return summary;
}

}  // namespace zynqnn::watchdog
