// Robust statistics, the threshold rule, calibration persisted next to the manifest and
// reloaded only while it matches, and refused configurations.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "watchdog_test_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

using namespace std::chrono_literals;

std::vector<Nanoseconds> sample(std::initializer_list<std::int64_t> values) {
  std::vector<Nanoseconds> out;
  for (auto v : values) out.emplace_back(v);
  return out;
}

TEST(LatencyStatistics, MedianMadPercentileAndMaxResistAnOutlier) {
  const auto s = sample({100, 102, 98, 101, 99, 100, 5000});
  LatencySummary summary = summarize(s);
  EXPECT_EQ(summary.count, 7u);
  EXPECT_EQ(summary.median, Nanoseconds{100});
  EXPECT_EQ(summary.mad, Nanoseconds{1});
  EXPECT_EQ(summary.max, Nanoseconds{5000});
  EXPECT_EQ(summary.min, Nanoseconds{98});
  EXPECT_EQ(summary.p99, Nanoseconds{5000});
  EXPECT_EQ(summary.q75, Nanoseconds{102});
  EXPECT_THROW(summarize(std::vector<Nanoseconds>{}), Error);
}

TEST(ThresholdRule, MadTermOrMarginWhicheverIsLarger) {
  LatencySummary wide;
  wide.median = Nanoseconds{1000};
  wide.mad = Nanoseconds{100};
  // 1000 + 8 * 100 * 1.4826 = 2186.08 -> 2187 (rounded up) > 1250
  EXPECT_EQ(threshold_from(wide, ThresholdRule{}), Nanoseconds{2187});
  LatencySummary tight;
  tight.median = Nanoseconds{1000};
  tight.mad = Nanoseconds{1};
  EXPECT_EQ(threshold_from(tight, ThresholdRule{}), Nanoseconds{1250});
}

TEST(ThresholdRule, APollingStepAQuarterOfTheCallsReachIsNotSlow) {
  // A driver polling with a 1 us first backoff: two thirds of the calls seen at 1.96 us, a
  // third at its next look, 4.04 us. The MAD is 0; the upper quartile keeps them all below.
  std::vector<Nanoseconds> calls(20, Nanoseconds{1960});
  for (std::size_t k = 0; k < calls.size(); k += 3) calls[k] = Nanoseconds{4040};
  const LatencySummary summary = summarize(calls);
  EXPECT_EQ(summary.mad, Nanoseconds{0});
  EXPECT_EQ(summary.q75, Nanoseconds{4040});
  const Nanoseconds threshold = threshold_from(summary, ThresholdRule{});
  EXPECT_EQ(threshold, Nanoseconds{5050});
  EXPECT_LT(threshold, Nanoseconds{8 * 1960}) << "a stall of 8x is still slow";
  // One outlier in seven stays an outlier (below the upper quartile).
  EXPECT_EQ(threshold_from(summarize(sample({100, 102, 98, 101, 99, 100, 5000})), ThresholdRule{}), Nanoseconds{128});
}

class CalibrationFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zynqnn_calibration_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    manifest_ = dir_ / "manifest.json";
    std::ofstream(manifest_) << R"({"kernel": "loopback", "artifacts": {"bitstream": "loopback.bit"}})";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::filesystem::path manifest_;
};

TEST_F(CalibrationFiles, CalibrationIsPersistedNextToTheManifestAndReloaded) {
  ModelAcceleratorConfig config;
  config.words = 64;
  ModelAccelerator accelerator(config);  // with the default 100 ns jitter
  const std::string hash = manifest_hash(manifest_);
  Calibration made = calibrate(accelerator, 200, ThresholdRule{}, "loopback", hash);
  EXPECT_EQ(made.calls, 200u);
  EXPECT_GT(made.latency.mad.count(), 0);
  EXPECT_LE(made.latency.median, made.latency.p99);
  EXPECT_LE(made.latency.p99, made.latency.max);
  EXPECT_GE(made.threshold, made.latency.median + made.latency.median / 4);
  EXPECT_GT(made.log_sigma, 0.0);

  const auto path = calibration_path_for(manifest_);
  EXPECT_EQ(path, dir_ / "calibration.json");
  save_calibration(path, made);
  auto loaded = load_matching_calibration(path, "loopback", hash);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->threshold, made.threshold);
  EXPECT_EQ(loaded->latency.median, made.latency.median);
  EXPECT_EQ(loaded->latency.mad, made.latency.mad);
  EXPECT_DOUBLE_EQ(loaded->log_sigma, made.log_sigma);

  // A watchdog built from the reloaded calibration uses its threshold.
  Watchdog watchdog(accelerator, WatchdogConfig{}, *loaded);
  EXPECT_EQ(watchdog.threshold(), made.threshold);
  EXPECT_EQ(watchdog.deadline().count(), made.threshold.count() * 4);

  // Another kernel name or a changed manifest: not reused.
  EXPECT_FALSE(load_matching_calibration(path, "other", hash).has_value());
  std::ofstream(manifest_, std::ios::app) << "\n";
  EXPECT_NE(manifest_hash(manifest_), hash);
  EXPECT_FALSE(load_matching_calibration(path, "loopback", manifest_hash(manifest_)).has_value());
  // Absent: nothing to reuse.
  EXPECT_FALSE(load_matching_calibration(dir_ / "none.json", "loopback", hash).has_value());
}

TEST_F(CalibrationFiles, MalformedCalibrationIsAParseErrorNamingTheField) {
  const auto path = dir_ / "calibration.json";
  std::ofstream(path) << R"({"schema": 1, "kernel": "loopback", "manifest_hash": "x", "calls": 10})";
  try {
    load_matching_calibration(path, "loopback", "x");
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::parse);
    EXPECT_NE(error.where().find("/latency_ns"), std::string::npos) << error.where();
  }
  std::ofstream(path) << "{ not json";
  EXPECT_THROW(load_matching_calibration(path, "loopback", "x"), Error);
}

TEST(Calibration, AFaultyBoardCannotBeCalibrated) {
  ModelAccelerator accelerator(testing::exact_model());
  accelerator.inject({FaultKind::hang, true});
  try {
    calibrate(accelerator, 16, ThresholdRule{}, "loopback", "h");
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_state);
    EXPECT_NE(std::string(error.what()).find("call 0"), std::string::npos) << error.what();
  }
}

TEST(WatchdogConfigCheck, NegativeOrZeroExpertThresholdIsRefused) {
  WatchdogConfig config;
  config.expert_threshold = Nanoseconds{-5};
  try {
    validate(config);
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(error.where().find("expert_threshold"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("positive"), std::string::npos);
  }
  EXPECT_THROW(config_from_json(nlohmann::json{{"threshold_us", -1.0}}), Error);
}

TEST(WatchdogConfigCheck, UnknownPolicyIsRefusedNamingTheChoices) {
  try {
    parse_policy("optimistic");
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("'optimistic'"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("none, fixed or adaptive"), std::string::npos);
  }
  EXPECT_THROW(config_from_json(nlohmann::json{{"policy", "optimistic"}}), Error);
  EXPECT_EQ(config_from_json(nlohmann::json{{"policy", "adaptive"}}).detector.enabled, true);
}

TEST(WatchdogConfigCheck, OtherBadValuesAreRefused) {
  WatchdogConfig config;
  config.deadline_factor = 0.5;
  EXPECT_THROW(validate(config), Error);
  config = {};
  config.ladder = {Action::fallback};
  EXPECT_THROW(validate(config), Error);
  config = {};
  config.ranges = {OutputRange{0, 5, 1}};
  EXPECT_THROW(validate(config), Error);
  EXPECT_THROW(config_from_json(nlohmann::json{{"unknown_key", 1}}), Error);
  // No threshold at all.
  ModelAccelerator accelerator(testing::exact_model());
  EXPECT_THROW(Watchdog(accelerator, WatchdogConfig{}, std::nullopt), Error);
  // A range on an output the kernel does not have.
  config = {};
  config.expert_threshold = 10us;
  config.ranges = {OutputRange{3, 0, 1}};
  EXPECT_THROW(Watchdog(accelerator, config), Error);
}

TEST(WatchdogConfigCheck, ExpertThresholdNeedsNoCalibration) {
  ModelAccelerator accelerator(testing::exact_model());
  WatchdogConfig config;
  config.expert_threshold = 3us;
  Watchdog watchdog(accelerator, config);
  EXPECT_EQ(watchdog.threshold(), 3us);
  EXPECT_EQ(watchdog.deadline(), 12us);
  const auto input = testing::counting_input(accelerator, 1);
  EXPECT_EQ(watchdog.process(0, testing::views_of(input)).outcome, Outcome::ok);
}

TEST(WatchdogConfigCheck, ManifestWithoutBitstreamIsRefusedForABoardReload) {
  const auto manifest = nlohmann::json::parse(R"({"kernel": "loopback", "artifacts": {"hwh": "loopback.hwh"}})");
  try {
    check_manifest_for_reload(manifest, WatchdogConfig{}, "out/manifest.json");
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(error.where(), "out/manifest.json /artifacts/bitstream");
    EXPECT_NE(std::string(error.what()).find("no bitstream"), std::string::npos);
  }
  // Without a reconfigure rung (and no detector) nothing reloads the PL: accepted.
  WatchdogConfig abort_only;
  abort_only.ladder = {Action::abort};
  EXPECT_NO_THROW(check_manifest_for_reload(manifest, abort_only));
  // A reconfigurable region needs its partial bitstream.
  const auto partial = nlohmann::json::parse(
      R"({"artifacts": {"bitstream": "a.bit"}, "reconfigurable_region": {"name": "rp0"}})");
  EXPECT_THROW(check_manifest_for_reload(partial, WatchdogConfig{}), Error);
}

}  // namespace
}  // namespace zynqnn::watchdog
