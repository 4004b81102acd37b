#pragma once
// The virtual board's time. A SimulationTime is a Clock that also knows about the board's
// simulation threads (DMA engines, PL thread), so that internal waits can be expressed as
// "until this predicate holds or this time is reached".
//
// ModeledClock: now() is modeled time. It advances only when every simulation thread is
// blocked (in an hls::stream, waiting for a command, or waiting for a modeled time) or done,
// and then jumps to the earliest deadline anyone waits for. Polling in modeled time is
// therefore deterministic and takes no real time.
// RealTimeClock: the steady clock; modeled durations become minimum real durations.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>

#include <hls_stream.h>

#include "zynqnn/core/clock.hpp"

namespace zynqnn::virtual_board {

// Waits that end without progress after this much real time report an internal error.
inline constexpr std::chrono::seconds kRealTimeWaitLimit{10};
inline constexpr Nanoseconds kForever = Nanoseconds::max();

class SimulationTime : public Clock {
 public:
  // Waits until `ready()` holds or now() >= deadline; returns ready(). `ready` is evaluated
  // under the clock's lock: it must only read atomics. A simulation thread waiting here
  // counts as blocked. An outside thread's wait is bounded by kRealTimeWaitLimit of real time
  // without progress of modeled time (Error internal).
  virtual bool wait_until(Nanoseconds deadline, const std::function<bool()>& ready, bool simulation_thread) = 0;
  // Something a `ready` predicate reads has changed.
  virtual void notify() = 0;
  // Lets `duration` pass as part of the model (a reconfiguration): no waiting on anyone.
  virtual void advance(Nanoseconds duration) = 0;
  // An outside thread's register access on the AXI-Lite bus: modeled time passes for it as
  // for a sleep, so that a driver that busy-polls a register sees time go by. Real time:
  // nothing (the host's own access time stands in).
  virtual void bus_access(Nanoseconds duration) = 0;
  // Simulation threads: counted from thread_started() (called by the creator before the thread
  // runs) to thread_finished(); blocking stream operations are reported through observer().
  virtual void thread_started() = 0;
  virtual void thread_finished() = 0;
  virtual hls::csim::wait_observer* observer() = 0;
};

class ModeledClock final : public SimulationTime, private hls::csim::wait_observer {
 public:
  // `real_wait_limit`: how long an outside wait may see no progress before it reports an
  // internal error (tests shorten it).
  explicit ModeledClock(std::chrono::milliseconds real_wait_limit = kRealTimeWaitLimit)
      : real_wait_limit_(real_wait_limit) {}
  Nanoseconds now() const override;
  // Waits until every simulation thread is blocked, then lets modeled time reach now()+duration
  // (waking every earlier deadline on the way).
  void sleep_for(Nanoseconds duration) override;
  bool wait_until(Nanoseconds deadline, const std::function<bool()>& ready, bool simulation_thread) override;
  void notify() override;
  void advance(Nanoseconds duration) override;
  void bus_access(Nanoseconds duration) override { sleep_for(duration); }
  void thread_started() override;
  void thread_finished() override;
  hls::csim::wait_observer* observer() override { return this; }
  // Simulation threads currently not blocked (for tests).
  int running_threads() const;

 private:
  // Each waiter sleeps on its own condition variable: waking one thread never wakes the others
  // (a shared one made every settle wake every engine, the PL thread and the driver). Before
  // it sleeps, a waiter yields for a moment, watching `may_return` (kYieldBeforeSleeping).
  struct Waiter {
    std::int64_t deadline;
    const std::function<bool()>* ready;
    bool simulation;
    bool woken = false;
    // Set with the notification: a simulation waiter is woken, an outside one is woken and
    // the simulation has settled.
    std::atomic<bool> may_return{false};
    std::condition_variable cv;
  };
  void before_wait() override;
  void after_wait() override;
  void settle();  // called with mutex_ held
  void wake(Waiter& waiter);

  std::chrono::milliseconds real_wait_limit_;
  mutable std::mutex mutex_;
  std::int64_t now_ns_ = 0;
  int running_ = 0;
  std::uint64_t transitions_ = 0;  // simulation threads blocking or waking (progress)
  std::list<Waiter*> waiters_;  // not woken yet
  std::list<Waiter*> outside_;  // outside threads inside wait_until, woken or not
};

class RealTimeClock final : public SimulationTime, private hls::csim::wait_observer {
 public:
  RealTimeClock();
  Nanoseconds now() const override;
  void sleep_for(Nanoseconds duration) override;
  bool wait_until(Nanoseconds deadline, const std::function<bool()>& ready, bool simulation_thread) override;
  void notify() override;
  void advance(Nanoseconds duration) override { sleep_for(duration); }
  void bus_access(Nanoseconds /*duration*/) override {}
  void thread_started() override {}
  void thread_finished() override {}
  hls::csim::wait_observer* observer() override { return this; }

 private:
  void before_wait() override {}
  void after_wait() override {}
  std::chrono::steady_clock::time_point origin_;
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace zynqnn::virtual_board
