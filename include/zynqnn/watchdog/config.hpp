#pragma once
// How the watchdog judges and heals calls. Every field is checked by validate(); a bad value
// is refused with Error(invalid_argument) naming the field.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/watchdog/outcome.hpp"

namespace zynqnn::watchdog {

// threshold = max(median + mad_multiplier * MAD * 1.4826, median * (1 + min_margin)).
// The MAD term follows the spread the calibration saw; the margin keeps a board with almost
// no jitter from getting a threshold a hair above its median (every tiny hiccup "slow").
struct ThresholdRule {
  double mad_multiplier = 8.0;
  double min_margin = 0.25;
};

// A declared value range of one output stream (checked element by element).
struct OutputRange {
  std::size_t output = 0;
  double min = 0;
  double max = 0;
};

// Online drift detection on the log-latency of completed calls: z = (ln t - ln median) / sigma
// with sigma = max(calibrated robust sigma of ln t, min_relative_sigma). One-sided CUSUM
// S = max(0, S + z - cusum_slack) flags when S > cusum_limit; an EWMA of z (weight
// ewma_weight) flags when it exceeds ewma_limit standard deviations of the EWMA statistic.
struct DetectorConfig {
  bool enabled = false;
  double cusum_slack = 1.0;
  double cusum_limit = 12.0;
  double ewma_weight = 0.1;
  double ewma_limit = 5.0;
  double min_relative_sigma = 0.02;
  // Each call's z is clipped to this before it enters the statistics: one outlier (a single
  // stalled call, which the threshold already judges) cannot trip the detector on its own;
  // a drift, many consecutive elevated calls, does.
  double max_z = 4.0;
  std::size_t cooldown_calls = 32;  // at most one proactive reconfiguration per this many calls
};

// Bounded threshold adaptation: after `after_slow_calls` consecutive slow calls whose outputs
// verified (and whose canary, if any, passed) and that survived a reconfiguration, the
// threshold rises to the recent slow latencies x (1 + min_margin), never above cap_factor x
// the calibrated threshold.
struct AdaptationConfig {
  bool enabled = false;
  double cap_factor = 2.0;
  std::size_t after_slow_calls = 8;
};

enum class Policy { none, fixed, adaptive };
std::string_view to_string(Policy policy) noexcept;
// Throws Error(invalid_argument) for anything but none, fixed, adaptive.
Policy parse_policy(std::string_view text);

struct WatchdogConfig {
  // An expert's threshold; when set no calibration is needed (or used).
  std::optional<Nanoseconds> expert_threshold;
  ThresholdRule rule;
  double deadline_factor = 4.0;  // deadline = threshold x this (>= 1)
  unsigned max_retries = 2;      // attempts per input = 1 + max_retries
  // What to do before retry n (1-based): ladder[min(n, size) - 1].
  std::vector<Action> ladder{Action::abort, Action::reconfigure};
  // After a DMA error or a wrong byte count, climb straight to a reload instead of an abort
  // rung: a DMA reset does not reset the kernel, and words of the broken frame left in its
  // streams would come out as the retry's (or the next call's) answer. Needed wherever the
  // kernel keeps state across a DMA reset (the virtual board, a real board); the behavioural
  // campaign model keeps none.
  bool reload_after_broken_frame = false;
  std::size_t canary_interval = 0;  // run the canary before every K-th call; 0 = never
  std::size_t escalate_after = 3;   // alarm after this many consecutive anomalous calls
  bool check_float_outputs = true;  // NaN/inf in float32 outputs is bad_output
  std::vector<OutputRange> ranges;
  bool use_fallback = false;        // answer from the CPU when the PL cannot (if one is given)
  std::size_t pl_probe_interval = 16;  // while the PL is down: try it again every this many calls
  DetectorConfig detector;
  AdaptationConfig adaptation;
};

// The presets of the campaign policies: fixed = the paper's routine (threshold, abort,
// reconfigure, retry); adaptive = fixed + canary + drift detector + bounded adaptation + CPU
// fallback. none has no watchdog: asking for its config is an Error(invalid_argument).
WatchdogConfig preset(Policy policy);

void validate(const WatchdogConfig& config);

// Reads the fields present in a JSON object over a preset ("policy" picks the preset,
// default fixed). Unknown keys are refused. Throws Error(parse / invalid_argument).
WatchdogConfig config_from_json(const nlohmann::json& json);

// True when the configuration may reload the PL (a reconfigure rung, or the drift detector's
// proactive reconfiguration).
bool reloads_pl(const WatchdogConfig& config) noexcept;
// A board reload needs the manifest to name its bitstream (artifacts.bitstream; a partial
// reconfiguration additionally artifacts.partial_bitstream when the manifest declares a
// "reconfigurable_region"). Error(invalid_argument) naming the manifest field otherwise.
void check_manifest_for_reload(const nlohmann::json& manifest, const WatchdogConfig& config,
                               std::string_view origin = "manifest.json");

}  // namespace zynqnn::watchdog
