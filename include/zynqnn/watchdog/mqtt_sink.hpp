#pragma once
// Alarms over MQTT (libmosquitto): the fog node reports to the next layer. Available when the
// build found libmosquitto (target zynqnn_watchdog_mqtt, define ZYNQNN_HAVE_MQTT).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "zynqnn/watchdog/alarm.hpp"

struct mosquitto;

namespace zynqnn::watchdog {

struct MqttSinkConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string topic = "zynqnn/alarm";
  std::string client_id;  // empty: the broker assigns one
  std::chrono::milliseconds timeout{2000};  // bound on connecting and on each publish's PUBACK
};

// Publishes each event's JSON with QoS 1 and waits (bounded) for the broker's PUBACK.
// Reconnects on the next publish when the connection was lost.
class MqttSink final : public AlarmSink {
 public:
  // Connects; Error(io) naming host:port when the broker cannot be reached in time.
  explicit MqttSink(MqttSinkConfig config);
  ~MqttSink() override;
  MqttSink(const MqttSink&) = delete;
  MqttSink& operator=(const MqttSink&) = delete;
  // Error(io) or Error(timeout) when the broker did not acknowledge in time.
  void publish(const AlarmEvent& event) override;

  // "host:port" -> config (Error(invalid_argument) for a bad form or port).
  static MqttSinkConfig parse_endpoint(const std::string& endpoint);

 private:
  void connect();
  void pump_until(const char* what, const std::function<bool()>& done);

  MqttSinkConfig config_;
  ::mosquitto* client_ = nullptr;
  bool connected_ = false;
  int last_acked_mid_ = -1;
  int connect_result_ = -1;
};

}  // namespace zynqnn::watchdog
