// The C ABI's handles shared by threads, as a C program would share them: 32 threads on one
// accelerator (zynqnn_run_buffers, zynqnn_run_named) and on one watchdog, each sending its own
// frames through a generated pass-through kernel on the virtual board and checking that every
// answer is its own; zynqnn_shutdown racing with the calls ends them with ZYNQNN_BAD_STATE.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../support/passthrough_kernel.hpp"
#include "../support/run_on_threads.hpp"
#include "zynqnn/zynqnn.h"

namespace {

namespace fs = std::filesystem;
constexpr std::size_t kWords = 64;
constexpr std::size_t kBytes = kWords * 4;
constexpr std::size_t kThreads = 32;
constexpr std::size_t kCallsPerThread = 40;
constexpr std::int64_t kTimeoutNs = 10'000'000'000;  // a virtual-board call takes well under 1 ms

std::vector<std::int32_t> frame_of(std::size_t thread, std::size_t call) {
  std::vector<std::int32_t> words(kWords);
  for (std::size_t k = 0; k < kWords; ++k)
    words[k] = static_cast<std::int32_t>((thread << 24) ^ (call << 8) ^ k);
  return words;
}

template <typename Body>
void on_threads(Body body) {
  zynqnn::testing::run_on_threads(kThreads, body);
}

class CapiThreadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { root_ = zynqnn::testing::make_passthrough_suite("zynqnn_capi_threads"); }
  static void TearDownTestSuite() { zynqnn::testing::remove_passthrough_suite(root_); }
  void SetUp() override {
    ASSERT_EQ(zynqnn_open((*root_ / "passthrough" / "manifest.json").c_str(), "virtual", &acc_), ZYNQNN_OK)
        << zynqnn_last_error();
  }
  void TearDown() override {
    if (wd_) zynqnn_watchdog_destroy(wd_);
    if (acc_) zynqnn_close(acc_);
  }

  int run_buffers(const std::vector<std::int32_t>& in, std::vector<std::int32_t>& out) {
    const void* inputs[] = {in.data()};
    void* outputs[] = {out.data()};
    return zynqnn_run_buffers(acc_, inputs, outputs, kTimeoutNs, nullptr);
  }
  int run_named(const std::vector<std::int32_t>& in, std::vector<std::int32_t>& out) {
    const char* in_name = "in_data";
    const void* input = in.data();
    const char* out_name = "out_data";
    void* output = out.data();
    return zynqnn_run_named(acc_, 1, &in_name, &input, &kBytes, 1, &out_name, &output, &kBytes, kTimeoutNs,
                            nullptr);
  }
  int process(const std::vector<std::int32_t>& in, std::vector<std::int32_t>& out) {
    const char* in_name = "in_data";
    const void* input = in.data();
    const char* out_name = "out_data";
    void* output = out.data();
    return zynqnn_watchdog_process(wd_, 1, &in_name, &input, &kBytes, 1, &out_name, &output, &kBytes, nullptr);
  }
  void create_watchdog() {
    zynqnn_watchdog_config config;
    ASSERT_EQ(zynqnn_watchdog_config_init(&config, "fixed"), ZYNQNN_OK);
    config.threshold_ns = 1'000'000'000;  // the virtual board's real time under 32 threads and sanitizers
    config.max_retries = 0;
    ASSERT_EQ(zynqnn_watchdog_create(acc_, &config, &wd_), ZYNQNN_OK) << zynqnn_last_error();
  }

  static fs::path* root_;
  zynqnn_accelerator* acc_ = nullptr;
  zynqnn_watchdog* wd_ = nullptr;
};
fs::path* CapiThreadsTest::root_ = nullptr;

TEST_F(CapiThreadsTest, EveryThreadGetsItsOwnAnswerFromOneAccelerator) {
  zynqnn::testing::AnswerTally tally;
  on_threads([&](std::size_t t) {
    std::vector<std::int32_t> out(kWords);
    for (std::size_t call = 0; call < kCallsPerThread; ++call) {
      const std::vector<std::int32_t> in = frame_of(t, call);
      // Half the threads name their streams, half give them in order: both are one locked step.
      const int status = t % 2 == 0 ? run_buffers(in, out) : run_named(in, out);
      tally.record(status == ZYNQNN_OK, out == in);
    }
  });
  EXPECT_EQ(tally.wrong.load(), 0u);
  EXPECT_EQ(tally.failed.load(), 0u);
  EXPECT_EQ(tally.own.load(), kThreads * kCallsPerThread);
  zynqnn_stats stats;
  ASSERT_EQ(zynqnn_stats_get(acc_, &stats), ZYNQNN_OK);
  EXPECT_EQ(stats.calls, kThreads * kCallsPerThread);
  EXPECT_EQ(stats.ok, kThreads * kCallsPerThread);
}

TEST_F(CapiThreadsTest, EveryThreadGetsItsOwnAnswerFromOneWatchdog) {
  create_watchdog();
  zynqnn::testing::AnswerTally tally;
  on_threads([&](std::size_t t) {
    std::vector<std::int32_t> out(kWords);
    for (std::size_t call = 0; call < kCallsPerThread; ++call) {
      const std::vector<std::int32_t> in = frame_of(t, call);
      // A few threads call the accelerator directly beside the watched calls.
      const int status = t % 8 == 7 ? run_buffers(in, out) : process(in, out);
      tally.record(status == ZYNQNN_OK, out == in);
      if (call % 10 == 0) {
        zynqnn_watchdog_counters counters;
        if (zynqnn_watchdog_counters_get(wd_, &counters) != ZYNQNN_OK) ++tally.failed;
      }
    }
  });
  EXPECT_EQ(tally.wrong.load(), 0u);
  EXPECT_EQ(tally.failed.load(), 0u);
  EXPECT_EQ(tally.own.load(), kThreads * kCallsPerThread);
  zynqnn_watchdog_counters counters;
  ASSERT_EQ(zynqnn_watchdog_counters_get(wd_, &counters), ZYNQNN_OK);
  EXPECT_EQ(counters.calls, (kThreads - kThreads / 8) * kCallsPerThread);
  EXPECT_EQ(counters.failures, 0u);
}

// Runs `call` on every thread until it is refused, while the main thread shuts down after
// `calls_before` answers; checks the answers before were right and the refusals clear.
template <typename Call, typename Shutdown>
void race_shutdown(Call call, Shutdown shutdown, const char* closed_message) {
  std::atomic<std::size_t> wrong{0}, other_errors{0}, ok{0}, refused{0};
  std::atomic<bool> shut{false};
  std::thread closer([&] {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ok.load() < kThreads * 2 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    EXPECT_EQ(shutdown(), ZYNQNN_OK) << zynqnn_last_error();
    shut.store(true);
  });
  on_threads([&](std::size_t t) {
    std::vector<std::int32_t> out(kWords);
    for (std::size_t n = 0; n < 100'000; ++n) {
      const bool shut_before = shut.load();
      const std::vector<std::int32_t> in = frame_of(t, n);
      const int status = call(in, out);
      if (status == ZYNQNN_BAD_STATE) {
        if (std::string(zynqnn_last_error()).find(closed_message) == std::string::npos) ++other_errors;
        ++refused;
        return;
      }
      if (status != ZYNQNN_OK || shut_before) {
        ++other_errors;
      } else if (out != in) {
        ++wrong;
      } else {
        ++ok;
      }
    }
  });
  closer.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_EQ(other_errors.load(), 0u);
  EXPECT_GE(ok.load(), kThreads * 2);
  EXPECT_EQ(refused.load(), kThreads);
}

TEST_F(CapiThreadsTest, ShutdownRacingWithCallsEndsThemWithAClearError) {
  race_shutdown([&](const auto& in, auto& out) { return run_buffers(in, out); },
                [&] { return zynqnn_shutdown(acc_); }, "closed");
  // Later calls of every kind are refused the same way; the stream infos stay readable.
  std::vector<std::int32_t> in = frame_of(0, 0), out(kWords);
  EXPECT_EQ(run_named(in, out), ZYNQNN_BAD_STATE);
  EXPECT_EQ(zynqnn_abort(acc_), ZYNQNN_BAD_STATE);
  void* data = nullptr;
  size_t bytes = 0;
  EXPECT_EQ(zynqnn_stream_buffer(acc_, ZYNQNN_INPUT, 0, &data, &bytes), ZYNQNN_BAD_STATE);
  zynqnn_stream_info info;
  ASSERT_EQ(zynqnn_stream_info_get(acc_, ZYNQNN_INPUT, 0, &info), ZYNQNN_OK);
  EXPECT_STREQ(info.name, "in_data");
  EXPECT_EQ(zynqnn_shutdown(acc_), ZYNQNN_OK);  // idempotent
}

TEST_F(CapiThreadsTest, WatchdogShutdownRacingWithCallsEndsThemWithAClearError) {
  create_watchdog();
  race_shutdown([&](const auto& in, auto& out) { return process(in, out); },
                [&] { return zynqnn_watchdog_shutdown(wd_); }, "the watchdog is closed");
  // The accelerator stays open.
  std::vector<std::int32_t> in = frame_of(1, 1), out(kWords);
  EXPECT_EQ(run_buffers(in, out), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(out, in);
}

TEST_F(CapiThreadsTest, RunBuffersChecksItsArguments) {
  std::vector<std::int32_t> out(kWords);
  void* outputs[] = {out.data()};
  EXPECT_EQ(zynqnn_run_buffers(acc_, nullptr, outputs, kTimeoutNs, nullptr), ZYNQNN_INVALID_ARGUMENT);
  const std::vector<std::int32_t> in = frame_of(3, 3);
  const void* inputs[] = {in.data()};
  EXPECT_EQ(zynqnn_run_buffers(acc_, inputs, outputs, 0, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_run_buffers(acc_, inputs, nullptr, kTimeoutNs, nullptr), ZYNQNN_OK);  // outputs skipped
  EXPECT_EQ(zynqnn_run_buffers(acc_, inputs, outputs, kTimeoutNs, nullptr), ZYNQNN_OK);
  EXPECT_EQ(out, in);
}

}  // namespace
