#pragma once
// Escalation events and where they go: a callback, a JSON-lines log file, syslog(3); MQTT
// lives in its own library (mqtt_sink.hpp) because libmosquitto is optional.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/watchdog/outcome.hpp"

namespace zynqnn::watchdog {

enum class AlarmKind {
  escalation,         // K consecutive anomalous calls
  pl_down,            // the ladder could not heal the PL: the CPU fallback answers
  pl_recovered,       // a probe found the PL healthy again
  drift,              // the detector flagged a drift and the PL was reconfigured proactively
  threshold_adapted,  // the threshold was raised (bounded)
};
std::string_view to_string(AlarmKind kind) noexcept;

struct AlarmEvent {
  AlarmKind kind = AlarmKind::escalation;
  std::string kernel;
  Nanoseconds time{0};  // board clock
  std::uint64_t input_index = 0;
  Outcome outcome = Outcome::ok;
  std::size_t consecutive_anomalies = 0;
  Nanoseconds threshold{0};
  std::string detail;
};
nlohmann::json to_json(const AlarmEvent& event);
std::string to_json_line(const AlarmEvent& event);  // one line, no newline

class AlarmSink {
 public:
  virtual ~AlarmSink() = default;
  // May throw zynqnn::Error(io/timeout); the watchdog counts it and carries on.
  virtual void publish(const AlarmEvent& event) = 0;
};

class CallbackSink final : public AlarmSink {
 public:
  explicit CallbackSink(std::function<void(const AlarmEvent&)> callback);
  void publish(const AlarmEvent& event) override;

 private:
  std::function<void(const AlarmEvent&)> callback_;
};

// Appends one JSON object per line and flushes it (a crash loses at most the line being written).
class JsonLinesSink final : public AlarmSink {
 public:
  explicit JsonLinesSink(const std::filesystem::path& path);  // Error(io) when it cannot open
  ~JsonLinesSink() override;
  JsonLinesSink(const JsonLinesSink&) = delete;
  JsonLinesSink& operator=(const JsonLinesSink&) = delete;
  void publish(const AlarmEvent& event) override;

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  std::string path_;
};

// syslog(3), facility LOG_USER, identity "zynqnn", priority LOG_ALERT for pl_down, LOG_WARNING
// otherwise; the message is the event's JSON.
class SyslogSink final : public AlarmSink {
 public:
  SyslogSink();
  ~SyslogSink() override;
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;
  void publish(const AlarmEvent& event) override;
};

}  // namespace zynqnn::watchdog
