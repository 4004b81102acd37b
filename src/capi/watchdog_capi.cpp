// The watchdog section of the C ABI (zynqnn.h): a zynqnn::watchdog::Watchdog around an open
// accelerator handle. No exception crosses it; each failure becomes a status and the thread's
// last error. A watched call holds the accelerator's device lock from its first attempt to the
// copy of its answer (the watchdog's own lock inside it): threads may share both handles.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "capi/accelerator_handle.hpp"
#include "capi/last_error.hpp"
#include "capi/watchdog_fallback.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/watchdog/alarm.hpp"
#include "zynqnn/watchdog/calibration.hpp"
#include "zynqnn/watchdog/config.hpp"
#include "zynqnn/watchdog/watchdog.hpp"
#include "zynqnn/zynqnn.h"
#ifdef ZYNQNN_HAVE_MQTT
#include "zynqnn/watchdog/mqtt_sink.hpp"
#endif

namespace wd = zynqnn::watchdog;
using zynqnn::Error;
using zynqnn::ErrorCode;
using zynqnn::capi::set_error;

struct zynqnn_watchdog {
  zynqnn_accelerator* owner = nullptr;
  std::optional<wd::Calibration> calibration;
  std::unique_ptr<wd::Watchdog> watchdog;
  std::string manifest_path;
  std::uint64_t next_index = 0;  // guarded by the accelerator's device lock
  std::atomic<bool> closed{false};
};

namespace {

template <typename Body>
int guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (const Error& error) {
    const std::string where = error.where().empty() ? "" : fmt::format(" ({})", error.where());
    return set_error(static_cast<int>(error.code()), error.what() + where);
  } catch (const std::bad_alloc&) {
    return set_error(ZYNQNN_INTERNAL, "out of memory");
  } catch (const std::exception& error) {
    return set_error(ZYNQNN_INTERNAL, error.what());
  }
}

[[noreturn]] void refuse(const char* field, std::string message) {
  throw Error(ErrorCode::invalid_argument, std::move(message), fmt::format("zynqnn_watchdog_config.{}", field));
}

const char* policy_literal(wd::Policy policy) {
  switch (policy) {
    case wd::Policy::none: return "none";
    case wd::Policy::fixed: return "fixed";
    case wd::Policy::adaptive: return "adaptive";
  }
  return "fixed";
}

wd::Policy policy_of(const char* text) {
  if (text == nullptr) return wd::Policy::fixed;
  try {
    return wd::parse_policy(text);
  } catch (const Error& error) {
    refuse("policy", error.what());
  }
}

void copy_text(char* to, std::size_t capacity, const std::string& text) {
  const std::size_t n = std::min(text.size(), capacity - 1);
  std::memcpy(to, text.data(), n);
  to[n] = '\0';
}

template <std::size_t N>
std::uint32_t copy_actions(std::uint8_t (&to)[N], const std::vector<wd::Action>& actions) {
  const std::size_t n = std::min(actions.size(), N);
  for (std::size_t i = 0; i < n; ++i) to[i] = static_cast<std::uint8_t>(actions[i]);
  return static_cast<std::uint32_t>(actions.size());
}

nlohmann::json read_manifest_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::io, "cannot read the manifest", path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCode::parse, error.what(), path);
  }
}

// The watchdog's configuration from the C struct, every field checked (errors name it).
wd::WatchdogConfig watchdog_config(const zynqnn_watchdog_config& c, wd::Policy policy) {
  if (c.threshold_ns < 0) {
    refuse("threshold_ns", fmt::format("the threshold must be positive (got {} ns); 0 means: from a calibration",
                                       c.threshold_ns));
  }
  if (c.threshold_ns > 0 && c.calibrate_calls > 0) {
    refuse("threshold_ns", "an expert threshold and calibrate_calls both given: choose one source for the threshold");
  }
  if (policy == wd::Policy::none && (c.max_retries > 0 || c.detector || c.adaptation || c.use_fallback)) {
    refuse("policy", "policy 'none' heals nothing: max_retries, detector, adaptation and use_fallback must be 0");
  }
  if (c.max_retries > 16) refuse("max_retries", fmt::format("at most 16 retries (got {})", c.max_retries));
  wd::WatchdogConfig config;
  if (c.threshold_ns > 0) config.expert_threshold = zynqnn::Nanoseconds{c.threshold_ns};
  config.rule.mad_multiplier = c.mad_multiplier;
  config.rule.min_margin = c.min_margin;
  config.deadline_factor = c.deadline_factor;
  config.max_retries = c.max_retries;
  config.reload_after_broken_frame = true;  // a real kernel (virtual board or board) is behind the C ABI
  if (c.max_retries == 0) config.ladder.clear();  // no retry: no rung is ever climbed (nor the PL reloaded)
  config.escalate_after = c.escalate_after;
  config.canary_interval = c.canary_interval;
  config.use_fallback = c.use_fallback != 0;
  config.pl_probe_interval = c.pl_probe_interval;
  config.detector.enabled = c.detector != 0;
  config.detector.cooldown_calls = c.detector_cooldown_calls;
  config.adaptation.enabled = c.adaptation != 0;
  config.adaptation.cap_factor = c.adaptation_cap;
  config.adaptation.after_slow_calls = c.adaptation_after;
  wd::validate(config);
  return config;
}

// Copies calibration sample `index % samples` of every input stream into the DMA buffers.
wd::InputFiller sample_filler(const zynqnn_watchdog_config& c, zynqnn::Accelerator& accelerator) {
  if (c.calibration_samples == 0) return wd::fill_synthetic;
  std::vector<const std::byte*> streams;
  for (std::size_t i = 0; i < accelerator.inputs().size(); ++i)
    streams.push_back(static_cast<const std::byte*>(c.calibration_inputs[i]));
  const std::size_t samples = c.calibration_samples;
  return [streams, samples](std::uint64_t index, zynqnn::Accelerator& acc) {
    const std::size_t sample = static_cast<std::size_t>(index % samples);
    for (std::size_t i = 0; i < streams.size(); ++i) {
      auto buffer = acc.input_buffer(i);
      const std::size_t bytes = acc.inputs()[i].bytes;
      std::memcpy(buffer.data(), streams[i] + sample * bytes, bytes);
    }
  };
}

void check_calibration_inputs(const zynqnn_watchdog_config& c, std::size_t input_streams) {
  if ((c.calibration_samples == 0) != (c.calibration_inputs == nullptr)) {
    refuse("calibration_inputs", "calibration_inputs and calibration_samples go together (both set or both empty)");
  }
  if (c.calibration_inputs == nullptr) return;
  for (std::size_t i = 0; i < input_streams; ++i) {
    if (c.calibration_inputs[i] == nullptr) {
      refuse("calibration_inputs", fmt::format("entry {} (input stream {}) is NULL", i, i));
    }
  }
}

// The threshold's source: a stored calibration, a new one, or none (expert threshold).
std::optional<wd::Calibration> find_or_make_calibration(const zynqnn_watchdog_config& c, zynqnn_accelerator& handle,
                                                        zynqnn::Accelerator& accelerator,
                                                        const wd::ThresholdRule& rule, const std::string& kernel) {
  if (c.threshold_ns > 0) return std::nullopt;
  const std::filesystem::path stored =
      c.calibration_path ? std::filesystem::path(c.calibration_path) : wd::calibration_path_for(handle.manifest_path);
  const std::string hash = wd::manifest_hash(handle.manifest_path);
  if (c.calibrate_calls > 0) {
    if (c.reuse_calibration) {
      if (auto found = wd::load_matching_calibration(stored, kernel, hash)) return found;
    }
    if (handle.needs_abort) {
      accelerator.abort();
      handle.needs_abort = false;
    }
    wd::Calibration made =
        wd::calibrate(accelerator, c.calibrate_calls, rule, kernel, hash, sample_filler(c, accelerator));
    if (c.save_calibration) wd::save_calibration(stored, made);
    return made;
  }
  if (auto found = wd::load_matching_calibration(stored, kernel, hash)) return found;
  if (std::filesystem::exists(stored)) {
    throw Error(ErrorCode::not_found,
                fmt::format("the calibration was made for another kernel or manifest (this is '{}', manifest hash {}): "
                            "calibrate again (calibrate_calls) or give threshold_ns",
                            kernel, hash),
                stored.string());
  }
  throw Error(ErrorCode::not_found,
              "no threshold: no stored calibration; set calibrate_calls to calibrate now or threshold_ns for an "
              "expert threshold",
              stored.string());
}

void add_sinks(const zynqnn_watchdog_config& c, wd::Watchdog& watchdog) {
  if (c.jsonl_path) watchdog.add_sink(std::make_shared<wd::JsonLinesSink>(c.jsonl_path));
  if (c.syslog) watchdog.add_sink(std::make_shared<wd::SyslogSink>());
  if (c.mqtt_endpoint) {
#ifdef ZYNQNN_HAVE_MQTT
    wd::MqttSinkConfig mqtt = wd::MqttSink::parse_endpoint(c.mqtt_endpoint);
    if (c.mqtt_topic) mqtt.topic = c.mqtt_topic;
    watchdog.add_sink(std::make_shared<wd::MqttSink>(mqtt));
#else
    throw Error(ErrorCode::unsupported, "this build has no MQTT sink (libmosquitto was not found)",
                "zynqnn_watchdog_config.mqtt_endpoint");
#endif
  }
  if (c.callback) {
    zynqnn_alarm_callback callback = c.callback;
    void* user = c.callback_user_data;
    watchdog.add_sink(std::make_shared<wd::CallbackSink>(
        [callback, user](const wd::AlarmEvent& event) { callback(wd::to_json_line(event).c_str(), user); }));
  }
}

// The canary: calibration sample 0, else the synthetic pattern of call 0, recorded on the PL.
void record_canary(const zynqnn_watchdog_config& c, zynqnn::Accelerator& accelerator, wd::Watchdog& watchdog) {
  sample_filler(c, accelerator)(0, accelerator);
  std::vector<std::vector<std::byte>> copies;
  wd::InputViews views;
  for (std::size_t i = 0; i < accelerator.inputs().size(); ++i) {
    auto buffer = accelerator.input_buffer(i).first(accelerator.inputs()[i].bytes);
    copies.emplace_back(buffer.begin(), buffer.end());
  }
  for (const auto& copy : copies) views.emplace_back(copy.data(), copy.size());
  watchdog.set_canary(views);
}

int status_for(wd::Outcome outcome, bool pl_not_tried) {
  if (pl_not_tried) return ZYNQNN_BAD_STATE;
  switch (outcome) {
    case wd::Outcome::hang: return ZYNQNN_TIMEOUT;
    case wd::Outcome::dma_error: return ZYNQNN_DMA_ERROR;
    case wd::Outcome::bad_output: return ZYNQNN_SHORT_OUTPUT;
    default: return ZYNQNN_BAD_STATE;
  }
}

long find_stream(const std::vector<zynqnn::StreamInfo>& streams, const char* name) {
  for (std::size_t i = 0; i < streams.size(); ++i)
    if (streams[i].name == name) return static_cast<long>(i);
  return -1;
}

}  // namespace

extern "C" {

int zynqnn_watchdog_config_init(zynqnn_watchdog_config* config, const char* policy) {
  if (!config) return set_error(ZYNQNN_INVALID_ARGUMENT, "zynqnn_watchdog_config_init: config is NULL");
  return guarded([&] {
    const wd::Policy chosen = policy_of(policy);
    const wd::WatchdogConfig defaults = wd::preset(chosen == wd::Policy::none ? wd::Policy::fixed : chosen);
    std::memset(config, 0, sizeof(*config));
    config->policy = policy_literal(chosen);
    config->reuse_calibration = 1;
    config->save_calibration = 1;
    config->mad_multiplier = defaults.rule.mad_multiplier;
    config->min_margin = defaults.rule.min_margin;
    config->deadline_factor = defaults.deadline_factor;
    config->max_retries = chosen == wd::Policy::none ? 0 : defaults.max_retries;
    config->escalate_after = defaults.escalate_after;
    config->canary_interval = defaults.canary_interval;
    config->detector = defaults.detector.enabled ? 1 : 0;
    config->detector_cooldown_calls = defaults.detector.cooldown_calls;
    config->adaptation = defaults.adaptation.enabled ? 1 : 0;
    config->adaptation_cap = defaults.adaptation.cap_factor;
    config->adaptation_after = defaults.adaptation.after_slow_calls;
    config->use_fallback = 0;  // opt-in: only where a CPU fallback exists
    config->pl_probe_interval = defaults.pl_probe_interval;
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_watchdog_create(zynqnn_accelerator* accelerator, const zynqnn_watchdog_config* config,
                           zynqnn_watchdog** out) {
  if (!accelerator || !config || !out) {
    return set_error(ZYNQNN_INVALID_ARGUMENT, "zynqnn_watchdog_create: accelerator, config and out must not be NULL");
  }
  *out = nullptr;
  if (accelerator->close_pending) return set_error(ZYNQNN_BAD_STATE, "zynqnn_watchdog_create: the accelerator is closed");
  return guarded([&] {
    const zynqnn_watchdog_config& c = *config;
    const wd::Policy policy = policy_of(c.policy);
    wd::WatchdogConfig settings = watchdog_config(c, policy);
    // Calibration and the canary run on the device: no other thread's call between them.
    const zynqnn::SharedAccelerator::Session session = accelerator->device->acquire(zynqnn::capi::kDeviceWait);
    zynqnn::Accelerator& acc = *session;
    check_calibration_inputs(c, acc.inputs().size());
    wd::check_manifest_for_reload(read_manifest_json(accelerator->manifest_path), settings,
                                  accelerator->manifest_path);
    const std::string kernel =
        c.kernel ? std::string(c.kernel) : zynqnn::manifest::load_manifest(accelerator->manifest_path).kernel;
    wd::CpuFallback fallback;
    if (settings.use_fallback) fallback = zynqnn::capi::cpu_fallback_for(accelerator->manifest_path, acc);

    auto handle = std::make_unique<zynqnn_watchdog>();
    handle->owner = accelerator;
    handle->manifest_path = accelerator->manifest_path;
    handle->calibration = find_or_make_calibration(c, *accelerator, acc, settings.rule, kernel);
    handle->watchdog = std::make_unique<wd::Watchdog>(acc, settings, handle->calibration, kernel);
    add_sinks(c, *handle->watchdog);
    if (fallback) handle->watchdog->set_fallback(std::move(fallback));
    if (accelerator->needs_abort) {
      acc.abort();
      accelerator->needs_abort = false;
    }
    if (settings.canary_interval > 0) record_canary(c, acc, *handle->watchdog);
    accelerator->references.fetch_add(1, std::memory_order_relaxed);
    *out = handle.release();
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_watchdog_shutdown(zynqnn_watchdog* watchdog) {
  if (!watchdog) return set_error(ZYNQNN_INVALID_ARGUMENT, "watchdog handle is NULL");
  watchdog->closed.store(true);
  return guarded([&] {
    // A watched call holds the device lock throughout: once the lock is had, none is in flight,
    // and every later one sees `closed`. A closed device runs no call either.
    if (watchdog->owner->device->closing()) return static_cast<int>(ZYNQNN_OK);
    try {
      const zynqnn::SharedAccelerator::Session session = watchdog->owner->device->acquire(zynqnn::capi::kDeviceWait);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::bad_state) throw;  // closed meanwhile: nothing in flight
    }
    return static_cast<int>(ZYNQNN_OK);
  });
}

void zynqnn_watchdog_destroy(zynqnn_watchdog* watchdog) {
  if (!watchdog) return;
  // A call that kept the device past the wait is left its watchdog rather than freed under it.
  if (zynqnn_watchdog_shutdown(watchdog) != ZYNQNN_OK) return;
  zynqnn_accelerator* owner = watchdog->owner;
  delete watchdog;
  zynqnn::capi::release_reference(owner);
}

int zynqnn_watchdog_process(zynqnn_watchdog* watchdog, size_t input_count, const char* const* input_names,
                            const void* const* inputs, const size_t* input_bytes, size_t output_count,
                            const char* const* output_names, void* const* outputs, const size_t* output_bytes,
                            zynqnn_watchdog_result* result) {
  if (!watchdog) return set_error(ZYNQNN_INVALID_ARGUMENT, "watchdog handle is NULL");
  if (watchdog->closed.load()) return set_error(ZYNQNN_BAD_STATE, "the watchdog is closed");
  if (watchdog->owner->close_pending) return set_error(ZYNQNN_BAD_STATE, "the watchdog's accelerator is closed");
  return guarded([&] {
    const zynqnn::SharedAccelerator& device = *watchdog->owner->device;
    const auto& in_streams = device.inputs();
    const auto& out_streams = device.outputs();
    if (input_count != in_streams.size()) {
      return set_error(ZYNQNN_INVALID_ARGUMENT,
                       fmt::format("expected {} inputs, got {}", in_streams.size(), input_count));
    }
    // Everything is checked before anything runs: a wrong call leaves no trace.
    wd::InputViews views(in_streams.size());
    std::vector<bool> seen(in_streams.size(), false);
    for (size_t i = 0; i < input_count; ++i) {
      if (!input_names || !input_names[i] || !inputs || !inputs[i] || !input_bytes)
        return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("input {}: NULL name, data or size", i));
      const long k = find_stream(in_streams, input_names[i]);
      if (k < 0) return set_error(ZYNQNN_NOT_FOUND, fmt::format("no input stream named '{}'", input_names[i]));
      if (seen[k]) return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("input '{}' given twice", input_names[i]));
      seen[k] = true;
      if (input_bytes[i] != in_streams[k].bytes) {
        return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("input '{}': {} bytes, expected {}", input_names[i],
                                                              input_bytes[i], in_streams[k].bytes));
      }
      views[k] = std::span<const std::byte>(static_cast<const std::byte*>(inputs[i]), input_bytes[i]);
    }
    std::vector<long> out_index(output_count);
    for (size_t j = 0; j < output_count; ++j) {
      if (!output_names || !output_names[j] || !outputs || !outputs[j] || !output_bytes)
        return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("output {}: NULL name, data or size", j));
      out_index[j] = find_stream(out_streams, output_names[j]);
      if (out_index[j] < 0)
        return set_error(ZYNQNN_NOT_FOUND, fmt::format("no output stream named '{}'", output_names[j]));
      if (output_bytes[j] != out_streams[out_index[j]].bytes) {
        return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("output '{}': {} bytes, expected {}", output_names[j],
                                                              output_bytes[j], out_streams[out_index[j]].bytes));
      }
    }
    zynqnn_accelerator& owner = *watchdog->owner;
    const zynqnn::SharedAccelerator::Session session = owner.device->acquire(zynqnn::capi::kDeviceWait);
    if (watchdog->closed.load()) return set_error(ZYNQNN_BAD_STATE, "the watchdog is closed");
    if (owner.needs_abort) {  // a failed zynqnn_run left the DMA mid-transfer
      session->abort();
      owner.needs_abort = false;
    }
    const wd::CallReport report = watchdog->watchdog->process(watchdog->next_index++, views);
    if (result) {
      std::memset(result, 0, sizeof(*result));
      result->index = report.index;
      result->outcome = static_cast<int32_t>(report.outcome);
      result->delivered = report.delivered ? 1 : 0;
      result->fallback = report.fallback ? 1 : 0;
      result->canary = report.canary ? static_cast<int32_t>(*report.canary) : -1;
      result->attempts = report.attempts;
      result->action_count = copy_actions(result->actions, report.actions);
      result->latency_ns = report.first_latency.count();
      result->elapsed_ns = report.elapsed.count();
      result->recovery_ns = report.recovery.count();
      result->threshold_ns = watchdog->watchdog->threshold().count();
      copy_text(result->detail, sizeof(result->detail), report.detail);
    }
    if (!report.delivered) {
      return set_error(status_for(report.outcome, report.attempts == 0),
                       fmt::format("call {} not answered ({}): {}", report.index, wd::to_string(report.outcome),
                                   report.detail));
    }
    for (size_t j = 0; j < output_count; ++j) {
      const auto& answer = report.outputs.at(static_cast<std::size_t>(out_index[j]));
      std::memcpy(outputs[j], answer.data(), output_bytes[j]);
    }
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_watchdog_counters_get(const zynqnn_watchdog* watchdog, zynqnn_watchdog_counters* counters) {
  if (!watchdog || !counters) return set_error(ZYNQNN_INVALID_ARGUMENT, "watchdog and counters must not be NULL");
  const wd::Watchdog& w = *watchdog->watchdog;
  const wd::WatchdogCounters n = w.counters();
  std::memset(counters, 0, sizeof(*counters));
  counters->calls = n.calls;
  for (int k = 0; k < wd::kOutcomeCount; ++k) counters->outcomes[k] = n.outcomes[k];
  counters->attempts = n.attempts;
  counters->aborts = n.aborts;
  counters->reconfigurations = n.reconfigurations;
  counters->proactive_reconfigurations = n.proactive_reconfigurations;
  counters->fallbacks = n.fallbacks;
  counters->failures = n.failures;
  counters->alarms = n.alarms;
  counters->sink_errors = n.sink_errors;
  counters->canaries = n.canaries;
  counters->adaptations = n.adaptations;
  counters->threshold_ns = w.threshold().count();
  counters->calibrated_threshold_ns = w.calibrated_threshold().count();
  counters->deadline_ns = w.deadline().count();
  counters->pl_down = w.pl_down() ? 1 : 0;
  return ZYNQNN_OK;
}

int zynqnn_watchdog_failure_count(const zynqnn_watchdog* watchdog, size_t* count) {
  if (!watchdog || !count) return set_error(ZYNQNN_INVALID_ARGUMENT, "watchdog and count must not be NULL");
  *count = watchdog->watchdog->failure_count();
  return ZYNQNN_OK;
}

int zynqnn_watchdog_failure_get(const zynqnn_watchdog* watchdog, size_t index, zynqnn_watchdog_failure* failure) {
  if (!watchdog || !failure) return set_error(ZYNQNN_INVALID_ARGUMENT, "watchdog and failure must not be NULL");
  return guarded([&] {
    const wd::FailureRecord record = watchdog->watchdog->failure(index);
    std::memset(failure, 0, sizeof(*failure));
    failure->index = record.index;
    failure->outcome = static_cast<int32_t>(record.outcome);
    failure->attempts = record.attempts;
    failure->action_count = copy_actions(failure->actions, record.actions);
    failure->time_ns = record.time.count();
    copy_text(failure->detail, sizeof(failure->detail), record.detail);
    return static_cast<int>(ZYNQNN_OK);
  });
}

int zynqnn_watchdog_calibration_get(const zynqnn_watchdog* watchdog, zynqnn_watchdog_calibration* calibration) {
  if (!watchdog || !calibration)
    return set_error(ZYNQNN_INVALID_ARGUMENT, "watchdog and calibration must not be NULL");
  std::memset(calibration, 0, sizeof(*calibration));
  if (!watchdog->calibration) {
    calibration->threshold_ns = watchdog->watchdog->calibrated_threshold().count();
    return ZYNQNN_OK;
  }
  const wd::Calibration& c = *watchdog->calibration;
  calibration->available = 1;
  calibration->calls = c.calls;
  calibration->min_ns = c.latency.min.count();
  calibration->median_ns = c.latency.median.count();
  calibration->mad_ns = c.latency.mad.count();
  calibration->p99_ns = c.latency.p99.count();
  calibration->max_ns = c.latency.max.count();
  calibration->log_sigma = c.log_sigma;
  calibration->threshold_ns = c.threshold.count();
  return ZYNQNN_OK;
}

int zynqnn_watchdog_save_calibration(const zynqnn_watchdog* watchdog, const char* path) {
  if (!watchdog) return set_error(ZYNQNN_INVALID_ARGUMENT, "watchdog handle is NULL");
  return guarded([&] {
    if (!watchdog->calibration) {
      return set_error(ZYNQNN_BAD_STATE, "the threshold is an expert's: there is no calibration to save");
    }
    const std::filesystem::path to = path ? std::filesystem::path(path) : wd::calibration_path_for(watchdog->manifest_path);
    wd::save_calibration(to, *watchdog->calibration);
    return static_cast<int>(ZYNQNN_OK);
  });
}

const char* zynqnn_outcome_name(int outcome) {
  if (outcome < 0 || outcome >= wd::kOutcomeCount) return "unknown";
  return wd::to_string(static_cast<wd::Outcome>(outcome)).data();
}

const char* zynqnn_action_name(int action) {
  if (action < 0 || action > static_cast<int>(wd::Action::canary)) return "unknown";
  return wd::to_string(static_cast<wd::Action>(action)).data();
}

}  // extern "C"
