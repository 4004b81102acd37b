// The watchdog section of the C ABI, called as a C program would: a generated pass-through
// kernel on the virtual board, every outcome provoked by fault injection, the ladder, failure
// records, sinks, calibration persisted and reused, and refused configurations.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../support/passthrough_kernel.hpp"
#include "zynqnn/zynqnn.h"

extern "C" int zynqnn_watchdog_c_smoke(void);  // header_is_c.c

namespace {

namespace fs = std::filesystem;
constexpr std::size_t kWords = 64;
constexpr std::size_t kBytes = kWords * 4;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class WatchdogCapiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("zynqnn_watchdog_capi_" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    // 64 words: frames of 256 words and more currently stall the virtual board's modeled clock
    // after a bus error (the watchdog then reports a hang and recovers, but only after the
    // board's 10 s real-time guard, too slow for a unit test).
    zynqnn::testing::generate_passthrough_kernel(*root_ / "passthrough");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }

  void SetUp() override {
    // Each test on its own copy: calibrations are stored next to the manifest.
    folder_ = *root_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(folder_);
    fs::copy(*root_ / "passthrough", folder_, fs::copy_options::recursive);
    ASSERT_EQ(zynqnn_open(manifest().c_str(), "virtual", &acc_), ZYNQNN_OK) << zynqnn_last_error();
    for (std::size_t i = 0; i < kWords; ++i) input_[i] = static_cast<std::int32_t>(i * 7 + 3);
  }
  void TearDown() override {
    if (wd_) zynqnn_watchdog_destroy(wd_);
    if (acc_) zynqnn_close(acc_);
  }

  std::string manifest() const { return (folder_ / "manifest.json").string(); }

  zynqnn_watchdog_config config(const char* policy) {
    zynqnn_watchdog_config c;
    EXPECT_EQ(zynqnn_watchdog_config_init(&c, policy), ZYNQNN_OK) << zynqnn_last_error();
    return c;
  }
  int create(const zynqnn_watchdog_config& c) { return zynqnn_watchdog_create(acc_, &c, &wd_); }

  // One call of in_data -> out_data through the watchdog.
  int process(zynqnn_watchdog_result* result) {
    const char* in_name = "in_data";
    const void* in = input_.data();
    const std::size_t in_bytes = kBytes;
    const char* out_name = "out_data";
    void* out = output_.data();
    const std::size_t out_bytes = kBytes;
    return zynqnn_watchdog_process(wd_, 1, &in_name, &in, &in_bytes, 1, &out_name, &out, &out_bytes, result);
  }
  bool output_is_input() const { return std::memcmp(input_.data(), output_.data(), kBytes) == 0; }
  static std::vector<std::string> actions(const zynqnn_watchdog_result& r) {
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < r.action_count && i < 32; ++i) names.push_back(zynqnn_action_name(r.actions[i]));
    return names;
  }
  zynqnn_watchdog_counters counters() const {
    zynqnn_watchdog_counters n;
    EXPECT_EQ(zynqnn_watchdog_counters_get(wd_, &n), ZYNQNN_OK);
    return n;
  }

  static fs::path* root_;
  fs::path folder_;
  zynqnn_accelerator* acc_ = nullptr;
  zynqnn_watchdog* wd_ = nullptr;
  std::vector<std::int32_t> input_ = std::vector<std::int32_t>(kWords);
  std::vector<std::int32_t> output_ = std::vector<std::int32_t>(kWords, -1);
};
fs::path* WatchdogCapiTest::root_ = nullptr;

TEST_F(WatchdogCapiTest, HeaderCompilesAsC) { EXPECT_EQ(zynqnn_watchdog_c_smoke(), 0) << zynqnn_last_error(); }

TEST_F(WatchdogCapiTest, ConfigInitFillsThePolicyDefaults) {
  zynqnn_watchdog_config fixed = config("fixed");
  EXPECT_STREQ(fixed.policy, "fixed");
  EXPECT_EQ(fixed.max_retries, 2u);
  EXPECT_EQ(fixed.canary_interval, 0u);
  EXPECT_EQ(fixed.detector, 0);
  EXPECT_DOUBLE_EQ(fixed.deadline_factor, 4.0);
  EXPECT_EQ(fixed.escalate_after, 3u);
  zynqnn_watchdog_config adaptive = config("adaptive");
  EXPECT_GT(adaptive.canary_interval, 0u);
  EXPECT_EQ(adaptive.detector, 1);
  EXPECT_EQ(adaptive.adaptation, 1);
  EXPECT_EQ(adaptive.use_fallback, 0);  // opt-in
  EXPECT_EQ(config("none").max_retries, 0u);
  zynqnn_watchdog_config c;
  EXPECT_EQ(zynqnn_watchdog_config_init(&c, "sometimes"), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("unknown policy 'sometimes'"), std::string::npos);
}

TEST_F(WatchdogCapiTest, RefusesBadConfigurations) {
  zynqnn_watchdog_config c = config("fixed");
  c.threshold_ns = -5;
  EXPECT_EQ(create(c), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("threshold_ns"), std::string::npos) << zynqnn_last_error();
  EXPECT_EQ(wd_, nullptr);

  c = config("fixed");
  c.policy = "eventually";
  c.threshold_ns = 100000;
  EXPECT_EQ(create(c), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("unknown policy 'eventually'"), std::string::npos);

  c = config("fixed");
  c.threshold_ns = 100000;
  c.deadline_factor = 0.5;
  EXPECT_EQ(create(c), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("deadline_factor"), std::string::npos);

  c = config("none");
  c.threshold_ns = 100000;
  c.max_retries = 1;
  EXPECT_EQ(create(c), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("heals nothing"), std::string::npos);

  c = config("fixed");
  c.threshold_ns = 100000;
  c.calibrate_calls = 20;
  EXPECT_EQ(create(c), ZYNQNN_INVALID_ARGUMENT);  // two sources for one threshold

  c = config("fixed");  // no threshold, no calibration stored
  EXPECT_EQ(create(c), ZYNQNN_NOT_FOUND);
  EXPECT_NE(std::string(zynqnn_last_error()).find("calibrate_calls"), std::string::npos);

  c = config("fixed");
  c.threshold_ns = 100000;
  c.mqtt_endpoint = "localhost:notaport";
  EXPECT_NE(create(c), ZYNQNN_OK);
  EXPECT_EQ(wd_, nullptr);
}

TEST_F(WatchdogCapiTest, RefusesABoardReloadWithoutBitstream) {
  zynqnn_close(acc_);
  acc_ = nullptr;
  std::string text = read_text(manifest());
  // A design without a bitstream (e.g. simulated only): artifacts.bitstream is empty.
  const auto at = text.find("\"bitstream\"");
  ASSERT_NE(at, std::string::npos);
  const auto value = text.find('"', text.find(':', at));
  text.replace(value, text.find('"', value + 1) - value + 1, "\"\"");
  std::ofstream(manifest(), std::ios::trunc) << text;
  std::filesystem::remove(folder_ / "zynqnn.stamp");  // edited by hand: no longer the generated whole
  ASSERT_EQ(zynqnn_open(manifest().c_str(), "virtual", &acc_), ZYNQNN_OK) << zynqnn_last_error();

  zynqnn_watchdog_config c = config("fixed");
  c.threshold_ns = 100000;
  EXPECT_EQ(create(c), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("/artifacts/bitstream"), std::string::npos) << zynqnn_last_error();
  c = config("none");  // observes only: never reloads, so no bitstream is needed
  c.threshold_ns = 100000;
  EXPECT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
}

TEST_F(WatchdogCapiTest, CleanCallDeliversTheKernelsOutput) {
  zynqnn_watchdog_config c = config("fixed");
  c.calibrate_calls = 30;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_watchdog_result r;
  ASSERT_EQ(process(&r), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(r.outcome, ZYNQNN_OUTCOME_OK);
  EXPECT_EQ(r.delivered, 1);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.action_count, 0u);
  EXPECT_EQ(r.canary, -1);
  EXPECT_GT(r.latency_ns, 0);
  EXPECT_LE(r.latency_ns, r.threshold_ns);
  EXPECT_TRUE(output_is_input());
  ASSERT_EQ(process(&r), ZYNQNN_OK);
  EXPECT_EQ(r.index, 1u);
  const zynqnn_watchdog_counters n = counters();
  EXPECT_EQ(n.calls, 2u);
  EXPECT_EQ(n.outcomes[ZYNQNN_OUTCOME_OK], 2u);
  EXPECT_EQ(n.failures, 0u);
  EXPECT_EQ(n.deadline_ns, 4 * n.threshold_ns);
}

TEST_F(WatchdogCapiTest, EachFaultIsClassifiedAndHealed) {
  zynqnn_watchdog_config c = config("fixed");
  c.calibrate_calls = 30;
  c.deadline_factor = 20;  // a stalled frame (8x) finishes before the deadline: slow, not hang
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  struct Case {
    const char* fault;
    int outcome;
  };
  const Case cases[] = {{"hang", ZYNQNN_OUTCOME_HANG},
                        {"missing_tlast", ZYNQNN_OUTCOME_HANG},
                        {"bus_error", ZYNQNN_OUTCOME_DMA_ERROR},
                        {"extra_words", ZYNQNN_OUTCOME_DMA_ERROR},
                        {"stall", ZYNQNN_OUTCOME_SLOW}};
  for (const Case& fault : cases) {
    SCOPED_TRACE(fault.fault);
    std::fill(output_.begin(), output_.end(), -1);
    ASSERT_EQ(zynqnn_inject_fault(acc_, fault.fault, 0), ZYNQNN_OK) << zynqnn_last_error();
    zynqnn_watchdog_result r;
    EXPECT_EQ(process(&r), ZYNQNN_OK) << zynqnn_last_error();
    EXPECT_EQ(r.outcome, fault.outcome) << zynqnn_outcome_name(r.outcome) << ": " << r.detail;
    EXPECT_EQ(r.delivered, 1);
    EXPECT_TRUE(output_is_input());
    EXPECT_GT(std::strlen(r.detail), 0u);
    if (fault.outcome != ZYNQNN_OUTCOME_SLOW) {
      EXPECT_GE(r.attempts, 2u);
      EXPECT_GT(r.recovery_ns, 0);
      const auto names = actions(r);
      EXPECT_NE(std::find(names.begin(), names.end(), "retry"), names.end());
    }
    // The next clean call, on another input, is ok again and answered with its own output
    // (no word of the broken frame left behind).
    for (auto& word : input_) word += 1000;
    ASSERT_EQ(process(&r), ZYNQNN_OK) << zynqnn_last_error();
    EXPECT_EQ(r.outcome, ZYNQNN_OUTCOME_OK) << r.detail;
    EXPECT_TRUE(output_is_input());
  }
  EXPECT_EQ(counters().failures, 0u);
}

TEST_F(WatchdogCapiTest, CanaryCatchesCorruptedOutput) {
  zynqnn_watchdog_config c = config("fixed");
  c.calibrate_calls = 30;
  c.canary_interval = 1;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  ASSERT_EQ(zynqnn_inject_fault(acc_, "corrupt_output", 1), ZYNQNN_OK);
  zynqnn_watchdog_result r;
  ASSERT_EQ(process(&r), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(r.canary, ZYNQNN_OUTCOME_CANARY_MISMATCH);
  EXPECT_TRUE(output_is_input());  // the reload healed the PL before the input ran
  const auto names = actions(r);
  EXPECT_EQ(names.front(), "canary");
  EXPECT_NE(std::find(names.begin(), names.end(), "reconfigure"), names.end());
}

TEST_F(WatchdogCapiTest, LadderHealsAPersistentHangByReconfiguring) {
  zynqnn_watchdog_config c = config("fixed");
  c.calibrate_calls = 30;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  ASSERT_EQ(zynqnn_inject_fault(acc_, "hang", 1), ZYNQNN_OK);
  zynqnn_watchdog_result r;
  ASSERT_EQ(process(&r), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(r.outcome, ZYNQNN_OUTCOME_HANG);
  EXPECT_EQ(r.attempts, 3u);  // abort did not help, the reload did
  EXPECT_EQ(actions(r), (std::vector<std::string>{"abort", "retry", "reconfigure", "retry"}));
  EXPECT_TRUE(output_is_input());
  EXPECT_EQ(counters().reconfigurations, 1u);
}

TEST_F(WatchdogCapiTest, UnhealedCallIsAFailureRecordAndTouchesNoOutput) {
  zynqnn_watchdog_config c = config("none");
  c.threshold_ns = 200000;
  c.escalate_after = 2;
  const std::string jsonl = (folder_ / "alarms.jsonl").string();
  c.jsonl_path = jsonl.c_str();
  std::vector<std::string> events;
  c.callback = [](const char* json, void* user) { static_cast<std::vector<std::string>*>(user)->push_back(json); };
  c.callback_user_data = &events;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  ASSERT_EQ(zynqnn_inject_fault(acc_, "hang", 1), ZYNQNN_OK);
  zynqnn_watchdog_result r;
  for (int call = 0; call < 2; ++call) {
    std::fill(output_.begin(), output_.end(), -1);
    EXPECT_EQ(process(&r), ZYNQNN_TIMEOUT);
    EXPECT_NE(std::string(zynqnn_last_error()).find("not answered (hang)"), std::string::npos) << zynqnn_last_error();
    EXPECT_EQ(r.delivered, 0);
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_EQ(output_[0], -1);  // never a partial result
  }
  std::size_t count = 0;
  ASSERT_EQ(zynqnn_watchdog_failure_count(wd_, &count), ZYNQNN_OK);
  ASSERT_EQ(count, 2u);
  zynqnn_watchdog_failure f;
  ASSERT_EQ(zynqnn_watchdog_failure_get(wd_, 1, &f), ZYNQNN_OK);
  EXPECT_EQ(f.index, 1u);
  EXPECT_EQ(f.outcome, ZYNQNN_OUTCOME_HANG);
  EXPECT_GT(f.time_ns, 0);
  EXPECT_EQ(zynqnn_watchdog_failure_get(wd_, 2, &f), ZYNQNN_OUT_OF_RANGE);
  // K = 2 consecutive anomalies: one escalation, to the JSON-lines file and the callback.
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].find("\"event\":\"escalation\""), std::string::npos) << events[0];
  const std::string lines = read_text(jsonl);
  EXPECT_NE(lines.find("\"event\":\"escalation\""), std::string::npos) << lines;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 1);
  EXPECT_EQ(counters().alarms, 1u);
}

TEST_F(WatchdogCapiTest, CalibrationIsPersistedNextToTheManifestAndReused) {
  zynqnn_watchdog_config c = config("fixed");
  c.calibrate_calls = 40;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_watchdog_calibration first;
  ASSERT_EQ(zynqnn_watchdog_calibration_get(wd_, &first), ZYNQNN_OK);
  EXPECT_EQ(first.available, 1);
  EXPECT_EQ(first.calls, 40u);
  EXPECT_GT(first.median_ns, 0);
  EXPECT_GE(first.threshold_ns, first.median_ns);
  ASSERT_TRUE(fs::exists(folder_ / "calibration.json"));
  zynqnn_watchdog_destroy(wd_);
  wd_ = nullptr;

  c = config("fixed");  // no threshold given: the stored calibration is found and used
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_watchdog_calibration again;
  ASSERT_EQ(zynqnn_watchdog_calibration_get(wd_, &again), ZYNQNN_OK);
  EXPECT_EQ(again.calls, 40u);
  EXPECT_EQ(again.threshold_ns, first.threshold_ns);
  EXPECT_EQ(again.median_ns, first.median_ns);
  const std::string elsewhere = (folder_ / "copy.json").string();
  ASSERT_EQ(zynqnn_watchdog_save_calibration(wd_, elsewhere.c_str()), ZYNQNN_OK);
  EXPECT_NE(read_text(elsewhere).find("\"threshold_ns\""), std::string::npos);
  zynqnn_watchdog_destroy(wd_);
  wd_ = nullptr;

  // A calibration made for another manifest is not reused.
  std::ofstream(manifest(), std::ios::app) << "\n";
  std::filesystem::remove(folder_ / "zynqnn.stamp");  // edited by hand: no longer the generated whole
  c = config("fixed");
  EXPECT_EQ(create(c), ZYNQNN_NOT_FOUND);
  EXPECT_NE(std::string(zynqnn_last_error()).find("another kernel or manifest"), std::string::npos);
}

TEST_F(WatchdogCapiTest, CalibratesOnGivenInputs) {
  std::vector<std::int32_t> samples(3 * kWords);
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<std::int32_t>(i);
  const void* streams[] = {samples.data()};
  zynqnn_watchdog_config c = config("adaptive");
  c.calibrate_calls = 24;
  c.calibration_samples = 3;
  c.calibration_inputs = streams;
  c.save_calibration = 0;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_FALSE(fs::exists(folder_ / "calibration.json"));
  zynqnn_watchdog_result r;
  ASSERT_EQ(process(&r), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(r.canary, ZYNQNN_OUTCOME_OK);  // the first call runs the canary (sample 0) first
  EXPECT_TRUE(output_is_input());
  c.calibration_inputs = nullptr;  // samples without inputs
  zynqnn_watchdog* other = nullptr;
  EXPECT_EQ(zynqnn_watchdog_create(acc_, &c, &other), ZYNQNN_INVALID_ARGUMENT);
}

TEST_F(WatchdogCapiTest, CpuFallbackAnswersAsThePlWhileItIsDown) {
  zynqnn_watchdog_config c = config("fixed");
  c.calibrate_calls = 30;
  c.max_retries = 0;  // no ladder: the first failure puts the PL down
  c.use_fallback = 1;
  c.pl_probe_interval = 2;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_watchdog_result r;
  ASSERT_EQ(process(&r), ZYNQNN_OK);
  ASSERT_EQ(r.fallback, 0);
  const std::vector<std::int32_t> from_pl = output_;

  ASSERT_EQ(zynqnn_inject_fault(acc_, "hang", 1), ZYNQNN_OK);
  std::fill(output_.begin(), output_.end(), -1);
  ASSERT_EQ(process(&r), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(r.outcome, ZYNQNN_OUTCOME_HANG);
  EXPECT_EQ(r.delivered, 1);
  EXPECT_EQ(r.fallback, 1);
  EXPECT_EQ(output_, from_pl);  // the same input, the same answer as the PL gave
  const auto names = actions(r);
  EXPECT_NE(std::find(names.begin(), names.end(), "fallback"), names.end());
  EXPECT_EQ(counters().pl_down, 1);

  for (auto& word : input_) word = -word;  // the PL is not tried: the fallback computes this one
  ASSERT_EQ(process(&r), ZYNQNN_OK);
  EXPECT_EQ(r.attempts, 0u);
  EXPECT_EQ(r.fallback, 1);
  EXPECT_TRUE(output_is_input());
  ASSERT_EQ(process(&r), ZYNQNN_OK);  // the 2nd call while down probes: reload, and the PL answers
  EXPECT_EQ(r.fallback, 0);
  EXPECT_TRUE(output_is_input());
  EXPECT_EQ(counters().pl_down, 0);
  EXPECT_EQ(counters().failures, 0u);
  EXPECT_EQ(counters().fallbacks, 2u);
}

TEST_F(WatchdogCapiTest, CpuFallbackIsOfferedOnTheVirtualBoardOnly) {
  zynqnn_accelerator* null_board = nullptr;
  ASSERT_EQ(zynqnn_open(manifest().c_str(), "null", &null_board), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_watchdog_config c = config("fixed");
  c.threshold_ns = 100000;
  c.use_fallback = 1;
  zynqnn_watchdog* other = nullptr;
  EXPECT_EQ(zynqnn_watchdog_create(null_board, &c, &other), ZYNQNN_UNSUPPORTED);
  EXPECT_NE(std::string(zynqnn_last_error()).find("virtual board only"), std::string::npos) << zynqnn_last_error();
  EXPECT_EQ(other, nullptr);
  zynqnn_close(null_board);
}

TEST_F(WatchdogCapiTest, ChecksNamedBuffersBeforeRunning) {
  zynqnn_watchdog_config c = config("fixed");
  c.threshold_ns = 100000;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  const char* wrong = "nope";
  const void* in = input_.data();
  const std::size_t bytes = kBytes, short_bytes = kBytes - 4;
  EXPECT_EQ(zynqnn_watchdog_process(wd_, 1, &wrong, &in, &bytes, 0, nullptr, nullptr, nullptr, nullptr),
            ZYNQNN_NOT_FOUND);
  const char* name = "in_data";
  EXPECT_EQ(zynqnn_watchdog_process(wd_, 1, &name, &in, &short_bytes, 0, nullptr, nullptr, nullptr, nullptr),
            ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_watchdog_process(wd_, 0, nullptr, nullptr, nullptr, 0, nullptr, nullptr, nullptr, nullptr),
            ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(counters().calls, 0u);  // nothing ran
}

TEST_F(WatchdogCapiTest, ClosingTheAcceleratorFirstIsDeferred) {
  zynqnn_watchdog_config c = config("fixed");
  c.threshold_ns = 100000;
  ASSERT_EQ(create(c), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_close(acc_);  // deferred: the watchdog still refers to it
  acc_ = nullptr;
  zynqnn_watchdog_result r;
  EXPECT_EQ(process(&r), ZYNQNN_BAD_STATE);
  zynqnn_watchdog_destroy(wd_);  // closes the accelerator now (checked by ASan for leaks)
  wd_ = nullptr;
}

}  // namespace
