#include "zynqnn/watchdog/mqtt_sink.hpp"

#include <fmt/format.h>
#include <mosquitto.h>

#include <charconv>
#include <functional>
#include <mutex>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

MqttSinkConfig MqttSink::parse_endpoint(const std::string& endpoint) {
  const auto colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == endpoint.size()) {
    throw Error(ErrorCode::invalid_argument, fmt::format("expected HOST:PORT, got '{}'", endpoint), "--mqtt");
  }
  MqttSinkConfig config;
  config.host = endpoint.substr(0, colon);
  int port = 0;
  const char* first = endpoint.data() + colon + 1;
  const char* last = endpoint.data() + endpoint.size();
  auto [end, error] = std::from_chars(first, last, port);
  if (error != std::errc{} || end != last || port <= 0 || port > 65535) {
    throw Error(ErrorCode::invalid_argument, fmt::format("bad port in '{}' (1..65535)", endpoint), "--mqtt");
  }
  config.port = port;
  return config;
}

MqttSink::MqttSink(MqttSinkConfig config) : config_(std::move(config)) {
  if (config_.topic.empty()) throw Error(ErrorCode::invalid_argument, "the MQTT topic is empty", "MqttSink");
  init_library_once();
  client_ = mosquitto_new(config_.client_id.empty() ? nullptr : config_.client_id.c_str(), true, this);
  if (client_ == nullptr) throw Error(ErrorCode::io, "mosquitto_new failed", "MqttSink");
  mosquitto_connect_callback_set(client_, [](::mosquitto*, void* self, int rc) {
    auto* sink = static_cast<MqttSink*>(self);
    sink->connect_result_ = rc;
    sink->connected_ = rc == 0;
  });
  mosquitto_disconnect_callback_set(client_, [](::mosquitto*, void* self, int) {
    static_cast<MqttSink*>(self)->connected_ = false;
  });
  mosquitto_publish_callback_set(client_, [](::mosquitto*, void* self, int mid) {
    static_cast<MqttSink*>(self)->last_acked_mid_ = mid;
  });
  try {
    connect();
  } catch (...) {
    mosquitto_destroy(client_);
    throw;
  }
}

MqttSink::~MqttSink() {
  if (connected_) {
    mosquitto_disconnect(client_);
    mosquitto_loop(client_, 100, 1);
  }
  mosquitto_destroy(client_);
}

void MqttSink::pump_until(const char* what, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + config_.timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error(ErrorCode::timeout, fmt::format("no {} within {} ms", what, config_.timeout.count()),
                  fmt::format("mqtt {}:{}", config_.host, config_.port));
    }
    const int rc = mosquitto_loop(client_, 50, 1);
    if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
      connected_ = false;
      throw Error(ErrorCode::io, fmt::format("waiting for {}: {}", what, mosquitto_strerror(rc)),
                  fmt::format("mqtt {}:{}", config_.host, config_.port));
    }
  }
}

void MqttSink::connect() {
  connect_result_ = -1;
  const int keepalive = 30;
  const int rc = mosquitto_connect(client_, config_.host.c_str(), config_.port, keepalive);
  if (rc != MOSQ_ERR_SUCCESS) {
    throw Error(ErrorCode::io, fmt::format("cannot connect: {}", mosquitto_strerror(rc)),
                fmt::format("mqtt {}:{}", config_.host, config_.port));
  }
  pump_until("CONNACK", [this] { return connect_result_ != -1; });
  if (connect_result_ != 0) {
    throw Error(ErrorCode::io, fmt::format("the broker refused the connection: {}", mosquitto_connack_string(connect_result_)),
                fmt::format("mqtt {}:{}", config_.host, config_.port));
  }
}

void MqttSink::publish(const AlarmEvent& event) {
  if (!connected_) {
    const int rc = mosquitto_reconnect(client_);
    if (rc != MOSQ_ERR_SUCCESS) {
      throw Error(ErrorCode::io, fmt::format("cannot reconnect: {}", mosquitto_strerror(rc)),
                  fmt::format("mqtt {}:{}", config_.host, config_.port));
    }
    connect_result_ = -1;
    pump_until("CONNACK", [this] { return connect_result_ != -1; });
    if (connect_result_ != 0) throw Error(ErrorCode::io, "the broker refused the reconnection", config_.host);
  }
  const std::string payload = to_json_line(event);
  int mid = 0;
  const int rc = mosquitto_publish(client_, &mid, config_.topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), 1, false);
  if (rc != MOSQ_ERR_SUCCESS) {
    connected_ = false;
    throw Error(ErrorCode::io, fmt::format("publish failed: {}", mosquitto_strerror(rc)),
                fmt::format("mqtt {}:{} topic {}", config_.host, config_.port, config_.topic));
  }
  pump_until("PUBACK", [this, mid] { return last_acked_mid_ == mid; });
}

}  // namespace zynqnn::watchdog
