// `zynqnn campaign OUT --calls N --faults KIND=RATE,... --seed S [--policy P] [--mqtt HOST:PORT] --json`:
// a seeded fault campaign played against the watchdog policies side by side.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/campaign.hpp"
#ifdef ZYNQNN_HAVE_MQTT
#include "zynqnn/watchdog/mqtt_sink.hpp"
#endif

namespace zynqnn::cli {
namespace {

namespace wd = zynqnn::watchdog;

struct CampaignOptions {
  std::string out;
  std::uint64_t calls = 10'000;
  std::string faults = "hang=0.001,stall=0.001,missing_tlast=0.001,extra_words=0.001,bus_error=0.001,corrupt=0.001,drift=0.0005";
  std::uint64_t seed = 1;
  std::string policy;
  std::string mqtt;
  std::string topic = "zynqnn/alarm";
  double persistent = 0.25;
  std::size_t words = 256;
  std::int64_t jitter_ns = 100;
  double deadline_factor = 4.0;
  bool json = false;
};

// OUT names what runs: the built-in pass-through, or a generated kernel's folder.
wd::TargetFactory target_for(const std::string& out, std::size_t words, std::int64_t jitter_ns) {
  if (out == "loopback") {
    wd::ModelAcceleratorConfig model;
    model.words = words;
    model.jitter = Nanoseconds{jitter_ns};
    return wd::model_loopback_target(model);
  }
  const auto manifest = std::filesystem::path(out) / "manifest.json";
  if (!std::filesystem::exists(manifest)) {
    throw Error(ErrorCode::not_found, "no manifest.json in the kernel folder (or use 'loopback')", manifest.string());
  }
  throw Error(ErrorCode::unsupported,
              "campaigns on a generated kernel need the virtual board's accelerator, which this build does not "
              "provide yet; run the campaign on 'loopback'",
              manifest.string());
}

void print_summary(const nlohmann::json& report) {
  fmt::print("campaign: {} calls, seed {}, {} ({} faults and {} drift scenarios scheduled)\n",
             report["calls"].get<std::uint64_t>(), report["seed"].get<std::uint64_t>(),
             report["target"].get<std::string>(), report["scheduled_faults"].get<std::uint64_t>(),
             report["scheduled_drifts"].get<std::uint64_t>());
  auto number = [](const nlohmann::json& value) { return value.is_null() ? std::string("-") : fmt::format("{:.3f}", value.get<double>()); };
  fmt::print("{:<9} {:>6} {:>8} {:>6} {:>12} {:>10} {:>14} {:>12}\n", "policy", "lost", "corrupt", "FP",
             "availability", "throughput", "detect p99 ms", "recover p99");
  for (const auto& [name, p] : report["policies"].items()) {
    fmt::print("{:<9} {:>6} {:>8} {:>6} {:>12.6f} {:>10.4f} {:>14} {:>12}\n", name, p["lost"].get<std::uint64_t>(),
               p["silent_corruptions"].get<std::uint64_t>(), p["false_positives"].get<std::uint64_t>(),
               p["availability"].get<double>(), p["throughput_ratio"].get<double>(),
               number(p["detection_latency_ms"]["p99"]), number(p["recovery_ms"]["p99"]));
  }
  for (const auto& [name, p] : report["policies"].items()) {
    fmt::print("{}:", name);
    for (const auto& [kind, t] : p["faults"].items()) {
      fmt::print(" {} {}/{}/{}", kind, t["injected"].get<std::uint64_t>(), t["detected"].get<std::uint64_t>(),
                 t["recovered"].get<std::uint64_t>());
    }
    fmt::print("  (injected/detected/recovered)\n");
  }
}

void run(const CampaignOptions& options) {
  wd::CampaignConfig config;
  config.calls = options.calls;
  config.seed = options.seed;
  config.rates = wd::parse_fault_rates(options.faults);
  config.persistent_fraction = options.persistent;
  config.deadline_factor = options.deadline_factor;
  if (!options.policy.empty()) config.policies = {wd::parse_policy(options.policy)};
  if (!options.mqtt.empty()) {
#ifdef ZYNQNN_HAVE_MQTT
    auto mqtt = wd::MqttSink::parse_endpoint(options.mqtt);
    mqtt.topic = options.topic;
    config.sinks.push_back(std::make_shared<wd::MqttSink>(mqtt));
#else
    throw Error(ErrorCode::unsupported, "this build has no MQTT support (libmosquitto was not found)", "--mqtt");
#endif
  }
  if (::isatty(STDERR_FILENO) != 0) {
    config.progress = [](wd::Policy policy, std::uint64_t done, std::uint64_t total) {
      fmt::print(stderr, "\r{:<9} {:>10}/{} calls", wd::to_string(policy), done, total);
      if (done == total) fmt::print(stderr, "\n");
    };
  }
  const auto factory = target_for(options.out, options.words, options.jitter_ns);
  const nlohmann::json report = wd::run_campaign(config, factory);
  if (options.json) {
    fmt::print("{}\n", report.dump(2));
  } else {
    print_summary(report);
  }
}

}  // namespace

void add_campaign_verb(CLI::App& app) {
  auto options = std::make_shared<CampaignOptions>();
  CLI::App* verb = app.add_subcommand("campaign", "Play a seeded fault campaign against the watchdog policies");
  verb->add_option("out", options->out, "Kernel output folder (with manifest.json) or 'loopback'")->required();
  verb->add_option("--calls", options->calls, "Calls per policy")->check(CLI::PositiveNumber);
  verb->add_option("--faults", options->faults,
                   "KIND=RATE,... per call; kinds: hang, stall, missing_tlast, extra_words, bus_error, corrupt, "
                   "early_tlast, drift");
  verb->add_option("--seed", options->seed, "Seed of the fault schedule and the latency jitter");
  verb->add_option("--policy", options->policy, "Run only this policy: none, fixed or adaptive");
  verb->add_option("--mqtt", options->mqtt, "Publish alarms to this MQTT broker (HOST:PORT)");
  verb->add_option("--topic", options->topic, "MQTT topic of the alarms");
  verb->add_option("--persistent", options->persistent, "Share of faults that persist until a reconfiguration")
      ->check(CLI::Range(0.0, 1.0));
  verb->add_option("--words", options->words, "Loopback: 32-bit words per call")->check(CLI::PositiveNumber);
  verb->add_option("--jitter-ns", options->jitter_ns, "Loopback: standard deviation of the call-time jitter")
      ->check(CLI::NonNegativeNumber);
  verb->add_option("--deadline-factor", options->deadline_factor, "Deadline = threshold x this (>= 1)");
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->callback([options] { run(*options); });
}

}  // namespace zynqnn::cli
