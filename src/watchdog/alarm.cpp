#include "zynqnn/watchdog/alarm.hpp"

#include <fmt/format.h>
#include <syslog.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {

std::string_view to_string(AlarmKind kind) noexcept {
  switch (kind) {
    case AlarmKind::escalation: return "escalation";
    case AlarmKind::pl_down: return "pl_down";
    case AlarmKind::pl_recovered: return "pl_recovered";
    case AlarmKind::drift: return "drift";
    case AlarmKind::threshold_adapted: return "threshold_adapted";
  }
  return "unknown";
}

nlohmann::json to_json(const AlarmEvent& event) {
  return {
      {"event", std::string(to_string(event.kind))},
      {"kernel", event.kernel},
      {"time_ns", event.time.count()},
      {"input_index", event.input_index},
      {"outcome", std::string(to_string(event.outcome))},
      {"consecutive_anomalies", event.consecutive_anomalies},
      {"threshold_ns", event.threshold.count()},
      {"detail", event.detail},
  };
}

std::string to_json_line(const AlarmEvent& event) { return to_json(event).dump(); }

CallbackSink::CallbackSink(std::function<void(const AlarmEvent&)> callback) : callback_(std::move(callback)) {
  if (!callback_) throw Error(ErrorCode::invalid_argument, "the alarm callback is empty", "CallbackSink");
}

void CallbackSink::publish(const AlarmEvent& event) { callback_(event); }

JsonLinesSink::JsonLinesSink(const std::filesystem::path& path) : path_(path.string()) {
  file_ = std::fopen(path_.c_str(), "a");
  if (file_ == nullptr) {
    throw Error(ErrorCode::io, fmt::format("cannot open the event log: {}", std::strerror(errno)), path_);
  }
}

JsonLinesSink::~JsonLinesSink() {
  if (file_ != nullptr) std::fclose(file_);
}

void JsonLinesSink::publish(const AlarmEvent& event) {
  const std::string line = to_json_line(event) + "\n";
  std::lock_guard lock(mutex_);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    throw Error(ErrorCode::io, fmt::format("cannot append to the event log: {}", std::strerror(errno)), path_);
  }
}

SyslogSink::SyslogSink() { openlog("zynqnn", LOG_PID | LOG_NDELAY, LOG_USER); }

SyslogSink::~SyslogSink() { closelog(); }

void SyslogSink::publish(const AlarmEvent& event) {
  const int priority = event.kind == AlarmKind::pl_down ? LOG_ALERT : LOG_WARNING;
  const std::string line = to_json_line(event);
  syslog(priority, "%s", line.c_str());
}

}  // namespace zynqnn::watchdog
