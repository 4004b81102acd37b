#pragma once
// An Accelerator that many threads may call. The device has one set of DMA buffers and one
// transfer in flight, so "copy the inputs in, run, copy the outputs out" is one critical
// section: call() does the three under one lock, and a Session holds the lock for a caller
// that works on the buffers in place. close() waits for the holder, then releases the
// accelerator; every later acquire() or call() throws Error(bad_state).
//
// start() is the two-step call: it copies the inputs in and starts the call, and the Run it
// returns holds the device until a wait ends the call (outputs copied out) or abort(). A start
// while another Run (or call) holds the device waits for it like any call, bounded by its own
// wait, then Error(timeout).
//
// Every wait is bounded: a caller waits for the device at most the time it gives, and the
// holder's own call has its deadline.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/accelerator.hpp"

namespace zynqnn {

class SharedAccelerator {
 public:
  explicit SharedAccelerator(std::unique_ptr<Accelerator> accelerator)
      : accelerator_(std::move(accelerator)),
        inputs_(accelerator_->inputs()),
        outputs_(accelerator_->outputs()) {}

  // The device's lock with a bounded wait: a flag under a mutex and a condition variable
  // (not std::timed_mutex, whose timed wait ThreadSanitizer cannot see with GCC 12).
  class Gate {
   public:
    // False when the holder kept it for the whole `wait`.
    bool enter(Nanoseconds wait) {
      std::unique_lock lock(mutex_);
      if (busy_) {  // uncontended: no clock read, no wait
        ++waiters_;
        const bool free = released_.wait_for(lock, wait, [this] { return !busy_; });
        --waiters_;
        if (!free) return false;
      }
      busy_ = true;
      return true;
    }
    void leave() {
      std::unique_lock lock(mutex_);
      busy_ = false;
      const bool wake = waiters_ > 0;
      lock.unlock();
      if (wake) released_.notify_one();
    }

   private:
    std::mutex mutex_;
    std::condition_variable released_;
    bool busy_ = false;
    std::size_t waiters_ = 0;
  };

  // Exclusive use of the device while it lives.
  class Session {
   public:
    Session(Session&& other) noexcept
        : gate_(std::exchange(other.gate_, nullptr)), accelerator_(std::exchange(other.accelerator_, nullptr)) {}
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session& operator=(Session&&) = delete;
    ~Session() {
      if (gate_) gate_->leave();
    }
    Accelerator& operator*() const noexcept { return *accelerator_; }
    Accelerator* operator->() const noexcept { return accelerator_; }

   private:
    friend class SharedAccelerator;
    Session(Gate* gate, Accelerator* accelerator) : gate_(gate), accelerator_(accelerator) {}
    Gate* gate_;
    Accelerator* accelerator_;
  };

  // A call started on the device (move-only). Destroying a Run whose call is still in flight
  // aborts the call, then releases the device.
  class Run {
   public:
    Run(Run&&) noexcept = default;
    Run& operator=(Run&&) = delete;
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;
    ~Run() = default;  // call_ first (aborts a call in flight), then session_ (the device)

    // Waits at most `timeout` for the call. CallStatus::pending: still in flight, the device
    // stays held (wait again, or abort). Otherwise the call is over: when it ended ok, each
    // output (in outputs() order, exactly its byte count; an empty span skips it, no spans at
    // all leaves them in the DMA buffers) is copied out, then `on_end(result)` runs, still
    // holding the device (e.g. to note that a failed call needs an abort), then the device is
    // released.
    template <typename OnEnd>
    CallResult wait(Nanoseconds timeout, std::span<const std::span<std::byte>> outputs, OnEnd&& on_end) {
      if (!outputs.empty()) check_sizes(outputs, shared_->outputs_, "output");
      CallResult result = call_.wait(timeout);
      if (result.status == CallStatus::pending) return result;
      if (result.status == CallStatus::ok) copy_outputs(**session_, outputs);
      on_end(result);
      session_.reset();
      return result;
    }
    CallResult wait(Nanoseconds timeout, std::span<const std::span<std::byte>> outputs = {}) {
      return wait(timeout, outputs, [](const CallResult&) {});
    }
    // Stops the call in flight (DMA soft reset) and releases the device; nothing to do after
    // the call is over.
    void abort() {
      if (!session_) return;
      call_.abort();
      session_.reset();
    }
    bool pending() const noexcept { return call_.pending(); }

   private:
    friend class SharedAccelerator;
    Run(SharedAccelerator& shared, Session session)
        : shared_(&shared), session_(std::move(session)), call_((*session_)->start()) {}
    SharedAccelerator* shared_;
    std::optional<Session> session_;  // declared before call_: released after the abort
    Accelerator::Run call_;
  };

  // Waits at most `wait` for the calls ahead of this one. Error(timeout) when the device stayed
  // busy that long (nothing was touched), Error(bad_state) once closed.
  Session acquire(Nanoseconds wait) {
    if (!device_.enter(wait)) {
      throw Error(ErrorCode::timeout,
                  "the device stayed busy with other calls (or a started call not yet waited for) for the whole "
                  "wait of " + std::to_string(wait.count()) + " ns");
    }
    Session session(&device_, accelerator_.get());
    // A close() waiting for the device goes first: the callers queued behind it are refused.
    if (closing() || !accelerator_) throw Error(ErrorCode::bad_state, "the accelerator is closed");
    return session;
  }

  // One call: each input (in inputs() order, exactly its byte count) is copied into its DMA
  // buffer, the call runs with `timeout`, each output is copied out (an empty span skips it)
  // when the call ended ok. The wait for the device is bounded by `timeout` as well.
  CallResult call(std::span<const std::span<const std::byte>> inputs, std::span<const std::span<std::byte>> outputs,
                  Nanoseconds timeout) {
    check_sizes(inputs, inputs_, "input");
    check_sizes(outputs, outputs_, "output");
    Session session = acquire(timeout);
    copy_inputs(*session, inputs);
    CallResult result = session->run(timeout);
    if (result.status == CallStatus::ok) copy_outputs(*session, outputs);
    return result;
  }

  // The first step of a call: each input (as for call()) is copied into its DMA buffer and the
  // call started; the Run holds the device until its wait ends the call or it is aborted.
  // Waits at most `wait` for the device (Error(timeout) after it, nothing started).
  Run start(std::span<const std::span<const std::byte>> inputs, Nanoseconds wait) {
    check_sizes(inputs, inputs_, "input");
    Session session = acquire(wait);
    copy_inputs(*session, inputs);
    return Run(*this, std::move(session));
  }
  // Starts a call on the inputs already in the DMA buffers of the device `session` holds.
  Run start(Session session) { return Run(*this, std::move(session)); }

  // Waits at most `wait` for the call in flight, then releases the accelerator (board, DMA
  // buffers). False when the holder kept the device past `wait`: the accelerator is then still
  // open and close() may be tried again. Later calls are refused at once either way.
  bool close(Nanoseconds wait) {
    closing_.store(true, std::memory_order_relaxed);
    if (!device_.enter(wait)) return false;
    accelerator_.reset();
    device_.leave();
    return true;
  }

  bool closing() const noexcept { return closing_.load(std::memory_order_relaxed); }
  // Copies of the accelerator's stream lists: valid after close().
  const std::vector<StreamInfo>& inputs() const noexcept { return inputs_; }
  const std::vector<StreamInfo>& outputs() const noexcept { return outputs_; }

 private:
  static void copy_inputs(Accelerator& device, std::span<const std::span<const std::byte>> inputs) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::span<std::byte> buffer = device.input_buffer(i);
      if (buffer.data() != inputs[i].data()) std::memcpy(buffer.data(), inputs[i].data(), inputs[i].size());
    }
  }
  static void copy_outputs(Accelerator& device, std::span<const std::span<std::byte>> outputs) {
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      if (!outputs[j].empty()) std::memcpy(outputs[j].data(), device.output_buffer(j).data(), outputs[j].size());
    }
  }

  template <typename Span>
  static void check_sizes(std::span<const Span> given, const std::vector<StreamInfo>& streams, const char* what) {
    if (given.size() != streams.size()) {
      throw Error(ErrorCode::invalid_argument, "expected " + std::to_string(streams.size()) + " " + what +
                                                   " buffers, got " + std::to_string(given.size()));
    }
    for (std::size_t i = 0; i < given.size(); ++i) {
      const bool may_skip = std::is_same_v<Span, std::span<std::byte>> && given[i].empty();
      if (!may_skip && given[i].size() != streams[i].bytes) {
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + " '" + streams[i].name + "': " + std::to_string(given[i].size()) +
                        " bytes, expected " + std::to_string(streams[i].bytes));
      }
    }
  }

  Gate device_;
  std::atomic<bool> closing_{false};
  std::unique_ptr<Accelerator> accelerator_;  // null once closed; guarded by device_
  std::vector<StreamInfo> inputs_;
  std::vector<StreamInfo> outputs_;
};

}  // namespace zynqnn
