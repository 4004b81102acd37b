// The drift detector flags a growing latency long before the deadline and stays quiet on
// jitter; the adaptive watchdog reloads the PL proactively; threshold adaptation is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "watchdog_test_support.hpp"

namespace zynqnn::watchdog {
namespace {

using namespace std::chrono_literals;

DetectorConfig enabled() {
  DetectorConfig config;
  config.enabled = true;
  return config;
}

TEST(DriftDetector, QuietOnJitterAroundTheBaseline) {
  DriftDetector detector(enabled(), 10us, 0.01);
  std::mt19937_64 random(7);
  std::normal_distribution<double> jitter(0.0, 100.0);  // 1 % of the median
  for (int i = 0; i < 200'000; ++i) {
    detector.observe(Nanoseconds{10'000 + static_cast<std::int64_t>(jitter(random))});
  }
  EXPECT_FALSE(detector.flagged()) << "CUSUM " << detector.cusum();
}

TEST(DriftDetector, ItsLogAgreesWithStdLogWithinAFewUlp) {
  // Every latency up to 2^20 ns, then random ones across the whole int64 range.
  auto check = [](std::int64_t t) {
    const double want = std::log(static_cast<double>(t));
    const double got = DriftDetector::log_latency(t);
    const double ulp = std::nextafter(std::max(want, 1.0), 1e300) - std::max(want, 1.0);
    ASSERT_LE(std::abs(got - want), 4 * ulp) << "t = " << t << ": " << got << " vs " << want;
  };
  for (std::int64_t t = 1; t <= (std::int64_t{1} << 20); ++t) check(t);
  std::mt19937_64 random(11);
  for (int i = 0; i < 1'000'000; ++i) {
    const auto t = static_cast<std::int64_t>(random() >> (1 + random() % 63));
    check(std::max<std::int64_t>(t, 1));
  }
  check(std::numeric_limits<std::int64_t>::max());
}

TEST(DriftDetector, FlagsARampWellBeforeItReachesTheFixedThreshold) {
  DriftDetector detector(enabled(), 10us, 0.01);
  const double fixed_threshold_factor = 1.25;
  double factor_when_flagged = 0;
  for (int i = 1; i <= 100 && !detector.flagged(); ++i) {
    const double factor = 1.0 + 0.02 * i;  // +2 % per call
    if (detector.observe(Nanoseconds{static_cast<std::int64_t>(10'000 * factor)})) factor_when_flagged = factor;
  }
  ASSERT_TRUE(detector.flagged());
  EXPECT_LT(factor_when_flagged, fixed_threshold_factor);
  detector.reset();
  EXPECT_FALSE(detector.flagged());
  EXPECT_EQ(detector.cusum(), 0.0);
}

TEST(DriftDetector, AdaptiveWatchdogReconfiguresProactivelyBeforeTheHang) {
  ModelAccelerator accelerator(testing::exact_model());
  WatchdogConfig config = preset(Policy::adaptive);
  config.detector.cooldown_calls = 1;
  Watchdog watchdog(accelerator, config, testing::calibrated(accelerator));
  std::vector<AlarmEvent> events;
  watchdog.add_sink(std::make_shared<CallbackSink>([&](const AlarmEvent& e) { events.push_back(e); }));
  const auto input = testing::counting_input(accelerator, 1);
  bool reconfigured = false;
  int call = 0;
  for (; call < 60 && !reconfigured; ++call) {
    accelerator.inject({FaultKind::stall, false, 1.0 + 0.03 * (call + 1)});
    CallReport r = watchdog.process(static_cast<std::uint64_t>(call), testing::views_of(input));
    ASSERT_TRUE(r.delivered);
    EXPECT_NE(r.outcome, Outcome::hang);
    reconfigured = std::find(r.actions.begin(), r.actions.end(), Action::proactive_reconfigure) != r.actions.end();
  }
  EXPECT_TRUE(reconfigured);
  EXPECT_LT(call, 40);  // a 3 %-per-call ramp would need ~100 calls to reach the 4x-threshold deadline
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, AlarmKind::drift);
  EXPECT_EQ(watchdog.counters().proactive_reconfigurations, 1u);
}

TEST(ThresholdAdaptation, RisesOnlyAfterAReloadDidNotHelpAndNeverAboveTheCap) {
  ModelAccelerator accelerator(testing::exact_model());
  WatchdogConfig config = preset(Policy::adaptive);
  config.detector.cooldown_calls = 1;
  config.adaptation.cap_factor = 1.5;
  config.adaptation.after_slow_calls = 4;
  Watchdog watchdog(accelerator, config, testing::calibrated(accelerator));
  const Nanoseconds base = watchdog.threshold();
  // The environment got slower for good (a reload does not change it): 1.6x.
  InjectedFault slower{FaultKind::stall, true, 1.6};
  slower.survives_reconfigure = true;
  accelerator.inject(slower);
  const auto input = testing::counting_input(accelerator, 2);
  std::size_t adaptations_before_reload = 0;
  bool reloaded = false;
  for (int call = 0; call < 40; ++call) {
    CallReport r = watchdog.process(static_cast<std::uint64_t>(call), testing::views_of(input));
    ASSERT_TRUE(r.delivered);
    if (std::find(r.actions.begin(), r.actions.end(), Action::proactive_reconfigure) != r.actions.end()) reloaded = true;
    if (!reloaded) adaptations_before_reload += watchdog.counters().adaptations;
  }
  EXPECT_TRUE(reloaded);
  EXPECT_EQ(adaptations_before_reload, 0u);
  EXPECT_GE(watchdog.counters().adaptations, 1u);
  EXPECT_GT(watchdog.threshold(), base);
  EXPECT_LE(watchdog.threshold().count(), static_cast<std::int64_t>(static_cast<double>(base.count()) * 1.5));
}

TEST(ThresholdAdaptation, DoesNotRiseWhileTheCanaryFails) {
  ModelAccelerator accelerator(testing::exact_model());
  WatchdogConfig config;  // no detector: adaptation after a slow streak alone
  config.adaptation.enabled = true;
  config.adaptation.after_slow_calls = 2;
  config.canary_interval = 1;
  Watchdog watchdog(accelerator, config, testing::calibrated(accelerator));
  watchdog.set_canary(testing::views_of(testing::counting_input(accelerator, 3)));
  // Slow and wrong: the canary fails even after reloads.
  InjectedFault slower{FaultKind::stall, true, 1.6};
  slower.survives_reconfigure = true;
  InjectedFault corrupt{FaultKind::corrupt_output, true};
  corrupt.survives_reconfigure = true;
  accelerator.inject(slower);
  accelerator.inject(corrupt);
  const Nanoseconds base = watchdog.threshold();
  for (int call = 0; call < 10; ++call) {
    watchdog.process(static_cast<std::uint64_t>(call), testing::views_of(testing::counting_input(accelerator, 4)));
  }
  EXPECT_EQ(watchdog.threshold(), base);
  EXPECT_EQ(watchdog.counters().adaptations, 0u);
}

}  // namespace
}  // namespace zynqnn::watchdog
