#include "zynqnn/watchdog/calibration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

constexpr int kCalibrationSchema = 1;

std::int64_t ns(Nanoseconds t) { return t.count(); }

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

template <typename T>
T field(const nlohmann::json& json, const char* pointer) {
  try {
    return json.at(nlohmann::json::json_pointer(pointer)).get<T>();
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCode::parse, fmt::format("missing or mistyped field: {}", error.what()),
                fmt::format("calibration {}", pointer));
  }
}

}  // namespace

Nanoseconds threshold_from(const LatencySummary& latency, const ThresholdRule& rule) {
  const double median = static_cast<double>(latency.median.count());
  const double spread = median + rule.mad_multiplier * kMadToSigma * static_cast<double>(latency.mad.count());
  const double floor = median * (1.0 + rule.min_margin);
  // A polling driver sees a completion at its next look: latencies come in steps (e.g. 1.96 us
  // or 4.04 us for a 1 us first backoff), and when more than half share one step the MAD is 0.
  // A step a quarter of the calibration's calls reach is normal, not slow: the upper quartile
  // bounds the threshold from below too (still robust to outliers in up to a quarter of them).
  const double upper_quartile = static_cast<double>(latency.q75.count()) * (1.0 + rule.min_margin);
  return Nanoseconds{static_cast<std::int64_t>(std::ceil(std::max({spread, floor, upper_quartile})))};
}

double log_sigma_of(std::span<const Nanoseconds> samples) {
  if (samples.empty()) throw Error(ErrorCode::invalid_argument, "no latency samples", "log_sigma_of");
  std::vector<double> logs;
  logs.reserve(samples.size());
  for (auto t : samples) logs.push_back(std::log(static_cast<double>(std::max<std::int64_t>(t.count(), 1))));
  const double median = median_of(logs);
  for (double& value : logs) value = std::fabs(value - median);
  return median_of(std::move(logs)) * kMadToSigma;
}

void fill_synthetic(std::uint64_t index, Accelerator& accelerator) {
  for (std::size_t i = 0; i < accelerator.inputs().size(); ++i) {
    auto buffer = accelerator.input_buffer(i);
    // A cheap, deterministic, index-dependent pattern (xorshift), never all zeros.
    std::uint64_t state = (index + 1) * 0x9E3779B97F4A7C15ull + i;
    for (auto& byte : buffer) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      byte = static_cast<std::byte>(state & 0xFF);
    }
  }
}

Calibration calibrate(Accelerator& accelerator, std::size_t calls, const ThresholdRule& rule, std::string kernel,
                      std::string manifest_hash, const InputFiller& fill, Nanoseconds call_timeout,
                      std::vector<Nanoseconds>* samples_out) {
  if (calls < 8) {
    throw Error(ErrorCode::invalid_argument, fmt::format("calibration needs at least 8 calls (got {})", calls),
                "calibrate");
  }
  Clock& clock = accelerator.board().clock();
  std::vector<Nanoseconds> samples;
  samples.reserve(calls);
  for (std::size_t call = 0; call < calls; ++call) {
    fill(call, accelerator);
    const Nanoseconds start = clock.now();
    CallResult result = accelerator.run(call_timeout);
    const Nanoseconds latency = clock.now() - start;
    bool bytes_ok = result.output_bytes.size() == accelerator.outputs().size();
    for (std::size_t j = 0; bytes_ok && j < result.output_bytes.size(); ++j) {
      bytes_ok = result.output_bytes[j] == accelerator.outputs()[j].bytes;
    }
    if (result.status != CallStatus::ok || !bytes_ok) {
      try {
        accelerator.abort();
      } catch (const Error&) {
        // The calibration error below says what matters.
      }
      throw Error(ErrorCode::bad_state,
                  fmt::format("calibration call {} did not complete cleanly ({}): a faulty board cannot be calibrated",
                              call, result.detail.empty() ? "wrong output byte count" : result.detail),
                  "calibrate");
    }
    samples.push_back(latency);
  }
  Calibration calibration;
  calibration.kernel = std::move(kernel);
  calibration.manifest_hash = std::move(manifest_hash);
  calibration.calls = calls;
  calibration.latency = summarize(samples);
  calibration.log_sigma = log_sigma_of(samples);
  calibration.rule = rule;
  calibration.threshold = threshold_from(calibration.latency, rule);
  if (samples_out != nullptr) *samples_out = std::move(samples);
  return calibration;
}

std::string manifest_hash(const std::filesystem::path& manifest_path) {
  std::ifstream in(manifest_path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read the manifest", manifest_path.string());
  std::uint64_t hash = 0xcbf29ce484222325ull;
  char chunk[4096];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      hash ^= static_cast<unsigned char>(chunk[i]);
      hash *= 0x100000001b3ull;
    }
  }
  return fmt::format("{:016x}", hash);
}

std::filesystem::path calibration_path_for(const std::filesystem::path& manifest_path) {
  return manifest_path.parent_path() / "calibration.json";
}

nlohmann::json to_json(const Calibration& c) {
  return {
      {"schema", kCalibrationSchema},
      {"kernel", c.kernel},
      {"manifest_hash", c.manifest_hash},
      {"calls", c.calls},
      {"latency_ns",
       {{"min", ns(c.latency.min)},
        {"median", ns(c.latency.median)},
        {"mad", ns(c.latency.mad)},
        {"q75", ns(c.latency.q75)},
        {"p99", ns(c.latency.p99)},
        {"max", ns(c.latency.max)}}},
      {"log_sigma", c.log_sigma},
      {"rule", {{"mad_multiplier", c.rule.mad_multiplier}, {"min_margin", c.rule.min_margin}}},
      {"threshold_ns", ns(c.threshold)},
  };
}

Calibration calibration_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw Error(ErrorCode::parse, "a calibration is a JSON object", "calibration");
  if (field<int>(json, "/schema") != kCalibrationSchema) {
    throw Error(ErrorCode::unsupported, "unknown calibration schema", "calibration /schema");
  }
  Calibration c;
  c.kernel = field<std::string>(json, "/kernel");
  c.manifest_hash = field<std::string>(json, "/manifest_hash");
  c.calls = field<std::size_t>(json, "/calls");
  c.latency.count = c.calls;
  c.latency.min = Nanoseconds{field<std::int64_t>(json, "/latency_ns/min")};
  c.latency.median = Nanoseconds{field<std::int64_t>(json, "/latency_ns/median")};
  c.latency.mad = Nanoseconds{field<std::int64_t>(json, "/latency_ns/mad")};
  c.latency.p99 = Nanoseconds{field<std::int64_t>(json, "/latency_ns/p99")};
  // Files written before the upper quartile was recorded: the median stands in (their
  // threshold is stored and used as it is).
  c.latency.q75 = json.contains(nlohmann::json::json_pointer("/latency_ns/q75"))
                      ? Nanoseconds{field<std::int64_t>(json, "/latency_ns/q75")}
                      : c.latency.median;
  c.latency.max = Nanoseconds{field<std::int64_t>(json, "/latency_ns/max")};
  c.log_sigma = field<double>(json, "/log_sigma");
  c.rule.mad_multiplier = field<double>(json, "/rule/mad_multiplier");
  c.rule.min_margin = field<double>(json, "/rule/min_margin");
  c.threshold = Nanoseconds{field<std::int64_t>(json, "/threshold_ns")};
  if (c.threshold.count() <= 0 || c.latency.median.count() <= 0) {
    throw Error(ErrorCode::invalid_argument, "threshold and median must be positive", "calibration /threshold_ns");
  }
  return c;
}

void save_calibration(const std::filesystem::path& path, const Calibration& calibration) {
  const auto temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!out) throw Error(ErrorCode::io, "cannot write the calibration", temporary);
    out << to_json(calibration).dump(2) << '\n';
    if (!out.flush()) throw Error(ErrorCode::io, "cannot write the calibration", temporary);
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);  // atomic: a reader never sees half a file
  if (error) throw Error(ErrorCode::io, fmt::format("cannot rename into place: {}", error.message()), path.string());
}

std::optional<Calibration> load_matching_calibration(const std::filesystem::path& path, const std::string& kernel,
                                                     const std::string& manifest_hash) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(ErrorCode::parse, error.what(), path.string());
  }
  Calibration calibration = calibration_from_json(json);
  if (calibration.kernel != kernel || calibration.manifest_hash != manifest_hash) return std::nullopt;
  return calibration;
}

}  // namespace zynqnn::watchdog
