// The C ABI's two-step call (zynqnn_start, zynqnn_wait, zynqnn_abort) as a C program uses it,
// on a generated pass-through kernel on the virtual board (modeled time: a wait of 0 ns finds
// the call still running, deterministically).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../support/passthrough_kernel.hpp"
#include "zynqnn/zynqnn.h"

namespace {

namespace fs = std::filesystem;
constexpr std::size_t kWords = 64;
constexpr std::int64_t kLong = 10'000'000'000;  // a virtual-board call takes well under 1 ms

std::vector<std::int32_t> frame(std::int32_t seed) {
  std::vector<std::int32_t> words(kWords);
  for (std::size_t k = 0; k < kWords; ++k) words[k] = seed * 1000 + static_cast<std::int32_t>(k);
  return words;
}

class StartedCallCapi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { root_ = zynqnn::testing::make_passthrough_suite("zynqnn_capi_started"); }
  static void TearDownTestSuite() { zynqnn::testing::remove_passthrough_suite(root_); }
  void SetUp() override {
    ASSERT_EQ(zynqnn_open((*root_ / "passthrough" / "manifest.json").c_str(), "virtual", &acc_), ZYNQNN_OK)
        << zynqnn_last_error();
  }
  void TearDown() override { zynqnn_close(acc_); }

  int start(const std::vector<std::int32_t>& in, std::int64_t timeout_ns = kLong) {
    const void* inputs[] = {in.data()};
    return zynqnn_start(acc_, inputs, timeout_ns);
  }
  int wait(std::vector<std::int32_t>& out, std::int64_t timeout_ns, zynqnn_call_result* result = nullptr) {
    void* outputs[] = {out.data()};
    return zynqnn_wait(acc_, timeout_ns, outputs, result);
  }
  zynqnn_stats stats() {
    zynqnn_stats s{};
    EXPECT_EQ(zynqnn_stats_get(acc_, &s), ZYNQNN_OK);
    return s;
  }

  static fs::path* root_;
  zynqnn_accelerator* acc_ = nullptr;
};
fs::path* StartedCallCapi::root_ = nullptr;

TEST_F(StartedCallCapi, AWaitReportsPendingThenTheCallsOutputs) {
  const auto in = frame(1);
  std::vector<std::int32_t> out(kWords, 0);
  ASSERT_EQ(start(in), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_call_result result{};
  EXPECT_EQ(wait(out, 0, &result), ZYNQNN_PENDING);
  EXPECT_EQ(result.status, ZYNQNN_PENDING);
  EXPECT_STREQ(zynqnn_status_name(ZYNQNN_PENDING), "pending");
  EXPECT_NE(std::string(result.detail).find("not complete at the deadline"), std::string::npos) << result.detail;
  EXPECT_NE(out, in);  // nothing copied out while pending
  EXPECT_EQ(stats().calls, 0u);

  // Waited for on another thread than the one that started it.
  int status = -1;
  std::thread([&] { status = wait(out, kLong, &result); }).join();
  ASSERT_EQ(status, ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(result.status, ZYNQNN_OK);
  EXPECT_GT(result.elapsed_ns, 0);
  EXPECT_EQ(out, in);
  EXPECT_EQ(stats().calls, 1u);
  EXPECT_EQ(stats().ok, 1u);
  EXPECT_EQ(wait(out, kLong), ZYNQNN_BAD_STATE);  // over: its result was returned
  EXPECT_NE(std::string(zynqnn_last_error()).find("no started call"), std::string::npos);
}

TEST_F(StartedCallCapi, TheZeroCopyPathReadsTheStreamBuffers) {
  void* in_buffer = nullptr;
  void* out_buffer = nullptr;
  size_t bytes = 0;
  ASSERT_EQ(zynqnn_stream_buffer(acc_, ZYNQNN_INPUT, 0, &in_buffer, &bytes), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_stream_buffer(acc_, ZYNQNN_OUTPUT, 0, &out_buffer, &bytes), ZYNQNN_OK);
  const auto in = frame(2);
  std::memcpy(in_buffer, in.data(), bytes);
  ASSERT_EQ(zynqnn_start(acc_, nullptr, kLong), ZYNQNN_OK) << zynqnn_last_error();
  ASSERT_EQ(zynqnn_wait(acc_, kLong, nullptr, nullptr), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(std::memcmp(out_buffer, in.data(), bytes), 0);
}

TEST_F(StartedCallCapi, RefusesWhatCannotBeDone) {
  std::vector<std::int32_t> out(kWords);
  EXPECT_EQ(wait(out, kLong), ZYNQNN_BAD_STATE);
  EXPECT_EQ(start(frame(3), 0), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(wait(out, -1), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_start(nullptr, nullptr, kLong), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_wait(nullptr, kLong, nullptr, nullptr), ZYNQNN_INVALID_ARGUMENT);
  const void* null_input[] = {nullptr};
  EXPECT_EQ(zynqnn_start(acc_, null_input, kLong), ZYNQNN_INVALID_ARGUMENT);

  ASSERT_EQ(start(frame(4)), ZYNQNN_OK);
  EXPECT_EQ(start(frame(5)), ZYNQNN_BAD_STATE);  // at once: one started call per handle
  EXPECT_NE(std::string(zynqnn_last_error()).find("has not ended"), std::string::npos) << zynqnn_last_error();
  // A one-step call waits for the device as for any call in flight, at most its own timeout.
  const void* inputs[] = {out.data()};
  EXPECT_EQ(zynqnn_run_buffers(acc_, inputs, nullptr, 20'000'000, nullptr), ZYNQNN_TIMEOUT);
  EXPECT_EQ(wait(out, kLong), ZYNQNN_OK);
  EXPECT_EQ(out, frame(4));
}

TEST_F(StartedCallCapi, AbortStopsAStartedCallAndTheNextCallIsRight) {
  std::vector<std::int32_t> out(kWords, 0);
  ASSERT_EQ(start(frame(6)), ZYNQNN_OK);
  EXPECT_EQ(wait(out, 0), ZYNQNN_PENDING);
  ASSERT_EQ(zynqnn_abort(acc_), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(wait(out, kLong), ZYNQNN_BAD_STATE);
  EXPECT_EQ(stats().aborts, 1u);
  // Stopped at once, the frame was broken inside the kernel: a DMA reset does not reach the
  // words the kernel already took (the next frame would start with them), a reload does.
  ASSERT_EQ(zynqnn_reconfigure(acc_), ZYNQNN_OK) << zynqnn_last_error();
  const auto in = frame(7);
  ASSERT_EQ(start(in), ZYNQNN_OK) << zynqnn_last_error();
  ASSERT_EQ(wait(out, kLong), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(out, in);
}

TEST_F(StartedCallCapi, AHangStaysPendingUntilTheCallerAbortsIt) {
  ASSERT_EQ(zynqnn_inject_fault(acc_, "hang", 0), ZYNQNN_OK);
  std::vector<std::int32_t> out(kWords, 0);
  ASSERT_EQ(start(frame(8)), ZYNQNN_OK);
  EXPECT_EQ(wait(out, 1'000'000), ZYNQNN_PENDING);
  EXPECT_EQ(wait(out, 1'000'000), ZYNQNN_PENDING);  // no wait aborts: the caller decides
  ASSERT_EQ(zynqnn_abort(acc_), ZYNQNN_OK) << zynqnn_last_error();
  // The hung kernel itself needs the PL reloaded (a DMA reset does not reach it).
  ASSERT_EQ(zynqnn_reconfigure(acc_), ZYNQNN_OK) << zynqnn_last_error();
  const auto in = frame(9);
  ASSERT_EQ(start(in), ZYNQNN_OK) << zynqnn_last_error();
  ASSERT_EQ(wait(out, kLong), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(out, in);
}

TEST_F(StartedCallCapi, ShutdownAbortsAStartedCall) {
  ASSERT_EQ(start(frame(10)), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_shutdown(acc_), ZYNQNN_OK) << zynqnn_last_error();  // at once, not after 30 s
  EXPECT_EQ(stats().aborts, 1u);
  std::vector<std::int32_t> out(kWords);
  EXPECT_EQ(wait(out, kLong), ZYNQNN_BAD_STATE);
  EXPECT_EQ(start(frame(11)), ZYNQNN_BAD_STATE);
}

}  // namespace
