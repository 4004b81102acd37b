#include "zynqnn/watchdog/watchdog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "output_check.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

bool needs_abort(Outcome outcome) { return outcome == Outcome::hang || outcome == Outcome::dma_error; }

}  // namespace

Watchdog::Watchdog(Accelerator& accelerator, WatchdogConfig config, std::optional<Calibration> calibration,
                   std::string kernel)
    : accelerator_(accelerator), config_(std::move(config)), kernel_(std::move(kernel)),
      calibration_(std::move(calibration)) {
  validate(config_);
  if (config_.expert_threshold) {
    base_threshold_ = *config_.expert_threshold;
  } else if (calibration_) {
    base_threshold_ = calibration_->threshold;
    if (base_threshold_.count() <= 0) {
      throw Error(ErrorCode::invalid_argument, "the calibration's threshold must be positive", "watchdog calibration");
    }
  } else {
    throw Error(ErrorCode::invalid_argument,
                "no threshold: calibrate the kernel or configure an expert threshold", "watchdog config");
  }
  set_threshold(base_threshold_);
  for (const auto& stream : accelerator_.inputs()) input_bytes_.push_back(stream.bytes);
  const auto& outputs = accelerator_.outputs();
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    output_bytes_.push_back(outputs[j].bytes);
    if (config_.check_float_outputs && detail::element_type(outputs[j]) == detail::ElementType::float32) {
      float_outputs_.push_back(j);
    }
  }
  for (const auto& range : config_.ranges) {
    if (range.output >= outputs.size()) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("a range names output {} but the kernel has {} outputs", range.output, outputs.size()),
                  "watchdog config: ranges");
    }
    if (!detail::range_checkable(outputs[range.output])) {
      throw Error(ErrorCode::unsupported,
                  fmt::format("range checks read int8..uint32 or float32 elements, not {} in {}-bit slots",
                              outputs[range.output].dtype, outputs[range.output].element_bits),
                  fmt::format("output '{}'", outputs[range.output].name));
    }
    const auto type = detail::element_type(outputs[range.output]);
    if (detail::range_can_fail(type, range.min, range.max)) {
      const auto prepared = detail::prepare_range(type, range.min, range.max);
      range_plans_.push_back(RangePlan{range.output, static_cast<std::uint8_t>(type), outputs[range.output].elements,
                                       range.min, range.max, prepared.bounds.low,
                                       prepared.bounds.high, prepared.bounds.holds_none});
    }
  }
  if (config_.detector.enabled) {
    // Without a calibration the median is estimated from the expert threshold and the margin.
    const Nanoseconds median =
        calibration_ ? calibration_->latency.median
                     : Nanoseconds{static_cast<std::int64_t>(static_cast<double>(base_threshold_.count()) /
                                                             (1.0 + config_.rule.min_margin))};
    detector_.emplace(config_.detector, median, calibration_ ? calibration_->log_sigma : 0.0);
  }
  fallback_outputs_.resize(outputs.size());
  for (std::size_t j = 0; j < outputs.size(); ++j) fallback_outputs_[j].resize(outputs[j].bytes);
}

void Watchdog::set_threshold(Nanoseconds threshold) {
  threshold_ = threshold;
  deadline_ =
      Nanoseconds{static_cast<std::int64_t>(std::ceil(static_cast<double>(threshold_.count()) * config_.deadline_factor))};
}

void Watchdog::add_sink(std::shared_ptr<AlarmSink> sink) {
  if (!sink) throw Error(ErrorCode::invalid_argument, "null alarm sink", "Watchdog::add_sink");
  std::lock_guard lock(calls_);
  sinks_.push_back(std::move(sink));
}

void Watchdog::set_fallback(CpuFallback fallback) {
  std::lock_guard lock(calls_);
  fallback_ = std::move(fallback);
}

Nanoseconds Watchdog::threshold() const {
  std::lock_guard lock(calls_);
  return threshold_;
}

Nanoseconds Watchdog::deadline() const {
  std::lock_guard lock(calls_);
  return deadline_;
}

bool Watchdog::pl_down() const {
  std::lock_guard lock(calls_);
  return pl_down_;
}

WatchdogCounters Watchdog::counters() const {
  std::lock_guard lock(calls_);
  return counters_;
}

std::size_t Watchdog::failure_count() const {
  std::lock_guard lock(calls_);
  return failures_.size();
}

FailureRecord Watchdog::failure(std::size_t index) const {
  std::lock_guard lock(calls_);
  if (index >= failures_.size()) {
    throw Error(ErrorCode::out_of_range, fmt::format("failure {} >= {} records", index, failures_.size()),
                "Watchdog::failure");
  }
  return failures_[index];
}

void Watchdog::set_canary(const InputViews& inputs, std::optional<std::vector<std::vector<std::byte>>> expected) {
  std::lock_guard lock(calls_);
  const auto& streams = accelerator_.inputs();
  if (inputs.size() != streams.size()) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the canary has {} inputs, the kernel {}", inputs.size(), streams.size()), "canary");
  }
  canary_inputs_.clear();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].size() != streams[i].bytes) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("canary input {} has {} bytes, the manifest says {}", i, inputs[i].size(), streams[i].bytes),
                  fmt::format("input '{}'", streams[i].name));
    }
    canary_inputs_.emplace_back(inputs[i].begin(), inputs[i].end());
  }
  if (expected) {
    const auto& outs = accelerator_.outputs();
    if (expected->size() != outs.size()) {
      throw Error(ErrorCode::invalid_argument, "the canary's expected outputs do not match the kernel's outputs", "canary");
    }
    for (std::size_t j = 0; j < outs.size(); ++j) {
      if ((*expected)[j].size() != outs[j].bytes) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("expected canary output {} has {} bytes, the manifest says {}", j, (*expected)[j].size(),
                                outs[j].bytes),
                    fmt::format("output '{}'", outs[j].name));
      }
    }
    canary_expected_ = std::move(*expected);
    return;
  }
  Attempt recorded = attempt(inputs);
  if (is_failure(recorded.outcome)) {
    std::vector<Action> ignored;
    leave_clean(recorded.outcome, ignored);
    throw Error(ErrorCode::bad_state, fmt::format("recording the canary failed: {} ({})", to_string(recorded.outcome),
                                                  recorded.detail),
                "canary");
  }
  canary_expected_.clear();
  for (std::size_t j = 0; j < accelerator_.outputs().size(); ++j) {
    auto out = accelerator_.output_buffer(j).first(accelerator_.outputs()[j].bytes);
    canary_expected_.emplace_back(out.begin(), out.end());
  }
}

Watchdog::Attempt Watchdog::attempt(const InputViews& inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto buffer = accelerator_.input_buffer(i);
    // An input written in place (the DMA buffer itself) needs no copy.
    if (buffer.data() != inputs[i].data()) std::memcpy(buffer.data(), inputs[i].data(), inputs[i].size());
  }
  Attempt result;
  const Nanoseconds limit = deadline_;
  // The call's result is built in place (no default construction and move per call).
  std::optional<std::string> failed;
  const CallResult call = [&]() -> CallResult {
    try {
      in_flight_ = accelerator_.start();
      CallResult ended = in_flight_.wait_until(in_flight_.started() + limit);
      // Still running at the deadline: a hang. The call stays in flight for the ladder's abort.
      if (ended.status == CallStatus::pending) ended.status = CallStatus::timeout;
      return ended;
    } catch (const Error& error) {
      failed = error.what();
      return CallResult{};
    }
  }();
  if (failed) {
    // The driver or the board gave up on the call (e.g. a transfer it cannot start, a board
    // that stopped advancing): no answer, like a hang, and the ladder deals with it. Its
    // latency is counted as the deadline.
    result.latency = limit;
    ++counters_.attempts;
    result.outcome = Outcome::hang;
    result.detail = fmt::format("the call failed without completing: {}", *failed);
    return result;
  }
  // The accelerator's own measurement on the board's clock (first arm to last completion):
  // two clock reads fewer per call than timing it again here.
  result.latency = call.elapsed;
  result.completed_at = call.completed_at;
  // The detector's z now, not after the output checks: a pure function of the latency, so its
  // chain of dependent floating-point steps runs alongside the checks instead of after them.
  if (detector_) result.drift_z = detector_->z_of(result.latency);
  ++counters_.attempts;
  switch (call.status) {
    case CallStatus::timeout:
    case CallStatus::pending:
      result.outcome = Outcome::hang;
      result.detail = fmt::format("no completion within the deadline of {} ns{}{}", limit.count(),
                                  call.detail.empty() ? "" : ": ", call.detail);
      return result;
    case CallStatus::dma_error:
      result.outcome = Outcome::dma_error;
      result.detail = fmt::format("DMASR 0x{:08x}: {}", call.dma_status, call.detail);
      return result;
    case CallStatus::short_output:
      result.outcome = Outcome::bad_output;
      result.detail = fmt::format("short output: {}", call.detail);
      return result;
    case CallStatus::ok:
      break;
  }
  result.outcome = classify_outputs(call, result.detail);
  if (result.outcome == Outcome::ok && result.latency > threshold_) {
    result.outcome = Outcome::slow;
    result.detail = fmt::format("{} ns above the threshold of {} ns", result.latency.count(), threshold_.count());
  }
  return result;
}

Outcome Watchdog::classify_outputs(const CallResult& result, std::string& detail) const {
  if (result.output_bytes.size() != output_bytes_.size()) {
    detail = fmt::format("{} output byte counts reported for {} outputs", result.output_bytes.size(), output_bytes_.size());
    return Outcome::bad_output;
  }
  for (std::size_t j = 0; j < output_bytes_.size(); ++j) {
    if (result.output_bytes[j] != output_bytes_[j]) {
      detail = fmt::format("output '{}': {} bytes received, the manifest says {}", accelerator_.outputs()[j].name,
                           result.output_bytes[j], output_bytes_[j]);
      return Outcome::bad_output;
    }
  }
  for (const std::size_t j : float_outputs_) {
    const auto& stream = accelerator_.outputs()[j];
    const auto bytes = accelerator_.output_buffer(j);
    if (auto k = detail::first_non_finite(
            bytes, detail::readable_elements(detail::ElementType::float32, stream.elements, bytes.size()))) {
      detail = fmt::format("output '{}': element {} is NaN or infinite", stream.name, *k);
      return Outcome::bad_output;
    }
  }
  for (const auto& range : range_plans_) {
    const detail::PreparedRange prepared{static_cast<detail::ElementType>(range.element_type), range.min, range.max,
                                         {range.low_bits, range.high_bits, range.holds_none}};
    if (auto bad = detail::first_out_of_range(prepared, accelerator_.output_buffer(range.output), range.elements)) {
      detail = fmt::format("output '{}': element {} = {} is outside [{}, {}]", accelerator_.outputs()[range.output].name,
                           bad->index, bad->value, range.min, range.max);
      return Outcome::bad_output;
    }
  }
  return Outcome::ok;
}

bool Watchdog::heal(Action step, bool after_failure, std::vector<Action>& actions) {
  if (step == Action::abort) {
    actions.push_back(Action::abort);
    ++counters_.aborts;
    try {
      abort_device();
      return true;
    } catch (const Error&) {
      // A soft reset that does not complete: only a reload of the PL is left.
      step = Action::reconfigure;
    }
  }
  if (after_failure) {
    try {
      abort_device();  // stop whatever is in flight before the PL goes away
    } catch (const Error&) {
      // The reconfiguration below resets the PL and its AXI ports anyway.
    }
  }
  actions.push_back(Action::reconfigure);
  ++counters_.reconfigurations;
  try {
    accelerator_.reconfigure();
  } catch (const Error&) {
    return false;
  }
  if (detector_) detector_->reset();
  reconfigured_during_slow_streak_ = true;
  return true;
}

void Watchdog::abort_device() {
  if (in_flight_.pending()) {
    in_flight_.abort();
  } else {
    accelerator_.abort();
  }
}

void Watchdog::leave_clean(Outcome last, std::vector<Action>& actions) {
  if (!needs_abort(last)) return;
  actions.push_back(Action::abort);
  ++counters_.aborts;
  try {
    abort_device();
  } catch (const Error&) {
    // Left to the next call's ladder: its first attempt will fail and reconfigure.
  }
}

void Watchdog::deliver_from_pl(CallReport& report) {
  report.outputs.clear();
  for (std::size_t j = 0; j < output_bytes_.size(); ++j) {
    report.outputs.push_back(accelerator_.output_buffer(j).first(output_bytes_[j]));
  }
  report.delivered = true;
}

bool Watchdog::answer_from_fallback(const InputViews& inputs, CallReport& report) {
  if (!config_.use_fallback || !fallback_) return false;
  OutputViews views;
  for (auto& out : fallback_outputs_) views.emplace_back(out.data(), out.size());
  try {
    fallback_(inputs, views);
  } catch (const std::exception& error) {
    report.detail += fmt::format("; the CPU fallback failed: {}", error.what());
    return false;
  }
  report.outputs.clear();
  for (auto& out : fallback_outputs_) report.outputs.emplace_back(out.data(), out.size());
  report.actions.push_back(Action::fallback);
  report.delivered = true;
  report.fallback = true;
  ++counters_.fallbacks;
  return true;
}

Outcome Watchdog::check_canary(std::uint64_t index, std::vector<Action>* actions) {
  std::lock_guard lock(calls_);
  return check_canary_locked(index, actions);
}

Outcome Watchdog::check_canary_locked(std::uint64_t index, std::vector<Action>* actions) {
  if (canary_inputs_.empty()) throw Error(ErrorCode::bad_state, "no canary recorded (set_canary)", "check_canary");
  std::vector<Action> local;
  std::vector<Action>& log = actions != nullptr ? *actions : local;
  InputViews views;
  for (const auto& in : canary_inputs_) views.emplace_back(in.data(), in.size());
  auto run_once = [&]() {
    log.push_back(Action::canary);
    ++counters_.canaries;
    Attempt result = attempt(views);
    if (!is_failure(result.outcome)) {
      for (std::size_t j = 0; j < canary_expected_.size(); ++j) {
        auto out = accelerator_.output_buffer(j).first(canary_expected_[j].size());
        if (std::memcmp(out.data(), canary_expected_[j].data(), out.size()) != 0) {
          result.outcome = Outcome::canary_mismatch;
          break;
        }
      }
    }
    return result.outcome;
  };
  Outcome outcome = run_once();
  if (is_failure(outcome)) {
    // The PL computes wrong (or not at all): reload it and check once more.
    heal(Action::reconfigure, needs_abort(outcome), log);
    const Outcome again = run_once();
    if (is_failure(again)) {
      leave_clean(again, log);
      if (config_.use_fallback && fallback_ && !pl_down_) {
        pl_down_ = true;
        pl_down_outcome_ = again;
        calls_while_down_ = 0;
        CallReport context;
        context.index = index;
        context.outcome = outcome;
        alarm(AlarmKind::pl_down, context, "the canary still fails after a reconfiguration");
        log.push_back(Action::alarm);
      }
    }
    canary_passing_ = !is_failure(again);
  } else {
    canary_passing_ = true;
  }
  return outcome;
}

CallReport Watchdog::process(std::uint64_t index, const InputViews& inputs) {
  CallReport report;
  process(index, inputs, report);
  return report;
}

CallReport Watchdog::process(std::uint64_t index, const InputViews& inputs, const OutputViews& outputs) {
  if (outputs.size() != output_bytes_.size()) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} output buffers given, the kernel has {} outputs", outputs.size(), output_bytes_.size()),
                "Watchdog::process");
  }
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    if (outputs[j].size() != output_bytes_[j]) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("output buffer {} has {} bytes, the manifest says {}", j, outputs[j].size(),
                              output_bytes_[j]),
                  "Watchdog::process");
    }
  }
  CallReport report;
  std::lock_guard lock(calls_);
  process_locked(index, inputs, report);
  if (report.delivered) {
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      std::memcpy(outputs[j].data(), report.outputs[j].data(), outputs[j].size());
      report.outputs[j] = outputs[j];
    }
  }
  return report;
}

void Watchdog::process(std::uint64_t index, const InputViews& inputs, CallReport& report) {
  std::lock_guard lock(calls_);
  process_locked(index, inputs, report);
}

void Watchdog::process_locked(std::uint64_t index, const InputViews& inputs, CallReport& report) {
  if (inputs.size() != input_bytes_.size()) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} inputs given, the kernel has {}", inputs.size(), input_bytes_.size()), "Watchdog::process");
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].size() != input_bytes_[i]) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("input {} has {} bytes, the manifest says {}", i, inputs[i].size(), input_bytes_[i]),
                  fmt::format("input '{}'", accelerator_.inputs()[i].name));
    }
  }
  Clock& clock = this->clock();
  report.index = index;
  report.outcome = Outcome::ok;
  report.attempt_outcomes.clear();
  report.attempts = 0;
  report.actions.clear();
  report.delivered = false;
  report.fallback = false;
  report.canary.reset();
  report.elapsed = report.first_latency = report.recovery = Nanoseconds{0};
  report.detail.clear();
  report.outputs.clear();
  ++counters_.calls;

  // The canary runs on calls 1, 1 + interval, 1 + 2 interval, ...: canary_phase_ is
  // (calls - 1) mod interval, kept by a compare instead of a division per call.
  const bool canary_due = canary_phase_ == 0;
  // The call starts here when something comes before its first attempt; otherwise at that
  // attempt's arm, which the accelerator reads anyway (one clock read fewer per call).
  const bool starts_here = pl_down_ || (canary_due && config_.canary_interval > 0 && !canary_inputs_.empty());
  if (starts_here) report.started = clock.now();
  if (config_.canary_interval > 0 && ++canary_phase_ == config_.canary_interval) canary_phase_ = 0;
  if (config_.canary_interval > 0 && !canary_inputs_.empty() && !pl_down_ && canary_due) {
    report.canary = check_canary_locked(index, &report.actions);
  }

  bool try_pl = true;
  if (pl_down_) {
    ++calls_while_down_;
    try_pl = calls_while_down_ % config_.pl_probe_interval == 0;
    if (try_pl && !heal(Action::reconfigure, false, report.actions)) try_pl = false;
  }

  std::optional<Nanoseconds> detected_at;
  std::optional<Nanoseconds> answered_at;  // the answering attempt's completion, as the accelerator read it
  if (try_pl) {
    Attempt result = attempt(inputs);
    if (!starts_here) report.started = result.completed_at ? *result.completed_at - result.latency : clock.now() - result.latency;
    report.outcome = result.outcome;
    report.first_latency = result.latency;
    // The detector takes the first attempt's latency of every call whose first attempt did not
    // fail (such a call is answered by that attempt, never by the fallback). Here rather than
    // at the end of the call: nothing in between touches the detector, and its update then
    // runs alongside the rest of the call instead of after it.
    if (detector_ && !is_failure(result.outcome)) detector_->observe_z(result.drift_z);
    report.attempt_outcomes.push_back(result.outcome);
    report.attempts = 1;
    if (is_failure(result.outcome)) {
      detected_at = clock.now();
      report.detail = result.detail;
    } else if (result.outcome == Outcome::slow) {
      report.detail = result.detail;
    }
    // One rung per retry; a rung that fails (a reload that failed leaves the PL down) is
    // climbed past without an attempt on a PL that is not there.
    for (std::size_t rungs = 0; is_failure(result.outcome) && rungs < config_.max_retries; ++rungs) {
      Action step = config_.ladder[std::min(rungs, config_.ladder.size() - 1)];
      // A DMA reset does not reset the kernel: words of a frame broken mid-way may still sit in
      // its streams and come out as the retry's answer. Only a reload clears them.
      if (step == Action::abort && config_.reload_after_broken_frame &&
          (result.outcome == Outcome::dma_error || result.outcome == Outcome::bad_output)) {
        step = Action::reconfigure;
      }
      if (!heal(step, needs_abort(result.outcome), report.actions)) {
        report.detail = fmt::format("{}; the reload of the PL failed", result.detail);
        continue;
      }
      report.actions.push_back(Action::retry);
      result = attempt(inputs);
      report.attempt_outcomes.push_back(result.outcome);
      ++report.attempts;
    }
    if (!is_failure(result.outcome)) {
      answered_at = result.completed_at;
      deliver_from_pl(report);
      if (pl_down_) {
        pl_down_ = false;
        alarm(AlarmKind::pl_recovered, report, "a probe call on the reloaded PL succeeded");
        report.actions.push_back(Action::alarm);
      }
    } else {
      leave_clean(result.outcome, report.actions);
    }
  } else {
    report.outcome = pl_down_outcome_;  // not tried: the outcome that put the PL down stands
    report.detail = fmt::format("the PL is down ({}); not tried on this call", to_string(pl_down_outcome_));
  }

  if (!report.delivered) {
    if (answer_from_fallback(inputs, report)) {
      if (!pl_down_ && try_pl) {
        pl_down_ = true;
        pl_down_outcome_ = report.attempt_outcomes.empty() ? report.outcome : report.attempt_outcomes.back();
        calls_while_down_ = 0;
        alarm(AlarmKind::pl_down, report,
              fmt::format("the recovery ladder could not heal the PL ({}); the CPU fallback answers", report.detail));
        report.actions.push_back(Action::alarm);
      }
    } else {
      FailureRecord record{index, report.outcome, report.attempts, report.actions, clock.now(), report.detail};
      failures_.push_back(std::move(record));
      ++counters_.failures;
    }
  }
  if (detected_at) report.recovery = clock.now() - *detected_at;
  // A call its first attempt answered, with nothing else done (no canary, ladder, fallback or
  // alarm), ends at that attempt's last completion: the accelerator read the board clock there
  // already. Everything else is timed to this point.
  const bool answered_plainly = report.attempts == 1 && report.actions.empty() && report.delivered &&
                                !report.fallback && answered_at && *answered_at >= report.started;
  report.elapsed = (answered_plainly ? *answered_at : clock.now()) - report.started;
  ++counters_.outcomes[static_cast<int>(report.outcome)];
  after_call(report, inputs);
}

void Watchdog::after_call(CallReport& report, const InputViews& /*inputs*/) {
  const bool anomaly = report.attempts > 0 &&
                       (is_anomaly(report.outcome) || (report.canary && is_failure(*report.canary)));
  if (anomaly) {
    ++consecutive_anomalies_;
    if (consecutive_anomalies_ == config_.escalate_after) {
      alarm(AlarmKind::escalation, report,
            fmt::format("{} consecutive anomalous calls (last: {}{}{})", consecutive_anomalies_,
                        to_string(report.outcome), report.detail.empty() ? "" : ", ", report.detail));
      report.actions.push_back(Action::alarm);
    }
  } else if (report.attempts > 0) {
    consecutive_anomalies_ = 0;
  }

  if (detector_ && report.attempts > 0 && !report.fallback) {
    ++calls_since_proactive_;
    // The detector observed this call's first latency in process(), right after the attempt.
    // One proactive reload per slowdown: if the calls stay slow (and right) after it, the
    // environment changed and adaptation, not another reload, is the answer.
    if (detector_->flagged() && calls_since_proactive_ >= config_.detector.cooldown_calls &&
        !(proactive_in_slow_streak_ && report.outcome == Outcome::slow)) {
      report.actions.push_back(Action::proactive_reconfigure);
      ++counters_.proactive_reconfigurations;
      ++counters_.reconfigurations;
      bool reloaded = true;
      try {
        accelerator_.reconfigure();
      } catch (const Error&) {
        reloaded = false;  // the next call's ladder deals with a PL that did not come back
      }
      const double cusum = detector_->cusum();
      detector_->reset();
      calls_since_proactive_ = 0;
      reconfigured_during_slow_streak_ = true;
      proactive_in_slow_streak_ = true;
      consecutive_slow_verified_ = 0;
      slow_latencies_.clear();
      alarm(AlarmKind::drift, report,
            fmt::format("latency drift (CUSUM {:.1f}); the PL was reconfigured proactively{}", cusum,
                        reloaded ? "" : " but the reload failed"));
      report.actions.push_back(Action::alarm);
    }
  }
  consider_adaptation(report);
}

void Watchdog::consider_adaptation(CallReport& report) {
  if (report.outcome != Outcome::slow || !report.delivered || report.fallback || !canary_passing_ ||
      !config_.adaptation.enabled) {
    if (report.outcome == Outcome::ok || is_failure(report.outcome)) {
      consecutive_slow_verified_ = 0;
      slow_latencies_.clear();
      reconfigured_during_slow_streak_ = false;
      proactive_in_slow_streak_ = false;
    }
    return;
  }
  ++consecutive_slow_verified_;
  slow_latencies_.push_back(report.first_latency);
  // With a detector, the slowdown must have survived a reconfiguration: a drift is healed by
  // reloading the PL, a changed environment is not.
  if (detector_ && !reconfigured_during_slow_streak_) return;
  if (consecutive_slow_verified_ < config_.adaptation.after_slow_calls) return;
  const double cap = static_cast<double>(base_threshold_.count()) * config_.adaptation.cap_factor;
  const double wanted =
      static_cast<double>(percentile(slow_latencies_, 99.0).count()) * (1.0 + config_.rule.min_margin);
  const auto proposed = Nanoseconds{static_cast<std::int64_t>(std::min(cap, wanted))};
  consecutive_slow_verified_ = 0;
  if (proposed > threshold_) {
    set_threshold(proposed);
    ++counters_.adaptations;
    report.actions.push_back(Action::threshold_adapted);
    if (detector_) detector_->rebaseline(summarize(slow_latencies_).median, log_sigma_of(slow_latencies_));
    alarm(AlarmKind::threshold_adapted, report,
          fmt::format("threshold raised to {} ns (cap {} ns)", threshold_.count(), static_cast<std::int64_t>(cap)));
    report.actions.push_back(Action::alarm);
  }
  slow_latencies_.clear();
}

void Watchdog::alarm(AlarmKind kind, const CallReport& report, std::string detail) {
  AlarmEvent event;
  event.kind = kind;
  event.kernel = kernel_;
  event.time = clock().now();
  event.input_index = report.index;
  event.outcome = report.outcome;
  event.consecutive_anomalies = consecutive_anomalies_;
  event.threshold = threshold_;
  event.detail = std::move(detail);
  ++counters_.alarms;
  for (auto& sink : sinks_) {
    try {
      sink->publish(event);
    } catch (const std::exception&) {
      ++counters_.sink_errors;  // a broken sink must not stop the watchdog
    }
  }
}

}  // namespace zynqnn::watchdog
