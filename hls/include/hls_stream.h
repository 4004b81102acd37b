#pragma once
// C-simulation model of Vitis HLS `hls::stream`, zynqnn's own.
//
// Synthesis sees the same declarations Vitis HLS provides (read/write/empty/full and their
// non-blocking forms). For simulation, a stream is a FIFO that is safe across threads: the
// virtual board feeds and drains the PL kernel's streams from other threads too (a driver's
// register write starts a DMA transfer on the driver's thread), and a read of an empty stream
// blocks until data arrives, just as the hardware stalls.
//
// Extensions used only by the virtual board (never by HLS code):
//  - set_capacity(n): bound the FIFO (an AXI4-Stream channel of depth n); writes block when full.
//  - close(): a PL reset. Blocked and later reads/writes throw hls::stream_closed, which
//    unwinds the kernel; reopen() empties the FIFO and makes it usable again.
//  - csim::wait_observer: told when a simulation thread starts and stops waiting, so that a
//    modeled clock advances only when every simulation thread is blocked. The thread that
//    makes a waiter ready (by a write, read or close) reports the end of its wait at once,
//    on its behalf, so there is no moment where a woken thread still counts as blocked.
//  - csim::wait_observer::before_block(): called, with no stream lock held, by a thread that
//    is about to block in a read of an empty or a write to a full stream. The virtual board
//    moves the DMA engines' data there, on the kernel's own thread (it fills input FIFOs from
//    the simulated DDR and drains output FIFOs into it), so that a whole frame runs without a
//    thread hand-off; if that made the stream ready, the thread does not block at all.
//  - clear(): drops the FIFO's contents (a DMA reset flushing beats in flight).
//  - fill() / drain(): many words in or out under one lock, without blocking (the DMA
//    engines' side of the FIFO).
//  - csim::set_blocked_wait_limit(): a blocked read/write gives up (throws stream_deadlock)
//    after this much real time, so that a C-simulation deadlock is an error, not a hang.
//
// Plain C++14 apart from the inline thread_local (C++17; GCC accepts it in C++14 mode with a
// warning): Vitis HLS compiles kernels as C++14.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hls {

struct stream_closed : std::exception {
  const char* what() const noexcept override { return "hls::stream closed (PL reset)"; }
};

struct stream_deadlock : std::exception {
  const char* what() const noexcept override {
    return "hls::stream: a blocked read or write exceeded the C-simulation wait limit";
  }
};

namespace csim {

class wait_observer {
 public:
  virtual ~wait_observer() = default;
  virtual void before_wait() = 0;
  virtual void after_wait() = 0;
  // The calling thread is about to block in a stream (no stream lock held): move whatever
  // can move on its behalf. Appended last so that the earlier slots keep their places.
  virtual void before_block() {}
};

// The observer for the calling thread (set by the virtual board on its simulation threads).
inline thread_local wait_observer* current_wait_observer = nullptr;

inline std::chrono::milliseconds& blocked_wait_limit() {
  static std::chrono::milliseconds limit{60000};
  return limit;
}
inline void set_blocked_wait_limit(std::chrono::milliseconds limit) { blocked_wait_limit() = limit; }

}  // namespace csim

namespace detail {

// The FIFO's storage: a ring that grows by doubling and never shrinks, so that a bounded
// stream allocates once (a deque allocated and freed a block every few words).
template <typename T>
class ring {
 public:
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  T& front() { return slots_[head_]; }
  void pop_front() {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --count_;
  }
  void push_back(const T& value) {
    if (count_ == slots_.size()) grow();
    slots_[(head_ + count_) & (slots_.size() - 1)] = value;
    ++count_;
  }
  void clear() { head_ = count_ = 0; }

 private:
  void grow() {
    std::vector<T> bigger(slots_.empty() ? 16 : 2 * slots_.size());
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
    slots_.swap(bigger);
    head_ = 0;
  }
  std::vector<T> slots_;  // a power of two in size
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace detail

template <typename T, int DEPTH = 0>
class stream {
 public:
  stream() = default;
  explicit stream(const char* name) : name_(name) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  // --- The Vitis HLS interface ---
  T read() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_ || fifo_.empty())
      wait_for(lock, not_empty_, reader_waiting_, readers_blocked_, [this] { return !fifo_.empty(); });
    T value = std::move(fifo_.front());
    fifo_.pop_front();
    wake(not_full_, writer_waiting_, writers_blocked_);
    return value;
  }
  void read(T& value) { value = read(); }
  void operator>>(T& value) { value = read(); }

  bool read_nb(T& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) throw stream_closed{};
    if (fifo_.empty()) return false;
    value = std::move(fifo_.front());
    fifo_.pop_front();
    wake(not_full_, writer_waiting_, writers_blocked_);
    return true;
  }

  void write(const T& value) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_ || (capacity_ != 0 && fifo_.size() >= capacity_))
      wait_for(lock, not_full_, writer_waiting_, writers_blocked_,
               [this] { return capacity_ == 0 || fifo_.size() < capacity_; });
    fifo_.push_back(value);
    wake(not_empty_, reader_waiting_, readers_blocked_);
  }
  void operator<<(const T& value) { write(value); }

  bool write_nb(const T& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) throw stream_closed{};
    if (capacity_ != 0 && fifo_.size() >= capacity_) return false;
    fifo_.push_back(value);
    wake(not_empty_, reader_waiting_, readers_blocked_);
    return true;
  }

  bool empty() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fifo_.empty();
  }
  bool full() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return capacity_ != 0 && fifo_.size() >= capacity_;
  }
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fifo_.size();
  }
  const char* name() const { return name_.c_str(); }

  // --- C-simulation extensions (virtual board only) ---
  void set_capacity(std::size_t capacity) {
    std::lock_guard<std::mutex> lock(mutex_);
    capacity_ = capacity;
    wake(not_full_, writer_waiting_, writers_blocked_);
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    wake(not_empty_, reader_waiting_, readers_blocked_);
    wake(not_full_, writer_waiting_, writers_blocked_);
  }
  void reopen() {
    std::lock_guard<std::mutex> lock(mutex_);
    fifo_.clear();
    closed_ = false;
    wake(not_full_, writer_waiting_, writers_blocked_);  // the FIFO has room again
  }
  // Writes the words `next(T&)` produces (it returns false when it has no more) while the
  // FIFO has room; returns how many. Never blocks; a closed stream throws stream_closed.
  template <typename Next>
  std::size_t fill(Next next) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) throw stream_closed{};
    std::size_t written = 0;
    T value{};
    while ((capacity_ == 0 || fifo_.size() < capacity_) && next(value)) {
      fifo_.push_back(value);
      ++written;
    }
    if (written != 0) wake(not_empty_, reader_waiting_, readers_blocked_);
    return written;
  }
  // What drain()'s callback does with the word it is shown.
  enum class take_result { leave, take, take_and_stop };
  // Shows the words to `take(const T&)` front to back, without blocking, taking them out as
  // it says; returns how many were taken. A closed stream throws stream_closed.
  template <typename Take>
  std::size_t drain(Take take) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) throw stream_closed{};
    std::size_t taken = 0;
    while (!fifo_.empty()) {
      const take_result result = take(static_cast<const T&>(fifo_.front()));
      if (result == take_result::leave) break;
      fifo_.pop_front();
      ++taken;
      if (result == take_result::take_and_stop) break;
    }
    if (taken != 0) wake(not_full_, writer_waiting_, writers_blocked_);
    return taken;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    fifo_.clear();
    wake(not_full_, writer_waiting_, writers_blocked_);
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

 private:
  // Blocks until `ready()` or close. `waiting` holds the waiter's observer while it is
  // blocked; whoever wakes it clears the slot and reports the end of the wait. A waiter that
  // wakes to find the condition false again (another thread got there first) reports that it
  // blocks again: a thread asleep here must never count as running for modeled time.
  template <typename Ready>
  void wait_for(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                csim::wait_observer*& waiting, int& blocked, Ready ready) {
    if (closed_) throw stream_closed{};
    if (ready()) return;
    csim::wait_observer* observer = csim::current_wait_observer;
    if (observer) {
      lock.unlock();
      observer->before_block();
      lock.lock();
      if (closed_) throw stream_closed{};
      if (ready()) return;
    }
    const auto give_up_at = std::chrono::steady_clock::now() + csim::blocked_wait_limit();
    bool timed_out = false;
    while (!closed_ && !ready() && !timed_out) {
      if (observer && waiting != observer) {
        observer->before_wait();
        waiting = observer;
      }
      ++blocked;
      timed_out = cv.wait_until(lock, give_up_at) == std::cv_status::timeout;
      --blocked;
    }
    if (observer && waiting == observer) {  // nobody woke us (time limit) or a wake-up without wake()
      waiting = nullptr;
      observer->after_wait();
    }
    if (closed_) throw stream_closed{};
    if (!ready()) throw stream_deadlock{};
  }

  void wake(std::condition_variable& cv, csim::wait_observer*& waiting, int blocked) {
    if (waiting) {
      waiting->after_wait();
      waiting = nullptr;
    }
    if (blocked != 0) cv.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  detail::ring<T> fifo_;
  csim::wait_observer* reader_waiting_ = nullptr;
  csim::wait_observer* writer_waiting_ = nullptr;
  int readers_blocked_ = 0;  // threads inside not_empty_.wait
  int writers_blocked_ = 0;  // threads inside not_full_.wait
  std::size_t capacity_ = DEPTH;
  bool closed_ = false;
  std::string name_;
};

}  // namespace hls
