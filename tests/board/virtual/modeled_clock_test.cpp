#include "zynqnn/board/virtual/modeled_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(ModeledClock, SleepAdvancesAtOnceWithoutSimulationThreads) {
  ModeledClock clock;
  EXPECT_EQ(clock.now(), Nanoseconds{0});
  const auto start = std::chrono::steady_clock::now();
  clock.sleep_for(std::chrono::seconds(3600));
  EXPECT_EQ(clock.now(), std::chrono::seconds(3600));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << "an hour of modeled time is instant";
}

TEST(ModeledClock, TimeWaitsForARunningSimulationThread) {
  ModeledClock clock;
  std::atomic<bool> work_done{false};
  clock.thread_started();
  std::thread sim([&] {
    std::this_thread::sleep_for(milliseconds(30));  // real work, not blocked
    work_done = true;
    clock.thread_finished();
  });
  clock.sleep_for(microseconds(1));
  EXPECT_TRUE(work_done) << "modeled time moved while a simulation thread was still running";
  sim.join();
}

TEST(ModeledClock, JumpsToTheEarliestDeadlineAndWakesSimulationWaiters) {
  ModeledClock clock;
  std::atomic<std::int64_t> woke_at{-1};
  clock.thread_started();
  std::thread sim([&] {
    clock.wait_until(microseconds(3), {}, true);
    woke_at = clock.now().count();
    clock.thread_finished();
  });
  clock.sleep_for(microseconds(10));
  sim.join();
  EXPECT_EQ(woke_at.load(), 3000);
  EXPECT_EQ(clock.now(), microseconds(10));
}

TEST(ModeledClock, SimulationThreadsAloneNeverPushTimeForward) {
  ModeledClock clock;
  std::atomic<bool> stop{false};
  const std::function<bool()> stopped = [&] { return stop.load(); };
  clock.thread_started();
  std::thread sim([&] {
    clock.wait_until(microseconds(5), stopped, true);
    clock.thread_finished();
  });
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(clock.now(), Nanoseconds{0});
  stop = true;
  clock.notify();
  sim.join();
  EXPECT_EQ(clock.now(), Nanoseconds{0});
}

TEST(ModeledClock, AThreadBlockedInAStreamCountsAsBlocked) {
  ModeledClock clock;
  hls::stream<int> s;
  std::atomic<int> got{0};
  clock.thread_started();
  std::thread sim([&] {
    hls::csim::current_wait_observer = clock.observer();
    got = s.read();
    clock.thread_finished();
  });
  clock.sleep_for(milliseconds(5));  // returns: the reader is blocked, so time may pass
  EXPECT_EQ(clock.now(), milliseconds(5));
  s.write(7);  // the writer reports the reader runnable on its behalf
  clock.sleep_for(nanoseconds(1));
  EXPECT_EQ(got.load(), 7) << "time waited for the woken reader";
  sim.join();
  EXPECT_EQ(clock.running_threads(), 0);
}

TEST(ModeledClock, OutsideWaitEndsByPredicateOrDeadline) {
  ModeledClock clock;
  std::atomic<bool> flag{false};
  const std::function<bool()> ready = [&] { return flag.load(); };
  EXPECT_FALSE(clock.wait_until(microseconds(2), ready, false));
  EXPECT_EQ(clock.now(), microseconds(2));
  flag = true;
  EXPECT_TRUE(clock.wait_until(microseconds(100), ready, false));
  EXPECT_EQ(clock.now(), microseconds(2));
  clock.advance(milliseconds(120));
  EXPECT_EQ(clock.now(), microseconds(2) + milliseconds(120));
}

TEST(ModeledClock, AnOutsideWaitThatCannotProgressIsAnError) {
  ModeledClock clock(milliseconds(100));
  std::atomic<bool> stop{false};
  clock.thread_started();
  std::thread busy([&] {  // a kernel computing without ever blocking
    while (!stop) std::this_thread::sleep_for(milliseconds(1));
    clock.thread_finished();
  });
  try {
    clock.sleep_for(microseconds(1));
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_NE(e.message().find("kept running without blocking"), std::string::npos) << e.message();
  }
  stop = true;
  busy.join();
  clock.sleep_for(microseconds(1));  // usable again
  EXPECT_EQ(clock.now(), microseconds(1));
}

TEST(RealTimeClock, WaitsInRealTime) {
  RealTimeClock clock;
  const Nanoseconds start = clock.now();
  EXPECT_FALSE(clock.wait_until(start + milliseconds(5), {}, false));
  EXPECT_GE(clock.now() - start, milliseconds(5));
  std::atomic<bool> flag{false};
  const std::function<bool()> ready = [&] { return flag.load(); };
  std::thread setter([&] {
    std::this_thread::sleep_for(milliseconds(5));
    flag = true;
    clock.notify();
  });
  EXPECT_TRUE(clock.wait_until(clock.now() + std::chrono::seconds(5), ready, false));
  setter.join();
}

}  // namespace
}  // namespace zynqnn::virtual_board
