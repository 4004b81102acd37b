#include "zynqnn/watchdog/config.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

[[noreturn]] void refuse(std::string_view field, std::string message) {
  throw Error(ErrorCode::invalid_argument, std::move(message), fmt::format("watchdog config: {}", field));
}

void require_finite(std::string_view field, double value) {
  if (!std::isfinite(value)) refuse(field, fmt::format("{} must be a finite number", field));
}

}  // namespace

std::string_view to_string(Policy policy) noexcept {
  switch (policy) {
    case Policy::none: return "none";
    case Policy::fixed: return "fixed";
    case Policy::adaptive: return "adaptive";
  }
  return "unknown";
}

Policy parse_policy(std::string_view text) {
  if (text == "none") return Policy::none;
  if (text == "fixed") return Policy::fixed;
  if (text == "adaptive") return Policy::adaptive;
  throw Error(ErrorCode::invalid_argument,
              fmt::format("unknown policy '{}' (expected none, fixed or adaptive)", text), "policy");
}

WatchdogConfig preset(Policy policy) {
  WatchdogConfig config;
  switch (policy) {
    case Policy::none:
      throw Error(ErrorCode::invalid_argument,
                  "policy 'none' runs without a watchdog: it has no watchdog configuration", "policy");
    case Policy::fixed:
      return config;
    case Policy::adaptive:
      config.canary_interval = 64;
      config.use_fallback = true;
      config.detector.enabled = true;
      config.adaptation.enabled = true;
      return config;
  }
  return config;
}

void validate(const WatchdogConfig& config) {
  if (config.expert_threshold && config.expert_threshold->count() <= 0) {
    refuse("expert_threshold", fmt::format("the threshold must be positive (got {} ns)",
                                           config.expert_threshold->count()));
  }
  require_finite("rule.mad_multiplier", config.rule.mad_multiplier);
  require_finite("rule.min_margin", config.rule.min_margin);
  if (config.rule.mad_multiplier < 0) refuse("rule.mad_multiplier", "mad_multiplier must be >= 0");
  if (config.rule.min_margin < 0) refuse("rule.min_margin", "min_margin must be >= 0");
  require_finite("deadline_factor", config.deadline_factor);
  if (config.deadline_factor < 1.0) {
    refuse("deadline_factor", fmt::format("the deadline factor must be >= 1 (got {})", config.deadline_factor));
  }
  if (config.ladder.empty() && config.max_retries > 0) refuse("ladder", "retries need at least one ladder step");
  for (Action step : config.ladder) {
    if (step != Action::abort && step != Action::reconfigure) {
      refuse("ladder", fmt::format("a ladder step is abort or reconfigure (got {})", to_string(step)));
    }
  }
  if (config.escalate_after == 0) refuse("escalate_after", "escalate_after must be >= 1");
  if (config.pl_probe_interval == 0) refuse("pl_probe_interval", "pl_probe_interval must be >= 1");
  for (const auto& range : config.ranges) {
    require_finite("ranges", range.min);
    require_finite("ranges", range.max);
    if (range.min > range.max) {
      refuse("ranges", fmt::format("output {}: min {} is above max {}", range.output, range.min, range.max));
    }
  }
  const auto& d = config.detector;
  require_finite("detector.cusum_slack", d.cusum_slack);
  require_finite("detector.cusum_limit", d.cusum_limit);
  if (d.cusum_slack < 0 || d.cusum_limit <= 0) refuse("detector", "cusum_slack must be >= 0 and cusum_limit > 0");
  if (!(d.ewma_weight > 0 && d.ewma_weight <= 1)) refuse("detector.ewma_weight", "ewma_weight must be in (0, 1]");
  if (!(d.ewma_limit > 0) || !std::isfinite(d.ewma_limit)) refuse("detector.ewma_limit", "ewma_limit must be > 0");
  if (!(d.min_relative_sigma > 0) || !std::isfinite(d.min_relative_sigma)) {
    refuse("detector.min_relative_sigma", "min_relative_sigma must be > 0");
  }
  if (!(d.max_z > 0) || !std::isfinite(d.max_z)) refuse("detector.max_z", "max_z must be > 0");
  const auto& a = config.adaptation;
  require_finite("adaptation.cap_factor", a.cap_factor);
  if (a.cap_factor < 1.0) refuse("adaptation.cap_factor", "cap_factor must be >= 1");
  if (a.enabled && a.after_slow_calls == 0) refuse("adaptation.after_slow_calls", "after_slow_calls must be >= 1");
}

WatchdogConfig config_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw Error(ErrorCode::parse, "the watchdog configuration must be a JSON object", "watchdog config");
  Policy policy = Policy::fixed;
  if (auto it = json.find("policy"); it != json.end()) {
    if (!it->is_string()) throw Error(ErrorCode::parse, "policy must be a string", "watchdog config: policy");
    policy = parse_policy(it->get<std::string>());
  }
  WatchdogConfig config = preset(policy);
  auto number = [](const nlohmann::json& value, std::string_view field) {
    if (!value.is_number()) throw Error(ErrorCode::parse, fmt::format("{} must be a number", field), "watchdog config");
    return value.get<double>();
  };
  auto count = [&](const nlohmann::json& value, std::string_view field) -> std::size_t {
    if (!value.is_number_unsigned()) {
      throw Error(ErrorCode::invalid_argument, fmt::format("{} must be a non-negative integer", field),
                  fmt::format("watchdog config: {}", field));
    }
    return value.get<std::size_t>();
  };
  for (const auto& [key, value] : json.items()) {
    if (key == "policy") continue;
    if (key == "threshold_us") {
      double us = number(value, key);
      if (!(us > 0) || !std::isfinite(us)) refuse(key, fmt::format("the threshold must be positive (got {} us)", us));
      config.expert_threshold = Nanoseconds{static_cast<std::int64_t>(us * 1000.0)};
    } else if (key == "mad_multiplier") {
      config.rule.mad_multiplier = number(value, key);
    } else if (key == "min_margin") {
      config.rule.min_margin = number(value, key);
    } else if (key == "deadline_factor") {
      config.deadline_factor = number(value, key);
    } else if (key == "max_retries") {
      config.max_retries = static_cast<unsigned>(count(value, key));
    } else if (key == "canary_interval") {
      config.canary_interval = count(value, key);
    } else if (key == "escalate_after") {
      config.escalate_after = count(value, key);
    } else if (key == "fallback") {
      if (!value.is_boolean()) throw Error(ErrorCode::parse, "fallback must be true or false", "watchdog config");
      config.use_fallback = value.get<bool>();
    } else if (key == "detector") {
      if (!value.is_boolean()) throw Error(ErrorCode::parse, "detector must be true or false", "watchdog config");
      config.detector.enabled = value.get<bool>();
    } else if (key == "adaptation_cap") {
      config.adaptation.cap_factor = number(value, key);
      config.adaptation.enabled = true;
    } else {
      throw Error(ErrorCode::invalid_argument, fmt::format("unknown key '{}'", key), "watchdog config");
    }
  }
  validate(config);
  return config;
}

bool reloads_pl(const WatchdogConfig& config) noexcept {
  if (config.detector.enabled) return true;
  for (Action step : config.ladder) {
    if (step == Action::reconfigure) return true;
  }
  return false;
}

void check_manifest_for_reload(const nlohmann::json& manifest, const WatchdogConfig& config, std::string_view origin) {
  if (!reloads_pl(config)) return;
  auto named = [&](const char* key) {
    const auto artifacts = manifest.find("artifacts");
    if (artifacts == manifest.end() || !artifacts->is_object()) return false;
    const auto file = artifacts->find(key);
    return file != artifacts->end() && file->is_string() && !file->get<std::string>().empty();
  };
  if (!manifest.is_object() || !named("bitstream")) {
    throw Error(ErrorCode::invalid_argument,
                "the recovery ladder reloads the PL but the manifest names no bitstream (set artifacts.bitstream, "
                "or configure a ladder without reconfigure)",
                fmt::format("{} /artifacts/bitstream", origin));
  }
  if (manifest.contains("reconfigurable_region") && !named("partial_bitstream")) {
    throw Error(ErrorCode::invalid_argument,
                "the manifest declares a reconfigurable region but names no partial bitstream",
                fmt::format("{} /artifacts/partial_bitstream", origin));
  }
}

}  // namespace zynqnn::watchdog
