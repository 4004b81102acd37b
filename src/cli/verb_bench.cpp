// `zynqnn bench dma`: what one round trip through the AXI DMA driver costs (arm receive, send,
// wait for both, read the received length) on a device that completes at once or on the
// virtual board. Times are medians over batches so that clock reads do not dominate.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/dma_devices.hpp"
#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/axi_dma.hpp"

namespace zynqnn::cli {
namespace {

struct BenchDmaOptions {
  std::string device = "null";
  std::uint64_t calls = 100'000;
  std::size_t bytes_in = 64;
  std::size_t bytes_out = 64;
  std::string wait;  // default: busy_poll on null, poll_with_backoff on virtual (modeled time)
  bool json = false;
};

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle), values.end());
  return values[middle];
}

void run_bench_dma(BenchDmaOptions options) {
  if (options.wait.empty()) options.wait = options.device == "null" ? "busy_poll" : "poll_with_backoff";
  if (options.calls == 0) throw Error(ErrorCode::invalid_argument, "--calls must be at least 1", "bench dma");
  DmaDevice device = open_dma_device(options.device, 32, parse_wait_strategy(options.wait));
  AxiDma& dma = *device.dma;
  auto input = device.board->memory().allocate(std::max<std::size_t>(options.bytes_in, 1), 64);
  auto output = device.board->memory().allocate(std::max<std::size_t>(options.bytes_out, 1), 64);
  dma.register_buffer(*input);
  dma.register_buffer(*output);
  dma.init();
  Clock& clock = device.board->clock();
  const Nanoseconds timeout = std::chrono::seconds(1);

  // Batches of calls, each timed on the wall clock (the board clock may be modeled).
  const std::uint64_t batch = std::clamp<std::uint64_t>(options.calls / 100, 1, 1000);
  std::vector<double> per_call_ns;
  per_call_ns.reserve(static_cast<std::size_t>(options.calls / batch + 1));
  std::uint64_t failures = 0;
  std::uint64_t done_calls = 0;
  const auto started = std::chrono::steady_clock::now();
  while (done_calls < options.calls) {
    const std::uint64_t this_batch = std::min(batch, options.calls - done_calls);
    const auto batch_start = std::chrono::steady_clock::now();
    for (std::uint64_t call = 0; call < this_batch; ++call) {
      const Nanoseconds deadline = clock.now() + timeout;
      dma.start_receive(*output, 0, options.bytes_out);
      dma.start_send(*input, 0, options.bytes_in);
      const DmaWaitResult sent = dma.wait(DmaChannel::mm2s, deadline);
      const DmaWaitResult received = dma.wait(DmaChannel::s2mm, deadline);
      if (!sent.done() || !received.done()) {
        ++failures;
        dma.abort();
        dma.init();
      }
    }
    const auto batch_ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - batch_start);
    per_call_ns.push_back(batch_ns.count() / static_cast<double>(this_batch));
    done_calls += this_batch;
  }
  const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double mean_ns = total_s * 1e9 / static_cast<double>(options.calls);
  const double median_ns = median(per_call_ns);
  const AxiDmaStatistics& stats = dma.statistics();

  if (options.json) {
    nlohmann::json out = {
        {"device", options.device},
        {"wait_strategy", options.wait},
        {"calls", options.calls},
        {"bytes_in", options.bytes_in},
        {"bytes_out", options.bytes_out},
        {"ns_per_call", median_ns},
        {"ns_per_call_median", median_ns},
        {"ns_per_call_mean", mean_ns},
        {"batch_calls", batch},
        {"failures", failures},
        {"transfers_done", stats.transfers_done},
        {"timeouts", stats.timeouts},
        {"errors", stats.errors},
    };
    fmt::print("{}\n", out.dump());
  } else {
    fmt::print("bench dma on {} ({}): {} calls of {} B in / {} B out: {:.1f} ns per call (median of batches "
               "of {}), {:.1f} ns mean, {} failed\n",
               options.device, options.wait, options.calls, options.bytes_in, options.bytes_out, median_ns, batch,
               mean_ns, failures);
  }
  if (failures != 0) set_exit_code(1);
}

}  // namespace

void add_bench_verb(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "Measure what runtime paths cost");
  bench->require_subcommand(1);
  auto options = std::make_shared<BenchDmaOptions>();
  CLI::App* dma = bench->add_subcommand("dma", "Round trips through the AXI DMA driver");
  dma->add_option("--device", options->device, "null (completes at once) or virtual (the virtual board)")
      ->check(CLI::IsMember(dma_device_names()));
  dma->add_option("--calls", options->calls, "round trips to run");
  dma->add_option("--bytes-in", options->bytes_in, "bytes sent per call (MM2S)");
  dma->add_option("--bytes-out", options->bytes_out, "bytes received per call (S2MM)");
  dma->add_option("--wait", options->wait, "busy_poll, poll_with_backoff or interrupt (default: busy_poll on null, poll_with_backoff on virtual)")
      ->check(CLI::IsMember({"busy_poll", "poll_with_backoff", "interrupt"}));
  dma->add_flag("--json", options->json, "print one JSON object");
  dma->callback([options] { run_bench_dma(*options); });
}

}  // namespace zynqnn::cli
