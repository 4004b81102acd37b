// What the watchdog adds to a call: Watchdog::process against the bare call (copy the input
// into the DMA buffer, Accelerator::run, check the status) on the same board. On the null board
// (every transfer completes at once) the difference is the watchdog's own CPU work per
// fault-free call; on the virtual board the call also carries the simulation's cost. The
// kernel: the 256-word int32 pass-through (bench/campaign_passthrough.json), whose fault-free
// call takes 5.37 us of modeled time on the virtual board (docs/watchdog.md).
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <vector>

#include "passthrough_accelerator.hpp"
#include "zynqnn/watchdog/watchdog.hpp"

namespace {

using namespace zynqnn;
using namespace zynqnn::bench;
namespace wd = zynqnn::watchdog;

void bare_call(benchmark::State& state) {
  auto accelerator = make_accelerator(state.range(0) != 0);
  const auto input = input_bytes();
  for (auto _ : state) {
    std::memcpy(accelerator->input_buffer(0).data(), input.data(), input.size());
    const CallResult result = accelerator->run(std::chrono::milliseconds(100));
    if (result.status != CallStatus::ok) state.SkipWithError("call failed");
    benchmark::DoNotOptimize(accelerator->output_buffer(0).data());
  }
}

void watched_call(benchmark::State& state) {
  auto accelerator = make_accelerator(state.range(0) != 0);
  const auto policy = state.range(1) == 0 ? wd::Policy::fixed : wd::Policy::adaptive;
  wd::WatchdogConfig config = wd::preset(policy);
  // An expert threshold far above the call: this measures fault-free calls only.
  config.expert_threshold = std::chrono::milliseconds(10);
  if (policy == wd::Policy::adaptive) config.ranges = {wd::OutputRange{0, 0, 16777215}};
  wd::Watchdog watchdog(*accelerator, config, std::nullopt, "passthrough");
  const auto input = input_bytes();
  if (state.range(0) == 0) {
    // The null board moves no data: its output buffer holds the pass-through's answer once.
    auto out = accelerator->output_buffer(0);
    std::memcpy(const_cast<std::byte*>(out.data()), input.data(), input.size());
  }
  if (policy == wd::Policy::adaptive) {
    watchdog.set_canary({std::span<const std::byte>(input)}, std::vector<std::vector<std::byte>>{input});
  }
  const wd::InputViews views{std::span<const std::byte>(input)};
  wd::CallReport report;
  std::uint64_t index = 0;
  for (auto _ : state) {
    watchdog.process(index++, views, report);
    if (!report.delivered) state.SkipWithError("call not delivered");
    benchmark::DoNotOptimize(report.outputs.data());
  }
  state.counters["canaries"] = static_cast<double>(watchdog.counters().canaries);
}

}  // namespace

// Arg 0: 0 = null board, 1 = virtual board. Arg 1: 0 = fixed, 1 = adaptive.
BENCHMARK(bare_call)->Arg(0)->Arg(1)->ArgName("virtual");
BENCHMARK(watched_call)->Args({0, 0})->Args({0, 1})->Args({1, 0})->Args({1, 1})->ArgNames({"virtual", "adaptive"});
