#pragma once
// What a watched call can end in, and what the watchdog did about it.
#include <optional>
#include <string_view>

namespace zynqnn::watchdog {

// Every call ends in exactly one outcome.
enum class Outcome {
  ok,               // finished within the threshold, outputs verified
  slow,             // finished above the threshold (but before the deadline), outputs verified
  hang,             // the deadline (threshold x deadline factor) passed
  dma_error,        // a DMA channel reported an error (decoded status in the detail)
  bad_output,       // wrong byte count, NaN/inf in float32 output, or a value outside its range
  canary_mismatch,  // the known input did not reproduce its recorded output bit-exactly
};
inline constexpr int kOutcomeCount = 6;

std::string_view to_string(Outcome outcome) noexcept;
std::optional<Outcome> parse_outcome(std::string_view text) noexcept;
// ok and slow deliver verified outputs; the rest are failures that start the recovery ladder.
constexpr bool is_failure(Outcome outcome) noexcept {
  return outcome != Outcome::ok && outcome != Outcome::slow;
}
// Anything but ok counts towards escalation (K consecutive anomalies).
constexpr bool is_anomaly(Outcome outcome) noexcept { return outcome != Outcome::ok; }

enum class Action {
  abort,                  // DMA soft reset of every channel, drivers re-initialised
  reconfigure,            // PL reloaded (Board::reconfigure), drivers re-initialised
  retry,                  // the same input sent again
  fallback,               // the CPU implementation answered
  proactive_reconfigure,  // drift detected between calls: PL reloaded before it hangs
  threshold_adapted,      // the threshold was raised (bounded) while outputs still verified
  alarm,                  // an escalation event went to the sinks
  canary,                 // the canary input was run
};
std::string_view to_string(Action action) noexcept;

}  // namespace zynqnn::watchdog
