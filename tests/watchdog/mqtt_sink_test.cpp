// A real mosquitto broker on a free loopback port receives the watchdog's escalation alarm.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "watchdog_test_support.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/mqtt_sink.hpp"

extern char** environ;

namespace zynqnn::watchdog {
namespace {

constexpr const char* kBroker = "/usr/sbin/mosquitto";

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

class Broker {
 public:
  explicit Broker(int port) {
    const std::string port_text = std::to_string(port);
    char* argv[] = {const_cast<char*>(kBroker), const_cast<char*>("-p"), const_cast<char*>(port_text.c_str()), nullptr};
    // The broker's log lines would drown the test's own output.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    if (::posix_spawn(&pid_, kBroker, &actions, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Broker() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// A subscriber on libmosquitto: connects, subscribes, and collects the first message.
struct Subscriber {
  mosquitto* client = nullptr;
  bool subscribed = false;
  std::string payload;
  std::string topic;

  bool start(int port, const std::string& wanted_topic) {
    client = mosquitto_new(nullptr, true, this);
    mosquitto_subscribe_callback_set(client, [](mosquitto*, void* self, int, int, const int*) {
      static_cast<Subscriber*>(self)->subscribed = true;
    });
    mosquitto_message_callback_set(client, [](mosquitto*, void* self, const mosquitto_message* message) {
      auto* s = static_cast<Subscriber*>(self);
      if (s->payload.empty()) {
        s->payload.assign(static_cast<const char*>(message->payload), static_cast<std::size_t>(message->payloadlen));
        s->topic = message->topic;
      }
    });
    if (mosquitto_connect(client, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS) return false;
    mosquitto_subscribe(client, nullptr, wanted_topic.c_str(), 1);
    return pump([this] { return subscribed; });
  }
  template <typename Done>
  bool pump(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) mosquitto_loop(client, 50, 1);
    return done();
  }
  ~Subscriber() {
    if (client != nullptr) mosquitto_destroy(client);
  }
};

TEST(MqttSink, BrokerOnLoopbackReceivesTheEscalationAlarm) {
  if (!std::filesystem::exists(kBroker)) {
    GTEST_SKIP() << kBroker << " is missing: install the Debian package 'mosquitto' to run this test";
  }
  mosquitto_lib_init();
  const int port = free_port();
  Broker broker(port);
  ASSERT_TRUE(broker.started());

  // The broker needs a moment to listen: connect with retries, bounded.
  std::unique_ptr<MqttSink> sink;
  MqttSinkConfig config;
  config.port = port;
  config.topic = "zynqnn/test/alarm";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!sink) {
    try {
      sink = std::make_unique<MqttSink>(config);
    } catch (const Error&) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the broker did not accept connections";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  Subscriber subscriber;
  ASSERT_TRUE(subscriber.start(port, config.topic));

  ModelAccelerator accelerator(testing::exact_model());
  WatchdogConfig wc;
  wc.escalate_after = 2;
  Watchdog watchdog(accelerator, wc, testing::calibrated(accelerator), "loopback");
  watchdog.add_sink(std::shared_ptr<MqttSink>(std::move(sink)));
  for (std::uint64_t i = 0; i < 2; ++i) {
    accelerator.inject({FaultKind::hang});
    watchdog.process(i, testing::views_of(testing::counting_input(accelerator, 1)));
  }
  EXPECT_EQ(watchdog.counters().alarms, 1u);
  EXPECT_EQ(watchdog.counters().sink_errors, 0u);

  ASSERT_TRUE(subscriber.pump([&] { return !subscriber.payload.empty(); })) << "no message within 10 s";
  EXPECT_EQ(subscriber.topic, config.topic);
  const auto json = nlohmann::json::parse(subscriber.payload);
  EXPECT_EQ(json["event"], "escalation");
  EXPECT_EQ(json["kernel"], "loopback");
  EXPECT_EQ(json["outcome"], "hang");
  EXPECT_EQ(json["input_index"], 1);
  EXPECT_EQ(json["consecutive_anomalies"], 2);
}

TEST(MqttSink, UnreachableBrokerIsAnIoErrorNamingTheEndpoint) {
  MqttSinkConfig config;
  config.port = free_port();  // nobody listens there
  config.timeout = std::chrono::milliseconds(500);
  try {
    MqttSink sink(config);
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_TRUE(error.code() == ErrorCode::io || error.code() == ErrorCode::timeout);
    EXPECT_NE(error.where().find(std::to_string(config.port)), std::string::npos) << error.where();
  }
}

TEST(MqttSink, EndpointParsing) {
  const auto config = MqttSink::parse_endpoint("broker.local:1884");
  EXPECT_EQ(config.host, "broker.local");
  EXPECT_EQ(config.port, 1884);
  EXPECT_THROW(MqttSink::parse_endpoint("broker.local"), Error);
  EXPECT_THROW(MqttSink::parse_endpoint("host:0"), Error);
  EXPECT_THROW(MqttSink::parse_endpoint("host:99999"), Error);
  EXPECT_THROW(MqttSink::parse_endpoint("host:12ab"), Error);
}

}  // namespace
}  // namespace zynqnn::watchdog
