// Every outcome class provoked on the model accelerator and classified.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "watchdog_test_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

using testing::calibrated;
using testing::counting_input;
using testing::exact_model;
using testing::views_of;

TEST(WatchdogOutcome, FaultFreeCallIsOkAndDeliversTheInput) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  const auto input = counting_input(accelerator, 1);
  CallReport report = watchdog.process(0, views_of(input));
  EXPECT_EQ(report.outcome, Outcome::ok);
  EXPECT_TRUE(report.delivered);
  EXPECT_FALSE(report.fallback);
  EXPECT_EQ(report.attempts, 1u);
  EXPECT_TRUE(report.actions.empty());
  ASSERT_EQ(report.outputs.size(), 1u);
  EXPECT_TRUE(testing::same_bytes(report.outputs[0], input));
  EXPECT_EQ(report.first_latency, accelerator.nominal_latency());
}

TEST(WatchdogOutcome, StallAboveTheThresholdIsSlowButDelivered) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::stall, false, 2.0});  // 2x median > 1.25x median, < 4 x threshold
  const auto input = counting_input(accelerator, 2);
  CallReport report = watchdog.process(0, views_of(input));
  EXPECT_EQ(report.outcome, Outcome::slow);
  EXPECT_TRUE(report.delivered);
  EXPECT_EQ(report.attempts, 1u);
  EXPECT_TRUE(testing::same_bytes(report.outputs[0], input));
}

TEST(WatchdogOutcome, HangIsDetectedAtTheDeadlinePlusOnePoll) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::hang});
  CallReport report = watchdog.process(0, views_of(counting_input(accelerator, 3)));
  EXPECT_EQ(report.outcome, Outcome::hang);
  EXPECT_EQ(report.first_latency, watchdog.deadline() + ModelAcceleratorConfig{}.poll_interval);
  EXPECT_NE(report.detail.find("deadline"), std::string::npos) << report.detail;
  EXPECT_TRUE(report.delivered);  // the retry after the abort succeeded
}

TEST(WatchdogOutcome, StallPastTheDeadlineIsAHang) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::stall, false, 20.0});
  EXPECT_EQ(watchdog.process(0, views_of(counting_input(accelerator, 3))).outcome, Outcome::hang);
}

TEST(WatchdogOutcome, MissingTlastIsAHang) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::missing_tlast});
  CallReport report = watchdog.process(0, views_of(counting_input(accelerator, 4)));
  EXPECT_EQ(report.outcome, Outcome::hang);
  EXPECT_NE(report.detail.find("TLAST"), std::string::npos) << report.detail;
}

TEST(WatchdogOutcome, BusErrorAndExtraWordsAreDmaErrorsWithDecodedStatus) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::bus_error});
  CallReport bus = watchdog.process(0, views_of(counting_input(accelerator, 5)));
  EXPECT_EQ(bus.outcome, Outcome::dma_error);
  EXPECT_NE(bus.detail.find("DMASlvErr"), std::string::npos) << bus.detail;
  accelerator.inject({FaultKind::extra_words});
  CallReport extra = watchdog.process(1, views_of(counting_input(accelerator, 6)));
  EXPECT_EQ(extra.outcome, Outcome::dma_error);
  EXPECT_NE(extra.detail.find("DMAIntErr"), std::string::npos) << extra.detail;
}

TEST(WatchdogOutcome, ShortOutputIsBadOutput) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::early_tlast});
  CallReport report = watchdog.process(0, views_of(counting_input(accelerator, 7)));
  EXPECT_EQ(report.outcome, Outcome::bad_output);
  EXPECT_TRUE(report.delivered);
  EXPECT_EQ(report.attempt_outcomes.back(), Outcome::ok);
}

TEST(WatchdogOutcome, NanInFloatOutputIsBadOutput) {
  ModelAccelerator accelerator(exact_model("float32"));
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  std::vector<std::byte> input(accelerator.inputs()[0].bytes);
  for (std::size_t k = 0; k * 4 < input.size(); ++k) {
    const float value = 0.5f * static_cast<float>(k);
    std::memcpy(input.data() + 4 * k, &value, 4);
  }
  accelerator.inject({FaultKind::corrupt_output});
  CallReport report = watchdog.process(0, views_of(input));
  EXPECT_EQ(report.outcome, Outcome::bad_output);
  EXPECT_NE(report.detail.find("NaN"), std::string::npos) << report.detail;
}

TEST(WatchdogOutcome, ValueOutsideTheDeclaredRangeIsBadOutput) {
  ModelAccelerator accelerator(exact_model());
  WatchdogConfig config;
  config.ranges = {OutputRange{0, 0, 1'000'000}};
  Watchdog watchdog(accelerator, config, calibrated(accelerator));
  accelerator.inject({FaultKind::corrupt_output});  // flips bit 31 of the first word
  CallReport report = watchdog.process(0, views_of(counting_input(accelerator, 8)));
  EXPECT_EQ(report.outcome, Outcome::bad_output);
  EXPECT_NE(report.detail.find("outside"), std::string::npos) << report.detail;
}

TEST(WatchdogOutcome, CanaryMismatchIsDetectedAndHealedByAReload) {
  ModelAccelerator accelerator(exact_model());
  WatchdogConfig config;
  config.canary_interval = 4;
  Watchdog watchdog(accelerator, config, calibrated(accelerator));
  const auto canary = counting_input(accelerator, 42);
  watchdog.set_canary(views_of(canary));
  accelerator.inject({FaultKind::corrupt_output, true});  // corrupts until the PL is reloaded
  CallReport first = watchdog.process(0, views_of(counting_input(accelerator, 1)));
  ASSERT_TRUE(first.canary.has_value());  // the first call runs the canary
  EXPECT_EQ(*first.canary, Outcome::canary_mismatch);
  EXPECT_NE(std::find(first.actions.begin(), first.actions.end(), Action::reconfigure), first.actions.end());
  EXPECT_FALSE(accelerator.fault_active());
  EXPECT_EQ(first.outcome, Outcome::ok);
  EXPECT_TRUE(testing::same_bytes(first.outputs[0], counting_input(accelerator, 1)));
  EXPECT_EQ(watchdog.check_canary(1), Outcome::ok);
}

TEST(WatchdogOutcome, InputOfTheWrongSizeIsRefused) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  std::vector<std::byte> small(8);
  try {
    watchdog.process(0, views_of(small));
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(error.where().find("'in'"), std::string::npos) << error.where();
  }
}

}  // namespace
}  // namespace zynqnn::watchdog
