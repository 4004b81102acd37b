#include "zynqnn/board/virtual/modeled_clock.hpp"

#include <algorithm>
#include <limits>
#include <thread>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {
namespace {

// The hand-off between a driver and the PL thread is the simulation's main host cost: a
// thread that waits first yields the processor for up to this long (real time), checking
// whether it may go on, before it sleeps on its condition variable. When the other thread is
// quick (a small frame's round trip) that saves a futex wait and wake, several us each on a
// loaded machine; yielding rather than spinning lets the other thread, or anyone else, have
// the processor meanwhile (a busy spin on a machine whose cores are all taken only delays the
// thread it waits for).
constexpr std::chrono::microseconds kYieldBeforeSleeping{50};

void yield_until_set(const std::atomic<bool>& flag) {
  const auto until = std::chrono::steady_clock::now() + kYieldBeforeSleeping;
  while (!flag.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < until) std::this_thread::yield();
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  if (b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) return std::numeric_limits<std::int64_t>::max();
  return a + b;
}

}  // namespace

// ---------------------------------------------------------------- ModeledClock

Nanoseconds ModeledClock::now() const {
  std::lock_guard lock(mutex_);
  return Nanoseconds{now_ns_};
}

int ModeledClock::running_threads() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void ModeledClock::sleep_for(Nanoseconds duration) {
  std::int64_t deadline = 0;
  {
    std::lock_guard lock(mutex_);
    deadline = saturating_add(now_ns_, std::max<std::int64_t>(duration.count(), 0));
    // The common case of a driver's poll: the simulation has settled, nobody else waits
    // outside and no deadline comes first. Time simply moves (what settle() would do).
    if (running_ == 0 && outside_.empty() &&
        std::none_of(waiters_.begin(), waiters_.end(), [&](const Waiter* w) { return w->deadline <= deadline; })) {
      now_ns_ = std::max(now_ns_, deadline);
      return;
    }
  }
  wait_until(Nanoseconds{deadline}, {}, false);
}

void ModeledClock::wake(Waiter& waiter) {
  waiter.woken = true;
  // The waker reports the end of a simulation thread's wait on its behalf, so there is no
  // moment in which a thread that is about to run still counts as blocked.
  if (waiter.simulation) {
    ++running_;
    ++transitions_;
    waiter.may_return.store(true, std::memory_order_release);
    waiter.cv.notify_one();
  }
}

void ModeledClock::settle() {
  for (;;) {
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      Waiter& w = **it;
      if (w.deadline <= now_ns_ || (w.ready && (*w.ready)())) {
        wake(w);
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
    if (running_ > 0) break;
    // Time moves only for someone outside the simulation who waits for it (a sleeping or
    // polling driver); simulation threads alone never push it forward.
    const bool outside_waiter = std::any_of(waiters_.begin(), waiters_.end(), [](const Waiter* w) { return !w->simulation; });
    if (!outside_waiter) break;
    std::int64_t next = std::numeric_limits<std::int64_t>::max();
    for (const Waiter* w : waiters_) next = std::min(next, w->deadline);
    if (next == std::numeric_limits<std::int64_t>::max()) break;  // everyone waits for an event
    now_ns_ = std::max(now_ns_, next);
  }
  // An outside waiter returns once it is woken and the simulation has settled.
  if (running_ == 0)
    for (Waiter* w : outside_) {
      if (!w->woken) continue;
      w->may_return.store(true, std::memory_order_release);
      w->cv.notify_one();
    }
}

bool ModeledClock::wait_until(Nanoseconds deadline, const std::function<bool()>& ready, bool simulation_thread) {
  std::unique_lock lock(mutex_);
  if (ready && ready()) return true;
  if (deadline.count() <= now_ns_) return false;
  Waiter waiter{deadline.count(), ready ? &ready : nullptr, simulation_thread, false, {}, {}};
  waiters_.push_back(&waiter);
  if (simulation_thread) {
    --running_;
    ++transitions_;
    settle();
    // Ended by an event (the predicate's owner calls notify()) or by modeled time.
    if (!waiter.woken) {
      lock.unlock();
      yield_until_set(waiter.may_return);
      lock.lock();
    }
    waiter.cv.wait(lock, [&] { return waiter.woken; });
  } else {
    outside_.push_back(&waiter);
    struct Leave {  // however the wait ends
      std::list<Waiter*>& outside;
      Waiter* waiter;
      ~Leave() { outside.remove(waiter); }
    } leave{outside_, &waiter};
    settle();
    // Returns only once the simulation has settled at the new time too: a thread woken at
    // the same instant (an engine completing a transfer) has done its work first, so what the
    // caller reads next depends on modeled time alone.
    // Progress is any simulation thread blocking or waking, or time moving.
    if (!(waiter.woken && running_ == 0)) {
      lock.unlock();
      yield_until_set(waiter.may_return);
      lock.lock();
    }
    std::int64_t seen_now = now_ns_;
    std::uint64_t seen_transitions = transitions_;
    auto last_progress = std::chrono::steady_clock::now();
    while (!(waiter.woken && running_ == 0)) {
      waiter.cv.wait_for(lock, std::chrono::milliseconds(50));
      if (waiter.woken && running_ == 0) break;
      if (now_ns_ != seen_now || transitions_ != seen_transitions) {
        seen_now = now_ns_;
        seen_transitions = transitions_;
        last_progress = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - last_progress > real_wait_limit_) {
        if (!waiter.woken) waiters_.remove(&waiter);
        throw Error(ErrorCode::internal,
                    fmt::format("modeled time could not advance for {} ms of real time: {} simulation "
                                "thread(s) kept running without blocking",
                                real_wait_limit_.count(), running_),
                    "virtual board ModeledClock");
      }
    }
  }
  return ready ? ready() : false;
}

void ModeledClock::notify() {
  std::lock_guard lock(mutex_);
  settle();
}

void ModeledClock::advance(Nanoseconds duration) {
  std::lock_guard lock(mutex_);
  now_ns_ = saturating_add(now_ns_, std::max<std::int64_t>(duration.count(), 0));
  settle();
}

void ModeledClock::thread_started() {
  std::lock_guard lock(mutex_);
  ++running_;
}

void ModeledClock::thread_finished() {
  std::lock_guard lock(mutex_);
  --running_;
  ++transitions_;
  settle();
}

void ModeledClock::before_wait() {
  std::lock_guard lock(mutex_);
  --running_;
  ++transitions_;
  settle();
}

void ModeledClock::after_wait() {
  std::lock_guard lock(mutex_);
  ++running_;
  ++transitions_;
}

// ---------------------------------------------------------------- RealTimeClock

RealTimeClock::RealTimeClock() : origin_(std::chrono::steady_clock::now()) {}

Nanoseconds RealTimeClock::now() const {
  return std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - origin_);
}

void RealTimeClock::sleep_for(Nanoseconds duration) {
  if (duration.count() > 0) std::this_thread::sleep_for(duration);
}

bool RealTimeClock::wait_until(Nanoseconds deadline, const std::function<bool()>& ready, bool /*simulation_thread*/) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (ready && ready()) return true;
    const Nanoseconds current = now();
    if (current >= deadline) return false;
    // Waits in slices of at most a second: no time_point overflow for far deadlines.
    const Nanoseconds slice = std::min<Nanoseconds>(deadline - current, std::chrono::seconds(1));
    cv_.wait_for(lock, slice);
  }
}

void RealTimeClock::notify() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

}  // namespace zynqnn::virtual_board
