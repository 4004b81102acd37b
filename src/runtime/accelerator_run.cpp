// The one-step call and the started call (Accelerator::Run) on top of each implementation's
// start_call / wait_call / abort_in_flight. The accelerator knows its Run in flight, so that
// an abort or a reload through the accelerator ends it and a second start is refused.
#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/accelerator.hpp"

namespace zynqnn {

Accelerator::~Accelerator() {
  if (started_ != nullptr) {
    started_->state_ = Run::State::aborted;
    started_->accelerator_ = nullptr;
  }
}

Accelerator::Run Accelerator::start() {
  if (started_ != nullptr) {
    throw Error(ErrorCode::bad_state, "a started call is still in flight: wait for it or abort it first",
                "Accelerator::start");
  }
  const Nanoseconds started = start_call();
  return Run(*this, started);
}

CallResult Accelerator::run(Nanoseconds timeout) {
  Run call = start();
  CallResult result = [&] {
    try {
      return call.wait_until(call.started() + timeout);
    } catch (...) {
      leave_in_flight(call);  // as a wait that throws always did: the caller's abort() decides
      throw;
    }
  }();
  if (result.status == CallStatus::pending) {
    // The one-step call reports the deadline and leaves the transfers to the caller's abort().
    result.status = CallStatus::timeout;
    leave_in_flight(call);
  }
  return result;
}

void Accelerator::abort() {
  if (started_ != nullptr) {
    started_->state_ = Run::State::aborted;
    started_ = nullptr;
  }
  abort_in_flight();
}

void Accelerator::reconfigure() {
  if (started_ != nullptr) {
    started_->state_ = Run::State::aborted;
    started_ = nullptr;
  }
  reconfigure_pl();
}

void Accelerator::leave_in_flight(Run& run) noexcept {
  if (!run.pending()) return;
  run.state_ = Run::State::left_in_flight;
  run.accelerator_->started_ = nullptr;
}

Accelerator::Run::Run(Accelerator& accelerator, Nanoseconds started) noexcept
    : accelerator_(&accelerator), started_(started), state_(State::pending) {
  accelerator.started_ = this;
}

Accelerator::Run::Run(Run&& other) noexcept { take(other); }

Accelerator::Run& Accelerator::Run::operator=(Run&& other) noexcept {
  if (this != &other) {
    abort_quietly();
    take(other);
  }
  return *this;
}

Accelerator::Run::~Run() { abort_quietly(); }

void Accelerator::Run::take(Run& other) noexcept {
  accelerator_ = other.accelerator_;
  started_ = other.started_;
  state_ = other.state_;
  if (state_ == State::pending && accelerator_->started_ == &other) accelerator_->started_ = this;
  other.accelerator_ = nullptr;
  other.state_ = State::empty;
}

void Accelerator::Run::abort_quietly() noexcept {
  if (!pending()) return;
  try {
    accelerator_->abort();
  } catch (const std::exception&) {
    // A soft reset that does not complete: the accelerator's next call reports it.
  }
}

CallResult Accelerator::Run::wait_until(Nanoseconds deadline) {
  switch (state_) {
    case State::pending: break;
    case State::empty: throw Error(ErrorCode::bad_state, "no call: the run was never started or was moved from", "Run::wait");
    case State::done: throw Error(ErrorCode::bad_state, "the call is over: an earlier wait returned its result", "Run::wait");
    case State::aborted: throw Error(ErrorCode::bad_state, "the call was aborted", "Run::wait");
    case State::left_in_flight: throw Error(ErrorCode::bad_state, "the call was given up at its deadline", "Run::wait");
  }
  CallResult result = accelerator_->wait_call(deadline);
  if (result.status != CallStatus::pending) {
    state_ = State::done;
    accelerator_->started_ = nullptr;
  }
  return result;
}

CallResult Accelerator::Run::wait(Nanoseconds timeout) {
  if (!pending()) return wait_until(Nanoseconds{0});  // the refusal, naming the state
  return wait_until(accelerator_->board().clock().now() + timeout);
}

void Accelerator::Run::abort() {
  if (pending()) accelerator_->abort();
}

}  // namespace zynqnn
