// One accelerator (SharedAccelerator) and one Watchdog shared by 32 threads: each thread sends
// its own frames and must get exactly its own frames back; close() racing with the calls ends
// them with Error(bad_state), never a crash or a wrong answer. The model accelerator echoes its
// input, so the expected answer of every call is the thread's input. Runs under ThreadSanitizer
// in the runtime-only build.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "../support/run_on_threads.hpp"
#include "zynqnn/accelerator/shared_accelerator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/model_accelerator.hpp"
#include "zynqnn/watchdog/watchdog.hpp"

namespace {

using zynqnn::CallStatus;
using zynqnn::Error;
using zynqnn::ErrorCode;
using zynqnn::Nanoseconds;
using zynqnn::SharedAccelerator;
namespace wd = zynqnn::watchdog;

constexpr std::size_t kThreads = 32;
constexpr std::size_t kCallsPerThread = 200;
constexpr std::size_t kWords = 64;
constexpr Nanoseconds kTimeout = std::chrono::seconds(10);  // modeled calls take ~3 us

// A frame no other thread and no other call of this thread sends.
std::vector<std::uint32_t> frame_of(std::size_t thread, std::size_t call) {
  std::vector<std::uint32_t> words(kWords);
  for (std::size_t k = 0; k < kWords; ++k)
    words[k] = static_cast<std::uint32_t>((thread << 24) ^ (call << 8) ^ k);
  return words;
}

wd::ModelAcceleratorConfig model_config() {
  wd::ModelAcceleratorConfig config;
  config.words = kWords;
  config.jitter = Nanoseconds{0};
  return config;
}

template <typename Body>
void on_threads(Body body) {
  zynqnn::testing::run_on_threads(kThreads, body);
}

TEST(SharedAcceleratorThreads, EveryThreadGetsItsOwnAnswer) {
  SharedAccelerator device(std::make_unique<wd::ModelAccelerator>(model_config()));
  zynqnn::testing::AnswerTally tally;
  on_threads([&](std::size_t t) {
    std::vector<std::uint32_t> out(kWords);
    for (std::size_t call = 0; call < kCallsPerThread; ++call) {
      const std::vector<std::uint32_t> in = frame_of(t, call);
      const std::span<const std::byte> inputs[] = {std::as_bytes(std::span(in))};
      const std::span<std::byte> outputs[] = {std::as_writable_bytes(std::span(out))};
      const zynqnn::CallResult result = device.call(inputs, outputs, kTimeout);
      tally.record(result.status == CallStatus::ok, out == in);
    }
  });
  EXPECT_EQ(tally.wrong.load(), 0u);
  EXPECT_EQ(tally.failed.load(), 0u);
  EXPECT_EQ(tally.own.load(), kThreads * kCallsPerThread);
}

TEST(SharedAcceleratorThreads, CloseWaitsForTheCallInFlightAndRefusesLaterCalls) {
  SharedAccelerator device(std::make_unique<wd::ModelAccelerator>(model_config()));
  std::atomic<std::size_t> wrong{0}, other_errors{0}, ok{0}, refused{0};
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    // Close once the callers are well under way (bounded: at most 10 s of waiting).
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (ok.load() < kThreads * 10 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    EXPECT_TRUE(device.close(kTimeout));
    closed.store(true);
  });
  on_threads([&](std::size_t t) {
    std::vector<std::uint32_t> out(kWords);
    for (std::size_t call = 0;; ++call) {
      const bool closed_before = closed.load();
      const std::vector<std::uint32_t> in = frame_of(t, call);
      const std::span<const std::byte> inputs[] = {std::as_bytes(std::span(in))};
      const std::span<std::byte> outputs[] = {std::as_writable_bytes(std::span(out))};
      try {
        const zynqnn::CallResult result = device.call(inputs, outputs, kTimeout);
        if (closed_before || result.status != CallStatus::ok) {
          ++other_errors;  // a call that started after close() returned must be refused
        } else if (out != in) {
          ++wrong;
        } else {
          ++ok;
        }
      } catch (const Error& error) {
        if (error.code() == ErrorCode::bad_state) {
          ++refused;
          return;
        }
        ++other_errors;
      }
      if (call > 100'000) return;  // the closer gave up: counted below
    }
  });
  closer.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_EQ(other_errors.load(), 0u);
  EXPECT_GE(ok.load(), kThreads * 10);
  EXPECT_EQ(refused.load(), kThreads);  // every thread ended on the clear error
  EXPECT_THROW(
      {
        try {
          (void)device.acquire(kTimeout);
        } catch (const Error& error) {
          EXPECT_EQ(error.code(), ErrorCode::bad_state);
          throw;
        }
      },
      Error);
}

TEST(SharedAcceleratorThreads, AWaitForABusyDeviceIsBounded) {
  SharedAccelerator device(std::make_unique<wd::ModelAccelerator>(model_config()));
  SharedAccelerator::Session held = device.acquire(kTimeout);
  std::thread other([&] {
    try {
      (void)device.acquire(std::chrono::milliseconds(20));
      ADD_FAILURE() << "acquired a device another thread holds";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::timeout);
    }
  });
  other.join();
}

TEST(WatchdogThreads, EveryThreadGetsItsOwnAnswer) {
  wd::ModelAccelerator accelerator(model_config());
  wd::WatchdogConfig config = wd::preset(wd::Policy::fixed);
  config.expert_threshold = std::chrono::milliseconds(1);
  wd::Watchdog watchdog(accelerator, config);
  std::atomic<std::uint64_t> next_index{0};
  zynqnn::testing::AnswerTally tally;  // failed: not delivered
  on_threads([&](std::size_t t) {
    std::vector<std::uint32_t> out(kWords);
    for (std::size_t call = 0; call < kCallsPerThread; ++call) {
      const std::vector<std::uint32_t> in = frame_of(t, call);
      const wd::InputViews inputs = {std::as_bytes(std::span(in))};
      const wd::OutputViews outputs = {std::as_writable_bytes(std::span(out))};
      const wd::CallReport report = watchdog.process(next_index++, inputs, outputs);
      tally.record(report.delivered,
                   out == in && report.outputs[0].data() == static_cast<const void*>(out.data()));
      if (call % 50 == 0) (void)watchdog.counters();  // readers beside the calls
    }
  });
  EXPECT_EQ(tally.wrong.load(), 0u);
  EXPECT_EQ(tally.failed.load(), 0u);
  EXPECT_EQ(tally.own.load(), kThreads * kCallsPerThread);
  const wd::WatchdogCounters counters = watchdog.counters();
  EXPECT_EQ(counters.calls, kThreads * kCallsPerThread);
  EXPECT_EQ(counters.outcomes[static_cast<int>(wd::Outcome::ok)], kThreads * kCallsPerThread);
  EXPECT_EQ(watchdog.failure_count(), 0u);
}

TEST(WatchdogThreads, RefusesOutputBuffersOfTheWrongSize) {
  wd::ModelAccelerator accelerator(model_config());
  wd::WatchdogConfig config = wd::preset(wd::Policy::fixed);
  config.expert_threshold = std::chrono::milliseconds(1);
  wd::Watchdog watchdog(accelerator, config);
  const std::vector<std::uint32_t> in = frame_of(0, 0);
  std::vector<std::uint32_t> out(kWords - 1);
  const wd::InputViews inputs = {std::as_bytes(std::span(in))};
  const wd::OutputViews outputs = {std::as_writable_bytes(std::span(out))};
  EXPECT_THROW((void)watchdog.process(0, inputs, outputs), Error);
  EXPECT_EQ(watchdog.counters().calls, 0u);
}

}  // namespace
