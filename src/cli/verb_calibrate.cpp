// `zynqnn calibrate OUT [--calls N] [--out FILE] [--json]`: times N calls, writes the
// calibration and prints the latency distribution.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/verbs.hpp"
#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/watchdog/calibration.hpp"
#include "zynqnn/watchdog/kernel_target.hpp"
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
  std::int64_t jitter_ns = 100;
  std::int64_t poll_ns = 0;
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
  wd::ThresholdRule rule{options.mad_multiplier, options.min_margin};
  std::vector<Nanoseconds> samples;
  wd::Calibration calibration;
  std::filesystem::path file = options.file;
  if (options.out == "loopback") {
    wd::ModelAcceleratorConfig model;
    model.seed = options.seed;
    wd::ModelAccelerator accelerator(model);
    calibration = wd::calibrate(accelerator, options.calls, rule, "loopback", "builtin", wd::fill_synthetic,
                                std::chrono::seconds(1), &samples);
    if (file.empty()) file = "loopback-calibration.json";
  } else {
    // A kernel folder on the virtual board, through the DMA driver, on seeded type-valid inputs.
    const auto manifest_path = std::filesystem::path(options.out) / "manifest.json";
    if (!std::filesystem::exists(manifest_path)) {
      throw Error(ErrorCode::not_found, "no manifest.json in the kernel folder (or use 'loopback')", manifest_path.string());
    }
    if (options.jitter_ns < 0) throw Error(ErrorCode::invalid_argument, "must not be negative", "--jitter-ns");
    if (options.poll_ns < 0) throw Error(ErrorCode::invalid_argument, "must not be negative", "--poll-ns");
    OpenOptions open;
    open.latency_jitter = Nanoseconds{options.jitter_ns};
    open.seed = options.seed;
    AxiDmaOptions dma;
    dma.wait_strategy = options.poll_ns == 0 ? WaitStrategy::interrupt : WaitStrategy::poll_with_backoff;
    if (options.poll_ns > 0) dma.first_backoff = dma.max_backoff = Nanoseconds{options.poll_ns};
    open.dma = dma;
    auto accelerator = open_accelerator(manifest_path.string(), "virtual", open);
    const wd::KernelInputs inputs(manifest_path, std::nullopt, options.seed);
    std::vector<std::vector<std::byte>> buffers;
    const wd::InputFiller fill = [&](std::uint64_t index, Accelerator& acc) {
      inputs.make(index, buffers);
      for (std::size_t i = 0; i < buffers.size(); ++i) std::memcpy(acc.input_buffer(i).data(), buffers[i].data(), buffers[i].size());
    };
    const std::string kernel = manifest::load_manifest(manifest_path).kernel;
    calibration = wd::calibrate(*accelerator, options.calls, rule, kernel, wd::manifest_hash(manifest_path), fill,
                                std::chrono::seconds(1), &samples);
    if (file.empty()) file = wd::calibration_path_for(manifest_path);
  }
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
  verb->add_option("out", options->out,
                   "Kernel folder (manifest.json + C-simulation library), run on the virtual board; or 'loopback' "
                   "(the behavioural model)")
      ->required();
  verb->add_option("--calls", options->calls, "Calibration calls (>= 8)");
  verb->add_option("--out", options->file, "Calibration file (default: calibration.json next to the manifest; for loopback ./loopback-calibration.json)");
  verb->add_option("--mad-multiplier", options->mad_multiplier, "k in median + k x MAD x 1.4826");
  verb->add_option("--min-margin", options->min_margin, "threshold >= median x (1 + margin)");
  verb->add_option("--seed", options->seed, "Seed of the latency jitter and of the inputs");
  verb->add_option("--jitter-ns", options->jitter_ns, "Virtual board: standard deviation of its latency jitter");
  verb->add_option("--poll-ns", options->poll_ns,
                   "Virtual board: the driver polls DMASR this often; 0 (default): it waits for the interrupt");
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->callback([options] { run(*options); });
}

}  // namespace zynqnn::cli
