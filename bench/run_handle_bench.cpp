// The per-call cost of the two-step call against the one-step call: Accelerator::run(timeout)
// against start() + Run::wait_until(deadline), on the 256-word pass-through (copy the input in,
// call, check the status). On the null board the difference is the Run's own CPU work; on the
// virtual board the call also carries the simulation's cost.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>

#include "passthrough_accelerator.hpp"

namespace {

using namespace zynqnn;
using namespace zynqnn::bench;
constexpr Nanoseconds kTimeout = std::chrono::milliseconds(100);

template <typename Call>
void calls(benchmark::State& state, Call call) {
  auto accelerator = make_accelerator(state.range(0) != 0);
  const auto input = input_bytes();
  for (auto _ : state) {
    std::memcpy(accelerator->input_buffer(0).data(), input.data(), input.size());
    if (call(*accelerator).status != CallStatus::ok) state.SkipWithError("call failed");
    benchmark::DoNotOptimize(accelerator->output_buffer(0).data());
  }
}

void one_step(benchmark::State& state) {
  calls(state, [](Accelerator& accelerator) { return accelerator.run(kTimeout); });
}

void start_and_wait(benchmark::State& state) {
  calls(state, [](Accelerator& accelerator) {
    Accelerator::Run call = accelerator.start();
    return call.wait_until(call.started() + kTimeout);
  });
}

}  // namespace

// Argument: 0 = null board, 1 = virtual board.
BENCHMARK(one_step)->Arg(0)->Arg(1);
BENCHMARK(start_and_wait)->Arg(0)->Arg(1);
