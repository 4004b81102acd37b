// Started calls on a shared device (SharedAccelerator::start -> Run): the Run holds the device
// from start until its wait ends the call or it is aborted, so other callers wait for it
// (bounded); and the watchdog's behavioural model split into start and wait.
#include <gtest/gtest.h>

#include <cstring>
#include <span>
#include <thread>
#include <vector>

#include "slow_loopback.hpp"
#include "zynqnn/accelerator/shared_accelerator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/model_accelerator.hpp"

namespace zynqnn {
namespace {

using namespace std::chrono_literals;
using testing::kBytes;
using testing::kWords;

std::vector<std::uint32_t> frame(std::uint32_t seed) {
  std::vector<std::uint32_t> words(kWords);
  for (std::size_t k = 0; k < kWords; ++k) words[k] = seed ^ (static_cast<std::uint32_t>(k) * 2654435761u);
  return words;
}

class SharedRun : public ::testing::Test {
 protected:
  SharedRun() : device_(testing::make_slow_loopback(board_)) {}

  SharedAccelerator::Run start(const std::vector<std::uint32_t>& in, Nanoseconds wait = 1s) {
    const std::span<const std::byte> bytes = std::as_bytes(std::span(in));
    return device_.start(std::span(&bytes, 1), wait);
  }
  static CallResult wait(SharedAccelerator::Run& run, std::vector<std::uint32_t>& out, Nanoseconds timeout) {
    const std::span<std::byte> bytes = std::as_writable_bytes(std::span(out));
    return run.wait(timeout, std::span(&bytes, 1));
  }
  // Whether the device can be had within `wait` (real time) from another thread.
  bool device_free_within(Nanoseconds wait) {
    bool free = false;
    std::thread([&] {
      try {
        const SharedAccelerator::Session session = device_.acquire(wait);
        free = true;
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::timeout) << error.what();
      }
    }).join();
    return free;
  }

  virtual_board::VirtualBoard* board_ = nullptr;
  SharedAccelerator device_;
};

TEST_F(SharedRun, CopiesTheInputsInAndTheOutputsOut) {
  const auto in = frame(1);
  std::vector<std::uint32_t> out(kWords, 0);
  SharedAccelerator::Run run = start(in);
  const CallResult result = wait(run, out, 100ms);
  ASSERT_EQ(result.status, CallStatus::ok) << result.detail;
  EXPECT_EQ(out, in);
  EXPECT_FALSE(run.pending());
  EXPECT_TRUE(device_free_within(1ms));
}

TEST_F(SharedRun, TheRunHoldsTheDeviceUntilItsCallEnds) {
  const auto in = frame(2);
  std::vector<std::uint32_t> out(kWords, 0);
  SharedAccelerator::Run run = start(in);
  ASSERT_EQ(wait(run, out, 20us).status, CallStatus::pending);
  EXPECT_TRUE(run.pending());
  // A second start (another thread's, or this thread's) waits for the device, bounded by its
  // own wait: the choice for a device shared by threads, as for call().
  EXPECT_FALSE(device_free_within(5ms));
  try {
    (void)start(frame(3), 5ms);
    FAIL() << "a second start must not get the device while the first call is in flight";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::timeout);
    EXPECT_NE(std::string(error.what()).find("started call"), std::string::npos) << error.what();
  }
  ASSERT_EQ(wait(run, out, 100ms).status, CallStatus::ok);
  EXPECT_EQ(out, in);
  EXPECT_TRUE(device_free_within(1ms));
}

TEST_F(SharedRun, AbortAndDestructionReleaseTheDevice) {
  {
    SharedAccelerator::Run run = start(frame(4));
    ASSERT_EQ(run.wait(20us).status, CallStatus::pending);
    run.abort();
    EXPECT_FALSE(run.pending());
    EXPECT_THROW(run.wait(1ms), Error);
    EXPECT_TRUE(device_free_within(1ms));
  }
  {
    SharedAccelerator::Run unwaited = start(frame(5));
    EXPECT_FALSE(device_free_within(1ms));
  }
  EXPECT_TRUE(device_free_within(1ms));
  // The device answers the next call correctly.
  const auto in = frame(6);
  std::vector<std::uint32_t> out(kWords, 0);
  const std::span<const std::byte> in_bytes = std::as_bytes(std::span(in));
  const std::span<std::byte> out_bytes = std::as_writable_bytes(std::span(out));
  ASSERT_EQ(device_.call(std::span(&in_bytes, 1), std::span(&out_bytes, 1), 100ms).status, CallStatus::ok);
  EXPECT_EQ(out, in);
}

TEST_F(SharedRun, RefusesWrongSizesBeforeTouchingTheDevice) {
  const std::vector<std::uint32_t> short_in(kWords - 1);
  const std::span<const std::byte> bytes = std::as_bytes(std::span(short_in));
  EXPECT_THROW((void)device_.start(std::span(&bytes, 1), 1ms), Error);
  EXPECT_TRUE(device_free_within(1ms));
  SharedAccelerator::Run run = start(frame(7));
  std::vector<std::uint32_t> short_out(kWords - 1);
  const std::span<std::byte> out_bytes = std::as_writable_bytes(std::span(short_out));
  EXPECT_THROW(run.wait(100ms, std::span(&out_bytes, 1)), Error);
  EXPECT_TRUE(run.pending());  // the refusal touched nothing
  EXPECT_EQ(run.wait(100ms).status, CallStatus::ok);
}

// The watchdog's behavioural model in two steps: a call ends at its start plus its modeled time.
TEST(ModelAcceleratorRun, AWaitBeforeTheEndIsPendingAndAbortStopsAHang) {
  watchdog::ModelAccelerator model;
  const Nanoseconds latency = model.nominal_latency();
  Accelerator::Run call = model.start();
  const CallResult early = call.wait_until(call.started() + latency / 4);
  EXPECT_EQ(early.status, CallStatus::pending);
  EXPECT_TRUE(call.pending());
  const CallResult done = call.wait_until(call.started() + 4 * latency);
  ASSERT_EQ(done.status, CallStatus::ok) << done.detail;
  EXPECT_EQ(std::memcmp(model.output_buffer(0).data(), model.input_buffer(0).data(), model.outputs()[0].bytes), 0);

  model.inject({watchdog::FaultKind::hang});
  Accelerator::Run hung = model.start();
  EXPECT_EQ(hung.wait(10 * latency).status, CallStatus::pending);
  hung.abort();
  EXPECT_EQ(model.stats().aborts, 1u);
  EXPECT_EQ(model.run(10 * latency).status, CallStatus::ok);
  EXPECT_EQ(model.stats().runs, 3u);
}

}  // namespace
}  // namespace zynqnn
