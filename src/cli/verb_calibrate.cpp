// `zynqnn calibrate OUT [--calls N] [--out FILE] [--json]`: times N calls, writes the
// calibration and prints the latency distribution.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/calibration.hpp"
#include "zynqnn/watchdog/model_accelerator.hpp"

namespace zynqnn::cli {
namespace {

namespace wd = zynqnn::watchdog;

struct CalibrateOptions {
  std::string out;
  std::size_t calls = 1000;
  std::string file;
  double mad_multiplier = wd::ThresholdRule{}.mad_multiplier;
  double min_margin = wd::ThresholdRule{}.min_margin;
  std::uint64_t seed = 1;
  bool json = false;
};

// Ten equal bins from min to max, as counts.
std::vector<std::size_t> histogram(const std::vector<Nanoseconds>& samples, Nanoseconds low, Nanoseconds high) {
  std::vector<std::size_t> bins(10, 0);
  const double width = std::max<double>(1.0, static_cast<double>((high - low).count()) / 10.0);
  for (auto t : samples) {
    auto bin = static_cast<std::size_t>(static_cast<double>((t - low).count()) / width);
    ++bins[std::min<std::size_t>(bin, 9)];
  }
  return bins;
}

void run(const CalibrateOptions& options) {
  if (options.out != "loopback") {
    const auto manifest = std::filesystem::path(options.out) / "manifest.json";
    if (!std::filesystem::exists(manifest)) {
      throw Error(ErrorCode::not_found, "no manifest.json in the kernel folder (or use 'loopback')", manifest.string());
    }
    throw Error(ErrorCode::unsupported,
                "calibrating a generated kernel needs the virtual board's accelerator, which this build does not "
                "provide yet; calibrate 'loopback'",
                manifest.string());
  }
  wd::ModelAcceleratorConfig model;
  model.seed = options.seed;
  wd::ModelAccelerator accelerator(model);
  wd::ThresholdRule rule{options.mad_multiplier, options.min_margin};
  std::vector<Nanoseconds> samples;
  const wd::Calibration calibration =
      wd::calibrate(accelerator, options.calls, rule, "loopback", "builtin", wd::fill_synthetic,
                    std::chrono::seconds(1), &samples);
  const std::filesystem::path file = options.file.empty() ? "loopback-calibration.json" : options.file;
  wd::save_calibration(file, calibration);
  const auto bins = histogram(samples, calibration.latency.min, calibration.latency.max);
  if (options.json) {
    nlohmann::json report = wd::to_json(calibration);
    report["file"] = file.string();
    report["histogram"] = {{"min_ns", calibration.latency.min.count()},
                           {"max_ns", calibration.latency.max.count()},
                           {"counts", bins}};
    fmt::print("{}\n", report.dump(2));
    return;
  }
  const auto& l = calibration.latency;
  fmt::print("calibration of {} over {} calls (written to {})\n", calibration.kernel, calibration.calls, file.string());
  fmt::print("  median {} ns  MAD {} ns  p99 {} ns  max {} ns  min {} ns\n", l.median.count(), l.mad.count(),
             l.p99.count(), l.max.count(), l.min.count());
  fmt::print("  threshold {} ns = max(median + {} x MAD x 1.4826, median x {})\n", calibration.threshold.count(),
             rule.mad_multiplier, 1.0 + rule.min_margin);
  const std::size_t most = *std::max_element(bins.begin(), bins.end());
  const double width = static_cast<double>((l.max - l.min).count()) / 10.0;
  for (std::size_t b = 0; b < bins.size(); ++b) {
    const auto from = l.min.count() + static_cast<std::int64_t>(width * static_cast<double>(b));
    fmt::print("  {:>9} ns {:>6} {}\n", from, bins[b], std::string(most == 0 ? 0 : bins[b] * 50 / most, '#'));
  }
}

}  // namespace

void add_calibrate_verb(CLI::App& app) {
  auto options = std::make_shared<CalibrateOptions>();
  CLI::App* verb = app.add_subcommand("calibrate", "Time N calls, write the watchdog calibration, print the distribution");
  verb->add_option("out", options->out, "Kernel output folder (with manifest.json) or 'loopback'")->required();
  verb->add_option("--calls", options->calls, "Calibration calls (>= 8)");
  verb->add_option("--out", options->file, "Calibration file (default: calibration.json next to the manifest; for loopback ./loopback-calibration.json)");
  verb->add_option("--mad-multiplier", options->mad_multiplier, "k in median + k x MAD x 1.4826");
  verb->add_option("--min-margin", options->min_margin, "threshold >= median x (1 + margin)");
  verb->add_option("--seed", options->seed, "Seed of the latency jitter (loopback)");
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->callback([options] { run(*options); });
}

}  // namespace zynqnn::cli
