#pragma once
// Fault campaigns: the same seeded fault schedule played against each policy (none = a
// PYNQ-style wait capped so it terminates, fixed = the paper's routine, adaptive = detector +
// canary + range checks + adaptation + CPU fallback), with the accounting that says what each
// policy detected, recovered and lost.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "zynqnn/watchdog/alarm.hpp"
#include "zynqnn/watchdog/config.hpp"
#include "zynqnn/watchdog/model_accelerator.hpp"
#include "zynqnn/watchdog/watchdog.hpp"

namespace zynqnn::watchdog {

// What a campaign runs on: an accelerator whose faults can be injected, and the kernel's
// reference (CPU) implementation.
class CampaignTarget {
 public:
  virtual ~CampaignTarget() = default;
  virtual Accelerator& accelerator() = 0;
  virtual void inject(const InjectedFault& fault) = 0;
  // A fault is waiting for the next call or persists in the PL.
  virtual bool fault_active() const = 0;
  // The kernel's outputs computed on the CPU (used as the CPU fallback).
  virtual CpuFallback fallback() = 0;
  // The expected outputs of an input (may be cheaper than the fallback, must agree with it).
  virtual void expected(const InputViews& inputs, const OutputViews& outputs) = 0;
  // The declared value range of each output, if the kernel declares one.
  virtual std::vector<OutputRange> declared_ranges() const { return {}; }
  // Fills input `index` (one byte vector per input stream).
  virtual void make_input(std::uint64_t index, std::vector<std::vector<std::byte>>& inputs) = 0;
  // Fault-free call time without jitter.
  virtual Nanoseconds nominal_latency() const = 0;
  virtual std::string description() const = 0;
  // The kernel keeps a broken frame's words in its streams across a DMA reset (a real kernel:
  // the virtual board or a board), so the watchdog must reload the PL after a DMA error
  // (WatchdogConfig::reload_after_broken_frame). The behavioural model keeps no such state.
  virtual bool keeps_frames_across_dma_reset() const { return false; }
};

using TargetFactory = std::function<std::unique_ptr<CampaignTarget>(std::uint64_t seed)>;

// The built-in pass-through on the behavioural model: inputs are uint32 values below 2^24 (its
// declared output range), the reference is the loopback kernel's HLS C++.
TargetFactory model_loopback_target(ModelAcceleratorConfig config = {});

// Campaign fault kinds: the accelerator's (FaultKind) plus drift, a scenario of stalls with a
// growing factor ending in a persistent hang.
struct FaultRates {
  double per_kind[kFaultKindCount] = {};
  double drift = 0;
};
// "hang=0.01,stall=0.01,drift=0.001" -> rates (each in [0, 1]); Error(invalid_argument) naming
// the bad entry.
FaultRates parse_fault_rates(const std::string& spec);

// One call of a campaign, for a trace (`zynqnn campaign --trace FILE`: one JSON line each).
struct CallTrace {
  Policy policy = Policy::none;
  std::uint64_t call = 0;
  Nanoseconds latency{0};   // the first attempt's time on the board's clock (0: not tried)
  Nanoseconds elapsed{0};   // the whole call, recovery included
  Outcome outcome = Outcome::ok;
  std::vector<std::string_view> faults;  // kinds injected on this call ("drift" for a ramp step)
  bool persistent = false;  // one of them persists until a reconfiguration
  bool detected = false;    // the policy flagged the call
  bool recovered = false;   // flagged, and answered correctly all the same
  bool lost = false;        // no answer
  std::vector<Action> actions;
};
nlohmann::json to_json(const CallTrace& trace);

struct CampaignConfig {
  std::uint64_t calls = 10'000;
  std::uint64_t seed = 1;
  FaultRates rates;
  double persistent_fraction = 0.25;  // share of injected faults that persist until reconfiguration
  double stall_min = 1.5;             // a stall's factor is uniform in [stall_min, stall_max]
  double stall_max = 12.0;
  std::size_t drift_min_calls = 40;   // a drift ramps over this many calls (uniform in [min, max])
  std::size_t drift_max_calls = 80;
  double drift_max_factor = 3.0;      // the ramp's last stall factor, then the hang
  std::vector<Policy> policies{Policy::none, Policy::fixed, Policy::adaptive};
  std::size_t calibration_calls = 500;
  Nanoseconds none_wait_cap = std::chrono::seconds(1);  // the capped PYNQ-style wait
  std::size_t canary_interval = 200;  // adaptive
  double deadline_factor = WatchdogConfig{}.deadline_factor;  // fixed and adaptive
  std::vector<std::shared_ptr<AlarmSink>> sinks;  // attached to every watchdog policy
  // (policy, calls done, calls) now and then.
  std::function<void(Policy, std::uint64_t, std::uint64_t)> progress;
  // Every call, in order (policy by policy), when set.
  std::function<void(const CallTrace&)> trace;
};

void validate(const CampaignConfig& config);



// Runs the campaign on a fresh target per policy; returns the JSON report (see docs/watchdog.md).
nlohmann::json run_campaign(const CampaignConfig& config, const TargetFactory& factory);

}  // namespace zynqnn::watchdog
