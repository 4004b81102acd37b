#include "zynqnn/watchdog/campaign.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/loopback_fallback.hpp"

namespace zynqnn::watchdog {
namespace {

// Portable uniform numbers (the standard distributions differ between C++ libraries).
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  std::size_t between(std::size_t low, std::size_t high) {
    return low + static_cast<std::size_t>(uniform() * static_cast<double>(high - low + 1));
  }

 private:
  std::mt19937_64 engine_;
};

struct ScheduledFault {
  std::uint64_t call;
  InjectedFault fault;
};
struct DriftPlan {
  std::uint64_t start;
  std::size_t length;
};
struct Schedule {
  std::vector<ScheduledFault> faults;  // sorted by call
  std::vector<DriftPlan> drifts;       // sorted, never overlapping
};

Schedule make_schedule(const CampaignConfig& config) {
  Random random(config.seed * 0x9E3779B97F4A7C15ull + 0x5EED);
  Schedule schedule;
  std::uint64_t drift_free_from = 0;
  for (std::uint64_t call = 0; call < config.calls; ++call) {
    for (int k = 0; k < kFaultKindCount; ++k) {
      if (config.rates.per_kind[k] > 0 && random.uniform() < config.rates.per_kind[k]) {
        InjectedFault fault;
        fault.kind = static_cast<FaultKind>(k);
        fault.persistent = random.uniform() < config.persistent_fraction;
        fault.stall_factor = random.uniform(config.stall_min, config.stall_max);
        schedule.faults.push_back({call, fault});
      }
    }
    if (config.rates.drift > 0 && call >= drift_free_from && random.uniform() < config.rates.drift) {
      const std::size_t length = random.between(config.drift_min_calls, config.drift_max_calls);
      schedule.drifts.push_back({call, length});
      drift_free_from = call + length + 2;
    }
  }
  return schedule;
}

// Forwards to an accelerator and measures the real time spent inside it, so that what the
// watchdog adds can be told apart.
class TimedAccelerator final : public Accelerator {
 public:
  explicit TimedAccelerator(Accelerator& inner) : inner_(inner) {}
  const std::vector<StreamInfo>& inputs() const override { return inner_.inputs(); }
  const std::vector<StreamInfo>& outputs() const override { return inner_.outputs(); }
  std::span<std::byte> input_buffer(std::size_t i) override { return inner_.input_buffer(i); }
  std::span<const std::byte> output_buffer(std::size_t j) const override { return inner_.output_buffer(j); }
  Board& board() override { return inner_.board(); }
  std::chrono::steady_clock::duration inside() const { return inside_; }

 protected:
  Nanoseconds start_call() override {
    const auto start = std::chrono::steady_clock::now();
    if (call_.pending()) leave_in_flight(call_);  // given up at its deadline: the inner one refuses as it would
    call_ = inner_.start();
    inside_ += std::chrono::steady_clock::now() - start;
    return call_.started();
  }
  CallResult wait_call(Nanoseconds deadline) override {
    const auto start = std::chrono::steady_clock::now();
    CallResult result = call_.wait_until(deadline);
    inside_ += std::chrono::steady_clock::now() - start;
    return result;
  }
  void abort_in_flight() override {
    if (call_.pending()) {
      call_.abort();
    } else {
      inner_.abort();
    }
  }
  void reconfigure_pl() override { inner_.reconfigure(); }

 private:
  Accelerator& inner_;
  Run call_;  // the inner accelerator's call in flight
  std::chrono::steady_clock::duration inside_{};
};

struct KindTally {
  std::uint64_t injected = 0;
  std::uint64_t detected = 0;
  std::uint64_t recovered = 0;
};

struct Tally {
  KindTally kinds[kFaultKindCount];
  KindTally drift;
  std::uint64_t drift_hang_reached = 0;
  std::uint64_t drift_flagged_by_threshold = 0;  // a slow (or worse) outcome during the ramp
  std::uint64_t drift_proactive = 0;             // a proactive reconfiguration ended it
  std::uint64_t lost = 0;
  std::uint64_t silent_corruptions = 0;
  std::uint64_t delivered_correct = 0;
  std::uint64_t fallback_answers = 0;
  std::uint64_t clean_calls = 0;
  std::uint64_t false_positives = 0;
  std::uint64_t proactive_outside_drift = 0;
  std::vector<double> detection_ms;
  std::vector<double> detection_thresholds;
  std::vector<double> recovery_ms;
  std::vector<double> overhead_ns;  // per fault-free call: real time in the watchdog outside the accelerator
};

// The drift scenario in progress for one policy run.
struct DriftState {
  const DriftPlan* plan = nullptr;
  std::size_t step = 0;
  std::uint64_t generation = 0;
  bool hang_injected = false;
  bool flagged_by_threshold = false;
  bool proactive = false;
};

nlohmann::json quantiles(std::vector<double> values) {
  if (values.empty()) return {{"median", nullptr}, {"p99", nullptr}, {"max", nullptr}, {"count", 0}};
  std::sort(values.begin(), values.end());
  auto at = [&](double p) {
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
  };
  return {{"median", at(0.5)}, {"p99", at(0.99)}, {"max", values.back()}, {"count", values.size()}};
}

double ms(Nanoseconds t) { return static_cast<double>(t.count()) / 1e6; }

bool outputs_equal(const std::vector<std::span<const std::byte>>& got, const std::vector<std::vector<std::byte>>& want) {
  if (got.size() != want.size()) return false;
  for (std::size_t j = 0; j < got.size(); ++j) {
    if (got[j].size() != want[j].size() || std::memcmp(got[j].data(), want[j].data(), got[j].size()) != 0) return false;
  }
  return true;
}

class PolicyRun {
 public:
  PolicyRun(const CampaignConfig& config, const Schedule& schedule, CampaignTarget& target, Policy policy)
      : config_(config), schedule_(schedule), target_(target), policy_(policy) {
    for (const auto& s : target_.accelerator().inputs()) inputs_.emplace_back(s.bytes);
    for (const auto& s : target_.accelerator().outputs()) expected_.emplace_back(s.bytes);
  }

  nlohmann::json run() {
    Accelerator& accelerator = target_.accelerator();
    Clock& clock = accelerator.board().clock();
    Calibration calibration = calibrate(accelerator, config_.calibration_calls, ThresholdRule{}, "loopback", "builtin",
                                        [this](std::uint64_t index, Accelerator& acc) {
                                          target_.make_input(index + (1ull << 40), inputs_);
                                          for (std::size_t i = 0; i < inputs_.size(); ++i) {
                                            std::memcpy(acc.input_buffer(i).data(), inputs_[i].data(), inputs_[i].size());
                                          }
                                        });
    TimedAccelerator timed(accelerator);
    std::unique_ptr<Watchdog> watchdog;
    if (policy_ != Policy::none) {
      WatchdogConfig wc = preset(policy_);
      wc.deadline_factor = config_.deadline_factor;
      wc.reload_after_broken_frame = target_.keeps_frames_across_dma_reset();
      if (policy_ == Policy::adaptive) {
        wc.canary_interval = config_.canary_interval;
        wc.ranges = target_.declared_ranges();
      }
      watchdog = std::make_unique<Watchdog>(timed, wc, calibration, "loopback");
      for (const auto& sink : config_.sinks) watchdog->add_sink(sink);
      if (policy_ == Policy::adaptive) {
        watchdog->set_fallback(target_.fallback());
        target_.make_input(1ull << 41, inputs_);
        InputViews canary;
        for (auto& in : inputs_) canary.emplace_back(in.data(), in.size());
        watchdog->set_canary(canary);
      }
    }
    threshold_ = watchdog ? watchdog->threshold() : calibration.threshold;
    const Nanoseconds start = clock.now();
    std::size_t next_fault = 0;
    std::size_t next_drift = 0;
    std::vector<const ScheduledFault*> injected_now;
    for (std::uint64_t call = 0; call < config_.calls; ++call) {
      injected_now.clear();
      while (next_fault < schedule_.faults.size() && schedule_.faults[next_fault].call == call) {
        target_.inject(schedule_.faults[next_fault].fault);
        injected_now.push_back(&schedule_.faults[next_fault]);
        ++next_fault;
      }
      const DriftStep drift_step = step_drift(call, next_drift, accelerator.board().generation());
      const bool fault_active = target_.fault_active();
      const std::uint64_t generation_before = accelerator.board().generation();
      target_.make_input(call, inputs_);
      InputViews views;
      for (auto& in : inputs_) views.emplace_back(in.data(), in.size());
      OutputViews want;
      for (auto& out : expected_) want.emplace_back(out.data(), out.size());
      target_.expected(views, want);

      CallSummary summary = policy_ == Policy::none ? call_without_watchdog(accelerator, views)
                                                    : call_with_watchdog(*watchdog, timed, call, views);
      const bool generation_changed = accelerator.board().generation() != generation_before;
      account(summary, fault_active, injected_now, generation_changed);
      if (config_.trace) trace(call, summary, injected_now, drift_step);
      if (config_.progress && (call % 4096 == 0 || call + 1 == config_.calls)) {
        config_.progress(policy_, call + 1, config_.calls);
      }
    }
    finish_drift(false);
    const Nanoseconds board_time = clock.now() - start;
    return report(board_time, watchdog.get(), calibration);
  }

 private:
  struct CallSummary {
    Outcome outcome = Outcome::ok;
    bool detected = false;  // the policy noticed something wrong on this call
    bool delivered = false;
    bool correct = false;
    bool proactive = false;
    std::optional<Nanoseconds> detection;
    std::optional<Nanoseconds> recovery;
    Nanoseconds latency{0};
    Nanoseconds elapsed{0};
    std::vector<Action> actions;
  };

  enum class DriftStep { none, stall, hang };

  void trace(std::uint64_t call, const CallSummary& s, const std::vector<const ScheduledFault*>& injected,
             DriftStep drift_step) {
    CallTrace t;
    t.policy = policy_;
    t.call = call;
    t.latency = s.latency;
    t.elapsed = s.elapsed;
    t.outcome = s.outcome;
    for (const ScheduledFault* f : injected) {
      t.faults.push_back(to_string(f->fault.kind));
      t.persistent = t.persistent || f->fault.persistent;
    }
    if (drift_step != DriftStep::none) t.faults.push_back("drift");
    if (drift_step == DriftStep::hang) t.persistent = true;
    t.detected = s.detected;
    t.recovered = s.detected && s.correct;
    t.lost = !s.delivered;
    t.actions = s.actions;
    config_.trace(t);
  }

  DriftStep step_drift(std::uint64_t call, std::size_t& next_drift, std::uint64_t generation) {
    if (drift_.plan != nullptr && generation != drift_.generation) finish_drift(true);
    if (drift_.plan == nullptr && next_drift < schedule_.drifts.size() && schedule_.drifts[next_drift].start == call) {
      drift_ = DriftState{};
      drift_.plan = &schedule_.drifts[next_drift++];
      drift_.generation = generation;
      ++tally_.drift.injected;
    } else if (next_drift < schedule_.drifts.size() && schedule_.drifts[next_drift].start <= call &&
               drift_.plan != nullptr) {
      ++next_drift;  // still busy with the previous one (it started late): this one is skipped
    }
    if (drift_.plan == nullptr) return DriftStep::none;
    if (drift_.step < drift_.plan->length) {
      const double factor = 1.0 + (config_.drift_max_factor - 1.0) * static_cast<double>(drift_.step + 1) /
                                      static_cast<double>(drift_.plan->length);
      target_.inject({FaultKind::stall, false, factor});
      ++drift_.step;
      return DriftStep::stall;
    }
    if (!drift_.hang_injected) {
      target_.inject({FaultKind::hang, true, 1.0});
      drift_.hang_injected = true;
      ++tally_.drift_hang_reached;
      return DriftStep::hang;
    }
    return DriftStep::none;
  }

  // `ended`: a reconfiguration ended the scenario (before or after its hang).
  void finish_drift(bool ended) {
    if (drift_.plan == nullptr) return;
    if (drift_.flagged_by_threshold || drift_.proactive) ++tally_.drift.detected;
    if (drift_.flagged_by_threshold) ++tally_.drift_flagged_by_threshold;
    if (ended) ++tally_.drift.recovered;
    if (drift_.proactive) ++tally_.drift_proactive;
    drift_ = DriftState{};
  }

  CallSummary call_with_watchdog(Watchdog& watchdog, TimedAccelerator& timed, std::uint64_t call,
                                 const InputViews& views) {
    const auto inside_before = timed.inside();
    const auto wall_start = std::chrono::steady_clock::now();
    CallReport& report = report_;  // reused, as a long-running caller would: no allocation per call
    watchdog.process(call, views, report);
    const auto wall = std::chrono::steady_clock::now() - wall_start;
    CallSummary s;
    s.outcome = report.outcome;
    const bool canary_failed = report.canary && is_failure(*report.canary);
    s.detected = report.attempts > 0 && (is_anomaly(report.outcome) || canary_failed);
    s.delivered = report.delivered;
    s.correct = report.delivered && outputs_equal(report.outputs, expected_);
    s.proactive = std::find(report.actions.begin(), report.actions.end(), Action::proactive_reconfigure) !=
                  report.actions.end();
    if (report.fallback) ++tally_.fallback_answers;
    if (report.attempts > 0 && is_failure(report.outcome)) {
      s.detection = report.first_latency;
      s.recovery = report.recovery;
    }
    s.latency = report.first_latency;
    s.elapsed = report.elapsed;
    if (config_.trace) s.actions = report.actions;
    if (report.outcome == Outcome::ok && report.actions.empty()) {
      const auto own = std::chrono::duration_cast<Nanoseconds>(wall - (timed.inside() - inside_before));
      tally_.overhead_ns.push_back(static_cast<double>(own.count()));
    }
    return s;
  }

  // A PYNQ-style call: no threshold, a wait capped so that the campaign terminates. A call that
  // reaches the cap would have waited forever: it is lost, and the operator's restart (DMA reset
  // and overlay reload) is what brings the board back. A DMA error is raised (PYNQ checks the
  // error bits) and the input is lost; wrong data passes unnoticed.
  CallSummary call_without_watchdog(Accelerator& accelerator, const InputViews& views) {
    for (std::size_t i = 0; i < views.size(); ++i) {
      std::memcpy(accelerator.input_buffer(i).data(), views[i].data(), views[i].size());
    }
    Clock& clock = accelerator.board().clock();
    const Nanoseconds start = clock.now();
    CallResult result = accelerator.run(config_.none_wait_cap);
    const Nanoseconds elapsed = clock.now() - start;
    CallSummary s;
    s.outcome = Outcome::ok;
    s.latency = elapsed;
    switch (result.status) {
      case CallStatus::timeout:
      case CallStatus::pending:  // run() reports its deadline as a timeout; never pending
        s.outcome = Outcome::hang;
        break;
      case CallStatus::dma_error:
        s.outcome = Outcome::dma_error;
        s.detected = true;
        s.detection = elapsed;
        break;
      case CallStatus::short_output:
      case CallStatus::ok: {
        s.delivered = true;
        std::vector<std::span<const std::byte>> outs;
        for (std::size_t j = 0; j < accelerator.outputs().size(); ++j) {
          outs.push_back(accelerator.output_buffer(j).first(accelerator.outputs()[j].bytes));
        }
        s.correct = outputs_equal(outs, expected_);
        break;
      }
    }
    if (!s.delivered) {
      accelerator.abort();
      accelerator.reconfigure();
      if (config_.trace) s.actions = {Action::abort, Action::reconfigure};
    }
    s.elapsed = clock.now() - start;
    return s;
  }

  void account(const CallSummary& s, bool fault_active, const std::vector<const ScheduledFault*>& injected,
               bool generation_changed) {
    if (!s.delivered) {
      ++tally_.lost;
    } else if (!s.correct) {
      ++tally_.silent_corruptions;
    } else {
      ++tally_.delivered_correct;
    }
    if (!fault_active) {
      ++tally_.clean_calls;
      if (s.detected) ++tally_.false_positives;
    }
    if (s.proactive && drift_.plan == nullptr && !fault_active) ++tally_.proactive_outside_drift;
    if (drift_.plan != nullptr) {
      if (s.detected || s.outcome == Outcome::slow) drift_.flagged_by_threshold = drift_.flagged_by_threshold || !drift_.hang_injected;
      if (s.proactive && !drift_.hang_injected) drift_.proactive = true;
    }
    // A persistent fault that the policy has not healed yet: recovered once a reconfiguration
    // clears it (if its own input was answered).
    if (generation_changed) {
      for (int kind : unhealed_answered_) ++tally_.kinds[kind].recovered;
      unhealed_answered_.clear();
    }
    for (const ScheduledFault* f : injected) {
      const int kind = static_cast<int>(f->fault.kind);
      KindTally& k = tally_.kinds[kind];
      ++k.injected;
      if (s.detected) ++k.detected;
      // Recovered: the input was answered and a persistent fault was healed; for corruption the
      // answer must also be right (wrong answers from other causes count as silent corruptions).
      const bool answered = f->fault.kind == FaultKind::corrupt_output ? s.correct : s.delivered;
      if (!answered) continue;
      if (!f->fault.persistent || generation_changed) {
        ++k.recovered;
      } else {
        unhealed_answered_.push_back(kind);
      }
    }
    if (s.detection) {
      tally_.detection_ms.push_back(ms(*s.detection));
      tally_.detection_thresholds.push_back(static_cast<double>(s.detection->count()) /
                                            static_cast<double>(threshold_.count()));
    }
    if (s.recovery) tally_.recovery_ms.push_back(ms(*s.recovery));
  }

  nlohmann::json report(Nanoseconds board_time, const Watchdog* watchdog, const Calibration& calibration) const {
    nlohmann::json faults = nlohmann::json::object();
    for (int k = 0; k < kFaultKindCount; ++k) {
      const KindTally& t = tally_.kinds[k];
      if (t.injected == 0) continue;
      faults[std::string(to_string(static_cast<FaultKind>(k)))] = {
          {"injected", t.injected}, {"detected", t.detected}, {"recovered", t.recovered}};
    }
    if (tally_.drift.injected > 0) {
      faults["drift"] = {{"injected", tally_.drift.injected},
                         {"detected", tally_.drift.detected},
                         {"recovered", tally_.drift.recovered},
                         {"caught_before_hang", tally_.drift_proactive},
                         {"slow_or_worse_before_hang", tally_.drift_flagged_by_threshold},
                         {"reached_hang", tally_.drift_hang_reached}};
    }
    const double calls = static_cast<double>(config_.calls);
    const double ideal = calls * static_cast<double>(target_.nominal_latency().count());
    const double nominal = static_cast<double>(target_.nominal_latency().count());
    nlohmann::json j = {
        {"lost", tally_.lost},
        {"silent_corruptions", tally_.silent_corruptions},
        {"fallback_answers", tally_.fallback_answers},
        {"false_positives", tally_.false_positives},
        {"clean_calls", tally_.clean_calls},
        {"false_positive_rate",
         tally_.clean_calls == 0 ? 0.0 : static_cast<double>(tally_.false_positives) / static_cast<double>(tally_.clean_calls)},
        {"proactive_reconfigurations_outside_drift", tally_.proactive_outside_drift},
        {"availability", static_cast<double>(tally_.delivered_correct) / calls},
        {"throughput_ratio", ideal / static_cast<double>(board_time.count())},
        {"detection_latency_ms", quantiles(tally_.detection_ms)},
        {"detection_latency_thresholds", quantiles(tally_.detection_thresholds)},
        {"recovery_ms", quantiles(tally_.recovery_ms)},
        {"faults", faults},
        {"calibration",
         {{"median_ns", calibration.latency.median.count()},
          {"mad_ns", calibration.latency.mad.count()},
          {"p99_ns", calibration.latency.p99.count()},
          {"max_ns", calibration.latency.max.count()}}},
        {"threshold_ns", threshold_.count()},
        {"board_time_ms", ms(board_time)},
    };
    if (watchdog != nullptr) {
      const auto& c = watchdog->counters();
      // The median: the host's scheduler preempts now and then, and a mean would charge that to
      // the watchdog.
      const nlohmann::json overhead = quantiles(tally_.overhead_ns);
      const double median = overhead["median"].is_null() ? 0.0 : overhead["median"].get<double>();
      j["deadline_ns"] = watchdog->deadline().count();
      j["final_threshold_ns"] = watchdog->threshold().count();
      j["watchdog_overhead"] = {{"cpu_ns_per_fault_free_call", overhead},
                                {"fraction_of_fault_free_call", median / nominal},
                                {"canary_calls_fraction", static_cast<double>(c.canaries) / calls}};
      j["actions"] = {{"attempts", c.attempts},       {"aborts", c.aborts},
                      {"reconfigurations", c.reconfigurations},
                      {"proactive_reconfigurations", c.proactive_reconfigurations},
                      {"fallbacks", c.fallbacks},     {"failure_records", c.failures},
                      {"alarms", c.alarms},           {"sink_errors", c.sink_errors},
                      {"canaries", c.canaries},       {"adaptations", c.adaptations}};
    } else {
      j["wait_cap_ns"] = config_.none_wait_cap.count();
    }
    return j;
  }

  const CampaignConfig& config_;
  const Schedule& schedule_;
  CampaignTarget& target_;
  Policy policy_;
  std::vector<std::vector<std::byte>> inputs_;
  std::vector<std::vector<std::byte>> expected_;
  CallReport report_;
  Nanoseconds threshold_{0};
  DriftState drift_;
  Tally tally_;
  std::vector<int> unhealed_answered_;  // kinds of persistent faults not yet healed
};

class ModelLoopbackTarget final : public CampaignTarget {
 public:
  explicit ModelLoopbackTarget(ModelAcceleratorConfig config) : accelerator_(config) {}
  Accelerator& accelerator() override { return accelerator_; }
  void inject(const InjectedFault& fault) override { accelerator_.inject(fault); }
  bool fault_active() const override { return accelerator_.fault_active(); }
  CpuFallback fallback() override { return loopback_fallback(); }
  void expected(const InputViews& inputs, const OutputViews& outputs) override {
    std::memcpy(outputs[0].data(), inputs[0].data(), inputs[0].size());
  }
  std::vector<OutputRange> declared_ranges() const override { return {OutputRange{0, 0, kValueLimit - 1}}; }
  void make_input(std::uint64_t index, std::vector<std::vector<std::byte>>& inputs) override {
    std::uint64_t state = index * 0x9E3779B97F4A7C15ull + 0x1234567;
    auto& bytes = inputs[0];
    for (std::size_t k = 0; k + 4 <= bytes.size(); k += 4) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      const auto value = static_cast<std::uint32_t>(state % static_cast<std::uint64_t>(kValueLimit));
      std::memcpy(bytes.data() + k, &value, 4);
    }
  }
  Nanoseconds nominal_latency() const override { return accelerator_.nominal_latency(); }
  std::string description() const override { return "loopback on the behavioural model accelerator"; }

 private:
  static constexpr double kValueLimit = 16777216.0;  // inputs (and so outputs) are below 2^24
  ModelAccelerator accelerator_;
};

}  // namespace

TargetFactory model_loopback_target(ModelAcceleratorConfig config) {
  return [config](std::uint64_t seed) {
    ModelAcceleratorConfig c = config;
    c.seed = seed;
    return std::make_unique<ModelLoopbackTarget>(c);
  };
}

nlohmann::json to_json(const CallTrace& t) {
  nlohmann::json actions = nlohmann::json::array();
  for (Action a : t.actions) actions.push_back(to_string(a));
  nlohmann::json faults = nlohmann::json::array();
  for (auto f : t.faults) faults.push_back(f);
  return {{"call", t.call},
          {"policy", to_string(t.policy)},
          {"latency_ns", t.latency.count()},
          {"elapsed_ns", t.elapsed.count()},
          {"outcome", to_string(t.outcome)},
          {"fault", faults.empty() ? nlohmann::json(nullptr) : faults},
          {"persistent", t.persistent},
          {"detected", t.detected},
          {"recovered", t.recovered},
          {"lost", t.lost},
          {"actions", actions}};
}

FaultRates parse_fault_rates(const std::string& spec) {
  FaultRates rates;
  std::stringstream stream(spec);
  std::string entry;
  while (std::getline(stream, entry, ',')) {
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    if (eq == std::string::npos) {
      throw Error(ErrorCode::invalid_argument, fmt::format("expected KIND=RATE, got '{}'", entry), "--faults");
    }
    const std::string name = entry.substr(0, eq);
    double rate = 0;
    try {
      std::size_t used = 0;
      rate = std::stod(entry.substr(eq + 1), &used);
      if (used != entry.size() - eq - 1) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      throw Error(ErrorCode::invalid_argument, fmt::format("bad rate in '{}'", entry), "--faults");
    }
    if (!(rate >= 0 && rate <= 1)) {
      throw Error(ErrorCode::invalid_argument, fmt::format("rate of {} must be in [0, 1] (got {})", name, rate), "--faults");
    }
    if (name == "drift") {
      rates.drift = rate;
    } else {
      rates.per_kind[static_cast<int>(parse_fault_kind(name))] = rate;
    }
  }
  return rates;
}

void validate(const CampaignConfig& config) {
  if (config.calls == 0) throw Error(ErrorCode::invalid_argument, "calls must be > 0", "campaign");
  if (config.policies.empty()) throw Error(ErrorCode::invalid_argument, "no policy to run", "campaign");
  if (!(config.persistent_fraction >= 0 && config.persistent_fraction <= 1)) {
    throw Error(ErrorCode::invalid_argument, "persistent_fraction must be in [0, 1]", "campaign");
  }
  if (!(config.stall_min >= 1 && config.stall_max >= config.stall_min)) {
    throw Error(ErrorCode::invalid_argument, "stall factors need 1 <= stall_min <= stall_max", "campaign");
  }
  if (config.drift_min_calls == 0 || config.drift_max_calls < config.drift_min_calls || !(config.drift_max_factor > 1)) {
    throw Error(ErrorCode::invalid_argument, "drift needs 0 < drift_min_calls <= drift_max_calls and a factor > 1",
                "campaign");
  }
  if (!(config.deadline_factor >= 1.0)) {
    throw Error(ErrorCode::invalid_argument, "the deadline factor must be >= 1", "campaign");
  }
  if (config.none_wait_cap.count() <= 0) throw Error(ErrorCode::invalid_argument, "the wait cap must be positive", "campaign");
}

nlohmann::json run_campaign(const CampaignConfig& config, const TargetFactory& factory) {
  validate(config);
  const Schedule schedule = make_schedule(config);
  nlohmann::json policies = nlohmann::json::object();
  std::string description;
  std::int64_t nominal = 0;
  for (Policy policy : config.policies) {
    auto target = factory(config.seed);
    description = target->description();
    nominal = target->nominal_latency().count();
    PolicyRun run(config, schedule, *target, policy);
    policies[std::string(to_string(policy))] = run.run();
  }
  return {{"seed", config.seed},
          {"calls", config.calls},
          {"target", description},
          {"nominal_call_ns", nominal},
          {"scheduled_faults", schedule.faults.size()},
          {"scheduled_drifts", schedule.drifts.size()},
          {"policies", policies}};
}

}  // namespace zynqnn::watchdog
