#include "zynqnn/watchdog/outcome.hpp"

namespace zynqnn::watchdog {

std::string_view to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::slow: return "slow";
    case Outcome::hang: return "hang";
    case Outcome::dma_error: return "dma_error";
    case Outcome::bad_output: return "bad_output";
    case Outcome::canary_mismatch: return "canary_mismatch";
  }
  return "unknown";
}

std::optional<Outcome> parse_outcome(std::string_view text) noexcept {
  for (int i = 0; i < kOutcomeCount; ++i) {
    if (to_string(static_cast<Outcome>(i)) == text) return static_cast<Outcome>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Action action) noexcept {
  switch (action) {
    case Action::abort: return "abort";
    case Action::reconfigure: return "reconfigure";
    case Action::retry: return "retry";
    case Action::fallback: return "fallback";
    case Action::proactive_reconfigure: return "proactive_reconfigure";
    case Action::threshold_adapted: return "threshold_adapted";
    case Action::alarm: return "alarm";
    case Action::canary: return "canary";
  }
  return "unknown";
}

}  // namespace zynqnn::watchdog
