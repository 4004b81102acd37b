#pragma once
// Time is injected: the board uses the steady clock, the virtual board can run in modeled
// time so that tests are fast and deterministic. Every wait in zynqnn goes through a Clock.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace zynqnn {

using Nanoseconds = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time since an arbitrary origin.
  virtual Nanoseconds now() const = 0;
  // Lets `duration` pass. A modeled clock may advance instead of sleeping.
  virtual void sleep_for(Nanoseconds duration) = 0;
};

// Real time: std::chrono::steady_clock and std::this_thread::sleep_for.
class SteadyClock final : public Clock {
 public:
  Nanoseconds now() const override;
  void sleep_for(Nanoseconds duration) override;
};

// Time that moves only when told to (sleep_for or advance). Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(Nanoseconds start = Nanoseconds{0}) : now_ns_(start.count()) {}
  Nanoseconds now() const override { return Nanoseconds{now_ns_.load(std::memory_order_acquire)}; }
  void sleep_for(Nanoseconds duration) override { advance(duration); }
  void advance(Nanoseconds duration) {
    if (duration.count() > 0) now_ns_.fetch_add(duration.count(), std::memory_order_acq_rel);
  }

 private:
  std::atomic<std::int64_t> now_ns_;
};

// The process-wide steady clock.
SteadyClock& steady_clock();

}  // namespace zynqnn
