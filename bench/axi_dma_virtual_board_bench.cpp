// One round trip through the AXI DMA driver and the loopback kernel on the virtual board
// (modeled time): the cost of the simulation as a development loop sees it, not of hardware.
#include <benchmark/benchmark.h>

#include <chrono>

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/runtime/axi_dma.hpp"

namespace zynqnn {
namespace {

void round_trips(benchmark::State& state, WaitStrategy strategy) {
  virtual_board::VirtualBoard board(virtual_board::VirtualBoardConfig{}, virtual_board::make_loopback_kernel());
  AxiDmaOptions options;
  options.wait_strategy = strategy;
  AxiDmaConfig config;
  config.base = 0x40400000;
  config.length_width = 26;
  AxiDma dma(board, config, options);
  const auto bytes = static_cast<std::size_t>(state.range(0));
  auto input = board.memory().allocate(bytes);
  auto output = board.memory().allocate(bytes);
  dma.register_buffer(*input);
  dma.register_buffer(*output);
  dma.init();
  for (auto _ : state) {
    const Nanoseconds deadline = board.clock().now() + std::chrono::seconds(1);
    dma.start_receive(*output, 0, bytes);
    dma.start_send(*input, 0, bytes);
    const DmaWaitResult sent = dma.wait(DmaChannel::mm2s, deadline);
    const DmaWaitResult received = dma.wait(DmaChannel::s2mm, deadline);
    benchmark::DoNotOptimize(received.bytes);
    if (!sent.done() || !received.done()) state.SkipWithError("transfer did not complete");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}

void BM_RoundTripVirtualBackoff(benchmark::State& state) { round_trips(state, WaitStrategy::poll_with_backoff); }
void BM_RoundTripVirtualInterrupt(benchmark::State& state) { round_trips(state, WaitStrategy::interrupt); }

// 1 KiB is the reference round trip for the simulation's host cost (docs/virtual-board.md).
BENCHMARK(BM_RoundTripVirtualBackoff)->Arg(64)->Arg(1024)->Arg(4096)->UseRealTime();
BENCHMARK(BM_RoundTripVirtualInterrupt)->Arg(64)->Arg(1024)->UseRealTime();

}  // namespace
}  // namespace zynqnn
