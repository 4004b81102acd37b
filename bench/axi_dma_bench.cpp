// One round trip through the AXI DMA driver (arm receive, send, wait for both, read the
// received length) on a device that completes at once: the driver's own cost per call.
#include <benchmark/benchmark.h>

#include <chrono>

#include "zynqnn/runtime/axi_dma.hpp"
#include "zynqnn/runtime/null_board.hpp"

namespace zynqnn {
namespace {

void round_trips(benchmark::State& state, WaitStrategy strategy) {
  NullBoard board;
  AxiDmaOptions options;
  options.wait_strategy = strategy;
  AxiDmaConfig config;
  config.length_width = 26;
  AxiDma dma(board, config, options);
  const auto bytes = static_cast<std::size_t>(state.range(0));
  auto input = board.memory().allocate(bytes);
  auto output = board.memory().allocate(bytes);
  dma.register_buffer(*input);
  dma.register_buffer(*output);
  dma.init();
  const Nanoseconds timeout = std::chrono::seconds(1);
  for (auto _ : state) {
    const Nanoseconds deadline = board.clock().now() + timeout;
    dma.start_receive(*output, 0, bytes);
    dma.start_send(*input, 0, bytes);
    const DmaWaitResult sent = dma.wait(DmaChannel::mm2s, deadline);
    const DmaWaitResult received = dma.wait(DmaChannel::s2mm, deadline);
    benchmark::DoNotOptimize(received.bytes);
    if (!sent.done() || !received.done()) state.SkipWithError("transfer did not complete");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RoundTripNullBusyPoll(benchmark::State& state) { round_trips(state, WaitStrategy::busy_poll); }
void BM_RoundTripNullBackoff(benchmark::State& state) { round_trips(state, WaitStrategy::poll_with_backoff); }
void BM_RoundTripNullInterrupt(benchmark::State& state) { round_trips(state, WaitStrategy::interrupt); }

// A refused call (length 0) is an exception: measured so that its cost is known, not hidden.
void BM_RefusedCallNull(benchmark::State& state) {
  NullBoard board;
  AxiDma dma(board, AxiDmaConfig{});
  auto output = board.memory().allocate(64);
  dma.register_buffer(*output);
  dma.init();
  for (auto _ : state) {
    try {
      dma.start_receive(*output, 0, 0);
    } catch (const Error& error) {
      benchmark::DoNotOptimize(error.code());
    }
  }
}

BENCHMARK(BM_RoundTripNullBusyPoll)->Arg(64)->Arg(4096);
BENCHMARK(BM_RoundTripNullBackoff)->Arg(64);
BENCHMARK(BM_RoundTripNullInterrupt)->Arg(64);
BENCHMARK(BM_RefusedCallNull);

}  // namespace
}  // namespace zynqnn
