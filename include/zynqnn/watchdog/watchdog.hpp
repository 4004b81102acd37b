#pragma once
// The self-healing runtime: wraps any Accelerator, times every call on the board's clock
// (start, then a wait to the deadline; a call still running there is a hang, and the ladder's
// abort stops it), classifies it (outcome.hpp), heals failures with the recovery ladder (abort -> reconfigure
// -> retry), escalates after K consecutive anomalies, detects drift, adapts its threshold
// within bounds, and answers from the CPU while the PL is down. No input is lost silently:
// every process() returns a report that either carries verified outputs or is the failure
// record (also kept in failures()).
//
// Threads may share a Watchdog: its calls run one at a time (one lock around each process()
// and check_canary(), the accessors read under the same lock). Give each thread's call its
// own output buffers (the overload with `outputs`): the answer is copied there before the
// next call may run. The accelerator it wraps must not be called around it meanwhile (the C
// ABI holds the accelerator's device lock for the whole watched call).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/watchdog/alarm.hpp"
#include "zynqnn/watchdog/calibration.hpp"
#include "zynqnn/watchdog/config.hpp"
#include "zynqnn/watchdog/drift_detector.hpp"
#include "zynqnn/watchdog/outcome.hpp"

namespace zynqnn::watchdog {

using InputViews = std::vector<std::span<const std::byte>>;
using OutputViews = std::vector<std::span<std::byte>>;
// Computes the kernel's outputs on the CPU (the kernel's HLS C++ built for the host). Each
// output span has the manifest's byte count.
using CpuFallback = std::function<void(const InputViews& inputs, const OutputViews& outputs)>;

struct CallReport {
  std::uint64_t index = 0;
  Outcome outcome = Outcome::ok;           // of the first attempt: what happened to this call
  std::vector<Outcome> attempt_outcomes;   // one per attempt on the PL
  unsigned attempts = 0;                   // 0: the PL is down and was not tried (outcome: what put it down)
  std::vector<Action> actions;             // in order
  bool delivered = false;                  // outputs hold a verified answer
  bool fallback = false;                   // ... computed by the CPU fallback
  std::optional<Outcome> canary;           // the canary's outcome when it ran before this call
  // Board clock: the first attempt's arm, as the accelerator read it (the copy of the inputs
  // into the DMA buffers before it is not counted), or the start of process() when a canary or
  // a probe of a PL that is down comes first.
  Nanoseconds started{0};
  Nanoseconds elapsed{0};                  // from `started` to the answer, recovery included (a call
                                           // its first attempt answered: to that attempt's last completion)
  Nanoseconds first_latency{0};            // the first attempt's time (detection latency of a failure)
  Nanoseconds recovery{0};                 // failure: from its detection to the answer (or giving up)
  std::string detail;                      // the first failure's detail
  // The answer (PL output buffers or the fallback's), valid until the next process().
  std::vector<std::span<const std::byte>> outputs;
};

// A call that could not be answered.
struct FailureRecord {
  std::uint64_t index = 0;
  Outcome outcome = Outcome::ok;
  unsigned attempts = 0;
  std::vector<Action> actions;
  Nanoseconds time{0};  // board clock when it was given up
  std::string detail;
};

struct WatchdogCounters {
  std::uint64_t calls = 0;
  std::uint64_t outcomes[kOutcomeCount] = {};  // by first outcome
  std::uint64_t attempts = 0;
  std::uint64_t aborts = 0;
  std::uint64_t reconfigurations = 0;
  std::uint64_t proactive_reconfigurations = 0;
  std::uint64_t fallbacks = 0;
  std::uint64_t failures = 0;
  std::uint64_t alarms = 0;
  std::uint64_t sink_errors = 0;
  std::uint64_t canaries = 0;
  std::uint64_t adaptations = 0;
};

class Watchdog {
 public:
  // With config.expert_threshold set, `calibration` may be empty; otherwise it is required
  // (Error(invalid_argument)). Validates the config against the accelerator's streams.
  Watchdog(Accelerator& accelerator, WatchdogConfig config, std::optional<Calibration> calibration = {},
           std::string kernel = "kernel");

  void add_sink(std::shared_ptr<AlarmSink> sink);
  void set_fallback(CpuFallback fallback);
  // Records the canary: runs `inputs` once on the PL (must end ok) unless `expected` outputs
  // are given, and keeps both for the bit-exact checks.
  void set_canary(const InputViews& inputs, std::optional<std::vector<std::vector<std::byte>>> expected = {});

  // One input through the PL (with the ladder) or the fallback. The report's outputs point
  // into the accelerator's buffers: valid until the next call from any thread.
  CallReport process(std::uint64_t index, const InputViews& inputs);
  // The same, the answer copied into `outputs` (one per output stream, each of its byte count)
  // when delivered, and report.outputs pointing there: what threads sharing it use.
  CallReport process(std::uint64_t index, const InputViews& inputs, const OutputViews& outputs);
  // The same, into `report` (overwritten; its vectors' capacity is reused, so that a call that
  // ends ok allocates nothing once the report has been used).
  void process(std::uint64_t index, const InputViews& inputs, CallReport& report);
  // Runs the canary now (an ordinary watched call on the known input) and returns its outcome;
  // a failure runs the ladder without retrying the canary.
  Outcome check_canary(std::uint64_t index, std::vector<Action>* actions = nullptr);

  Nanoseconds threshold() const;
  Nanoseconds deadline() const;
  Nanoseconds calibrated_threshold() const noexcept { return base_threshold_; }
  bool pl_down() const;
  // A copy, taken between calls.
  WatchdogCounters counters() const;
  // The records themselves: read them while no other thread calls. Threads use the two below
  // (taken between calls; failure() throws Error(out_of_range) past the last).
  const std::vector<FailureRecord>& failures() const noexcept { return failures_; }
  std::size_t failure_count() const;
  FailureRecord failure(std::size_t index) const;
  const WatchdogConfig& config() const noexcept { return config_; }
  // The detector's state: read it while no other thread calls.
  const DriftDetector* detector() const noexcept { return detector_ ? &*detector_ : nullptr; }

 private:
  struct Attempt {
    Outcome outcome = Outcome::ok;
    Nanoseconds latency{0};
    std::optional<Nanoseconds> completed_at;  // the accelerator's own end-of-call clock read
    double drift_z = 0;  // the detector's z of `latency` (with a detector, on a completed call)
    std::string detail;
  };
  void process_locked(std::uint64_t index, const InputViews& inputs, CallReport& report);
  Outcome check_canary_locked(std::uint64_t index, std::vector<Action>* actions);
  Attempt attempt(const InputViews& inputs);
  Outcome classify_outputs(const CallResult& result, std::string& detail) const;
  // False when the PL could not be brought back (the reload itself failed).
  bool heal(Action step, bool after_failure, std::vector<Action>& actions);
  void leave_clean(Outcome last, std::vector<Action>& actions);
  // Aborts the call in flight (a hang's) or, with none, the accelerator's last failed one.
  void abort_device();
  bool answer_from_fallback(const InputViews& inputs, CallReport& report);
  void deliver_from_pl(CallReport& report);
  void after_call(CallReport& report, const InputViews& inputs);
  void consider_adaptation(CallReport& report);
  void alarm(AlarmKind kind, const CallReport& report, std::string detail);
  Clock& clock() { return accelerator_.board().clock(); }
  void set_threshold(Nanoseconds threshold);

  // What a call checks, resolved once from the manifest and the config so that the ok path
  // compares no strings and asks the accelerator only for its buffers.
  struct RangePlan {
    std::size_t output = 0;
    std::uint8_t element_type = 0;  // detail::ElementType
    std::size_t elements = 0;
    double min = 0;
    double max = 0;
    // The integer bounds the scan compares (detail::IntegerBounds), computed here once.
    std::uint32_t low_bits = 0;
    std::uint32_t high_bits = 0;
    bool holds_none = false;
  };

  mutable std::mutex calls_;  // one call at a time; guards every member below that changes
  Accelerator& accelerator_;
  Accelerator::Run in_flight_;  // the last attempt's call; still pending after a hang until aborted
  WatchdogConfig config_;
  std::string kernel_;
  std::optional<Calibration> calibration_;
  Nanoseconds base_threshold_{0};
  Nanoseconds threshold_{0};
  Nanoseconds deadline_{0};  // threshold_ x deadline_factor, rounded up
  std::vector<std::size_t> input_bytes_;
  std::vector<std::size_t> output_bytes_;
  std::vector<std::size_t> float_outputs_;  // checked for NaN/inf
  std::vector<RangePlan> range_plans_;      // the ranges whose scan can find something
  std::optional<DriftDetector> detector_;
  std::vector<std::shared_ptr<AlarmSink>> sinks_;
  CpuFallback fallback_;
  std::vector<std::vector<std::byte>> fallback_outputs_;
  std::vector<std::vector<std::byte>> canary_inputs_;
  std::vector<std::vector<std::byte>> canary_expected_;
  bool canary_passing_ = true;
  std::size_t canary_phase_ = 0;  // (calls - 1) mod canary_interval

  std::size_t consecutive_anomalies_ = 0;
  std::size_t consecutive_slow_verified_ = 0;
  bool reconfigured_during_slow_streak_ = false;
  bool proactive_in_slow_streak_ = false;
  std::vector<Nanoseconds> slow_latencies_;
  std::uint64_t calls_since_proactive_ = 0;
  bool pl_down_ = false;
  Outcome pl_down_outcome_ = Outcome::hang;
  std::uint64_t calls_while_down_ = 0;
  WatchdogCounters counters_;
  std::vector<FailureRecord> failures_;
};

}  // namespace zynqnn::watchdog
