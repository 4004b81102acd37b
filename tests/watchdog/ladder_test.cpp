// The recovery ladder end to end: abort, reconfigure, retry, fallback, failure records, and
// escalation to the sinks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "watchdog_test_support.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/loopback_fallback.hpp"

namespace zynqnn::watchdog {
namespace {

using testing::calibrated;
using testing::counting_input;
using testing::exact_model;
using testing::views_of;

TEST(WatchdogLadder, TransientHangIsHealedByAnAbortAndOneRetry) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::hang});
  const auto input = counting_input(accelerator, 1);
  CallReport report = watchdog.process(7, views_of(input));
  EXPECT_EQ(report.outcome, Outcome::hang);
  EXPECT_EQ(report.attempt_outcomes, (std::vector<Outcome>{Outcome::hang, Outcome::ok}));
  EXPECT_EQ(report.actions, (std::vector<Action>{Action::abort, Action::retry}));
  EXPECT_TRUE(report.delivered);
  EXPECT_TRUE(testing::same_bytes(report.outputs[0], input));
  EXPECT_GT(report.recovery.count(), 0);
  EXPECT_EQ(accelerator.stats().reconfigurations, 0u);
}

TEST(WatchdogLadder, FaultPersistingUntilReconfigurationClimbsTheWholeLadder) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::hang, true});
  const auto input = counting_input(accelerator, 2);
  const auto generation = accelerator.board().generation();
  CallReport report = watchdog.process(0, views_of(input));
  EXPECT_EQ(report.attempt_outcomes, (std::vector<Outcome>{Outcome::hang, Outcome::hang, Outcome::ok}));
  EXPECT_EQ(report.actions,
            (std::vector<Action>{Action::abort, Action::retry, Action::reconfigure, Action::retry}));
  EXPECT_TRUE(report.delivered);
  EXPECT_TRUE(testing::same_bytes(report.outputs[0], input));
  EXPECT_EQ(accelerator.board().generation(), generation + 1);
  // The recovery includes the PL reload (120 ms on the model).
  EXPECT_GE(report.recovery, ModelAcceleratorConfig{}.reconfigure_time);
  // The next input goes through untouched.
  CallReport next = watchdog.process(1, views_of(counting_input(accelerator, 3)));
  EXPECT_EQ(next.outcome, Outcome::ok);
  EXPECT_TRUE(next.actions.empty());
}

TEST(WatchdogLadder, PersistentDmaErrorIsHealedByReconfiguration) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  accelerator.inject({FaultKind::bus_error, true});
  CallReport report = watchdog.process(0, views_of(counting_input(accelerator, 4)));
  EXPECT_EQ(report.outcome, Outcome::dma_error);
  EXPECT_EQ(report.attempts, 3u);
  EXPECT_TRUE(report.delivered);
}

TEST(WatchdogLadder, UnhealableInputBecomesAFailureRecordNeverSilentlyLost) {
  ModelAccelerator accelerator(exact_model());
  Watchdog watchdog(accelerator, WatchdogConfig{}, calibrated(accelerator));
  InjectedFault broken{FaultKind::hang, true};
  broken.survives_reconfigure = true;
  accelerator.inject(broken);
  CallReport report = watchdog.process(11, views_of(counting_input(accelerator, 5)));
  EXPECT_FALSE(report.delivered);
  EXPECT_TRUE(report.outputs.empty());
  EXPECT_EQ(report.attempts, 3u);
  ASSERT_EQ(watchdog.failures().size(), 1u);
  const FailureRecord& record = watchdog.failures()[0];
  EXPECT_EQ(record.index, 11u);
  EXPECT_EQ(record.outcome, Outcome::hang);
  EXPECT_EQ(record.attempts, 3u);
  EXPECT_NE(std::find(record.actions.begin(), record.actions.end(), Action::reconfigure), record.actions.end());
  EXPECT_GT(record.time.count(), 0);
  // The accelerator was left usable: the next call does not trip over an un-aborted DMA.
  accelerator.clear_faults();
  EXPECT_EQ(watchdog.process(12, views_of(counting_input(accelerator, 6))).outcome, Outcome::ok);
}

TEST(WatchdogLadder, CpuFallbackAnswersWhileThePlIsDownAndProbesItBack) {
  ModelAccelerator accelerator(exact_model());
  WatchdogConfig config;
  config.use_fallback = true;
  config.pl_probe_interval = 4;
  Watchdog watchdog(accelerator, config, calibrated(accelerator));
  watchdog.set_fallback(loopback_fallback());
  std::vector<AlarmEvent> events;
  watchdog.add_sink(std::make_shared<CallbackSink>([&](const AlarmEvent& e) { events.push_back(e); }));
  InjectedFault broken{FaultKind::bus_error, true};
  broken.survives_reconfigure = true;
  accelerator.inject(broken);

  const auto input = counting_input(accelerator, 9);
  CallReport first = watchdog.process(0, views_of(input));
  EXPECT_TRUE(first.delivered);
  EXPECT_TRUE(first.fallback);
  EXPECT_TRUE(testing::same_bytes(first.outputs[0], input));
  EXPECT_TRUE(watchdog.pl_down());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, AlarmKind::pl_down);

  // While down: answered from the CPU without touching the PL.
  const auto runs = accelerator.stats().runs;
  CallReport second = watchdog.process(1, views_of(counting_input(accelerator, 10)));
  EXPECT_TRUE(second.fallback);
  EXPECT_EQ(second.attempts, 0u);
  EXPECT_EQ(second.outcome, Outcome::dma_error);
  EXPECT_EQ(accelerator.stats().runs, runs);

  // The PL gets well; the next probe brings it back.
  accelerator.clear_faults();
  bool back = false;
  for (std::uint64_t i = 2; i < 2 + config.pl_probe_interval && !back; ++i) {
    CallReport r = watchdog.process(i, views_of(counting_input(accelerator, static_cast<std::uint32_t>(i))));
    EXPECT_TRUE(r.delivered);
    back = !r.fallback;
  }
  EXPECT_TRUE(back);
  EXPECT_FALSE(watchdog.pl_down());
  EXPECT_EQ(events.back().kind, AlarmKind::pl_recovered);
  EXPECT_TRUE(watchdog.failures().empty());
}

TEST(WatchdogLadder, CpuFallbackComputesWhatThePlComputes) {
  ModelAccelerator accelerator(exact_model());
  const auto input = counting_input(accelerator, 77);
  std::memcpy(accelerator.input_buffer(0).data(), input.data(), input.size());
  ASSERT_EQ(accelerator.run(std::chrono::milliseconds(1)).status, CallStatus::ok);
  const auto pl = accelerator.output_buffer(0);
  std::vector<std::byte> cpu(input.size());
  loopback_fallback()(views_of(input), OutputViews{std::span<std::byte>(cpu)});
  EXPECT_TRUE(testing::same_bytes(pl, cpu));
}

TEST(WatchdogEscalation, KConsecutiveAnomaliesRaiseOneAlarmOnEverySink) {
  ModelAccelerator accelerator(exact_model());
  WatchdogConfig config;
  config.escalate_after = 3;
  Watchdog watchdog(accelerator, config, calibrated(accelerator), "loopback");
  std::vector<AlarmEvent> events;
  watchdog.add_sink(std::make_shared<CallbackSink>([&](const AlarmEvent& e) { events.push_back(e); }));
  const auto log = std::filesystem::temp_directory_path() / fmt::format("zynqnn_alarm_{}.jsonl", ::getpid());
  std::filesystem::remove(log);
  watchdog.add_sink(std::make_shared<JsonLinesSink>(log));
  watchdog.add_sink(std::make_shared<SyslogSink>());

  for (std::uint64_t i = 0; i < 2; ++i) {
    accelerator.inject({FaultKind::hang});
    watchdog.process(i, views_of(counting_input(accelerator, 1)));
  }
  EXPECT_TRUE(events.empty());
  accelerator.inject({FaultKind::extra_words});
  CallReport third = watchdog.process(2, views_of(counting_input(accelerator, 1)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AlarmKind::escalation);
  EXPECT_EQ(events[0].consecutive_anomalies, 3u);
  EXPECT_EQ(events[0].input_index, 2u);
  EXPECT_EQ(events[0].outcome, Outcome::dma_error);
  EXPECT_EQ(events[0].kernel, "loopback");
  EXPECT_NE(std::find(third.actions.begin(), third.actions.end(), Action::alarm), third.actions.end());
  EXPECT_EQ(watchdog.counters().sink_errors, 0u);

  std::ifstream in(log);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["event"], "escalation");
  EXPECT_EQ(json["outcome"], "dma_error");
  EXPECT_EQ(json["input_index"], 2);
  EXPECT_FALSE(std::getline(in, line));
  std::filesystem::remove(log);

  // An ok call ends the streak; a fresh streak must reach K again.
  watchdog.process(3, views_of(counting_input(accelerator, 1)));
  accelerator.inject({FaultKind::hang});
  watchdog.process(4, views_of(counting_input(accelerator, 1)));
  EXPECT_EQ(events.size(), 1u);
}

TEST(WatchdogEscalation, AFailingSinkDoesNotStopTheWatchdog) {
  ModelAccelerator accelerator(exact_model());
  WatchdogConfig config;
  config.escalate_after = 1;
  Watchdog watchdog(accelerator, config, calibrated(accelerator));
  watchdog.add_sink(std::make_shared<CallbackSink>([](const AlarmEvent&) { throw Error(ErrorCode::io, "down"); }));
  accelerator.inject({FaultKind::hang});
  CallReport report = watchdog.process(0, views_of(counting_input(accelerator, 1)));
  EXPECT_TRUE(report.delivered);
  EXPECT_EQ(watchdog.counters().sink_errors, 1u);
}

TEST(WatchdogEscalation, EventLogThatCannotBeOpenedIsAnIoError) {
  try {
    JsonLinesSink sink("/nonexistent-dir/zynqnn/events.jsonl");
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(error.where().find("events.jsonl"), std::string::npos);
  }
}

}  // namespace
}  // namespace zynqnn::watchdog
