// `zynqnn campaign OUT --calls N --faults KIND=RATE,... --seed S [--policy P] [--mqtt HOST:PORT]
// [--trace FILE] --json`: a seeded fault campaign played against the watchdog policies side by
// side, on a kernel folder on the virtual board (or the behavioural model with `loopback`).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/campaign.hpp"
#include "zynqnn/watchdog/kernel_target.hpp"
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
  std::int64_t poll_ns = 0;
  std::string model;
  std::string input_range;
  std::string output_range;
  std::string trace;
  std::size_t calibration_calls = 500;
  bool json = false;
};

// "MIN:MAX" -> a range; Error(invalid_argument) naming the option otherwise.
std::optional<wd::ValueRange> parse_range(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  const auto colon = text.find(':', 1);
  wd::ValueRange range;
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no colon");
    std::size_t used = 0;
    range.min = std::stod(text.substr(0, colon), &used);
    if (used != colon) throw std::invalid_argument("trailing characters");
    range.max = std::stod(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    throw Error(ErrorCode::invalid_argument, fmt::format("expected MIN:MAX, got '{}'", text), option);
  }
  if (!(range.min <= range.max)) {
    throw Error(ErrorCode::invalid_argument, fmt::format("MIN must not exceed MAX in '{}'", text), option);
  }
  return range;
}

// OUT names what runs: a generated or compiled kernel's folder on the virtual board, or the
// behavioural model of the pass-through (`loopback`, or --model loopback).
wd::TargetFactory target_for(const CampaignOptions& options) {
  if (!options.model.empty() && options.model != "loopback") {
    throw Error(ErrorCode::invalid_argument, fmt::format("unknown model '{}' (the only one is loopback)", options.model),
                "--model");
  }
  if (options.out == "loopback" || !options.model.empty()) {
    wd::ModelAcceleratorConfig model;
    model.words = options.words;
    model.jitter = Nanoseconds{options.jitter_ns};
    return wd::model_loopback_target(model);
  }
  wd::KernelTargetConfig config;
  config.folder = options.out;
  config.latency_jitter = Nanoseconds{options.jitter_ns};
  config.poll_interval = Nanoseconds{options.poll_ns};
  config.input_range = parse_range(options.input_range, "--input-range");
  config.output_range = parse_range(options.output_range, "--output-range");
  return wd::kernel_folder_target(config);
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
  config.calibration_calls = options.calibration_calls;
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
  const auto factory = target_for(options);
  std::ofstream trace;
  if (!options.trace.empty()) {
    trace.open(options.trace, std::ios::binary | std::ios::trunc);
    if (!trace) throw Error(ErrorCode::io, "cannot write the trace", options.trace);
    config.trace = [&trace](const wd::CallTrace& call) { trace << wd::to_json(call).dump() << '\n'; };
  }
  const nlohmann::json report = wd::run_campaign(config, factory);
  if (trace.is_open()) {
    trace.flush();
    if (!trace) throw Error(ErrorCode::io, "writing the trace failed", options.trace);
  }
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
  verb->add_option("out", options->out,
                   "Kernel folder (manifest.json + C-simulation library, from generate or compile), run on the "
                   "virtual board; or 'loopback' (the behavioural model)")
      ->required();
  verb->add_option("--model", options->model, "Run the behavioural model instead of the virtual board: loopback");
  verb->add_option("--calls", options->calls, "Calls per policy")->check(CLI::PositiveNumber);
  verb->add_option("--faults", options->faults,
                   "KIND=RATE,... per call; kinds: hang, stall, missing_tlast, extra_words, bus_error, "
                   "corrupt_output (or corrupt), early_tlast, drift");
  verb->add_option("--seed", options->seed, "Seed of the fault schedule and the latency jitter");
  verb->add_option("--policy", options->policy, "Run only this policy: none, fixed or adaptive");
  verb->add_option("--mqtt", options->mqtt, "Publish alarms to this MQTT broker (HOST:PORT)");
  verb->add_option("--topic", options->topic, "MQTT topic of the alarms");
  verb->add_option("--persistent", options->persistent, "Share of faults that persist until a reconfiguration")
      ->check(CLI::Range(0.0, 1.0));
  verb->add_option("--words", options->words, "Behavioural model: 32-bit words per call")->check(CLI::PositiveNumber);
  verb->add_option("--jitter-ns", options->jitter_ns,
                   "Standard deviation of the seeded normal latency jitter (virtual board or model)")
      ->check(CLI::NonNegativeNumber);
  verb->add_option("--poll-ns", options->poll_ns,
                   "Virtual board: the driver polls DMASR this often; 0 (default): it waits for the interrupt")
      ->check(CLI::NonNegativeNumber);
  verb->add_option("--input-range", options->input_range, "MIN:MAX of every input element (default: the type's range)");
  verb->add_option("--output-range", options->output_range,
                   "MIN:MAX declared for every readable output (checked by the adaptive policy)");
  verb->add_option("--calibration-calls", options->calibration_calls, "Calls of each policy's calibration")
      ->check(CLI::Range(8, 1000000));
  verb->add_option("--trace", options->trace, "Write one JSON line per call to this file");
  verb->add_option("--deadline-factor", options->deadline_factor, "Deadline = threshold x this (>= 1)");
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->callback([options] { run(*options); });
}

}  // namespace zynqnn::cli
