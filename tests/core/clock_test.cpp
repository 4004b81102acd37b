#include "zynqnn/core/clock.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace zynqnn {

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(Nanoseconds{100});
  EXPECT_EQ(clock.now(), Nanoseconds{100});
  clock.sleep_for(Nanoseconds{50});
  EXPECT_EQ(clock.now(), Nanoseconds{150});
  clock.advance(Nanoseconds{-10});  // time never goes back
  EXPECT_EQ(clock.now(), Nanoseconds{150});
}

TEST(ManualClock, AdvancesFromManyThreadsWithoutLosingTime) {
  ManualClock clock;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) clock.advance(Nanoseconds{1});
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(clock.now(), Nanoseconds{4000});
}

TEST(SteadyClock, IsMonotonicAndSleeps) {
  SteadyClock& clock = steady_clock();
  const Nanoseconds before = clock.now();
  clock.sleep_for(std::chrono::milliseconds(2));
  EXPECT_GE(clock.now() - before, std::chrono::milliseconds(2));
}

}  // namespace zynqnn
