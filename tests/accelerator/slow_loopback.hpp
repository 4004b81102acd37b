#pragma once
// The accelerator of the started-call tests: one AXI DMA of the virtual board (modeled time, no
// jitter) behind the seed loopback kernel slowed to 1 ms of PL time per frame, one uint32 input
// "in" and one output "out" of kWords words.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "zynqnn/accelerator/dma_accelerator.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"

namespace zynqnn::testing {

constexpr std::size_t kWords = 256;
constexpr std::size_t kBytes = kWords * 4;
constexpr std::uint64_t kKernelCycles = 100'000;  // 1 ms of PL time per frame at 100 MHz

// The loopback kernel with a modeled compute time per frame (the board adds it to the frame's
// S2MM transfer), so that a call lasts long enough to overlap host work with it.
class SlowLoopback final : public virtual_board::PlKernel {
 public:
  void run_frame(std::span<virtual_board::AxisPort> in, std::span<virtual_board::AxisPort> out) override {
    inner_->run_frame(in, out);
  }
  std::uint64_t frame_latency_cycles() const override { return kKernelCycles; }

 private:
  std::shared_ptr<virtual_board::PlKernel> inner_ = virtual_board::make_loopback_kernel();
};

inline StreamInfo loopback_stream(const char* name, StreamDirection direction) {
  StreamInfo info;
  info.name = name;
  info.direction = direction;
  info.dtype = "uint32";
  info.shape = {static_cast<std::int64_t>(kWords)};
  info.element_bits = 32;
  info.elements = kWords;
  info.bytes = kBytes;
  return info;
}

inline std::unique_ptr<DmaAccelerator> make_slow_loopback(virtual_board::VirtualBoard*& board) {
  virtual_board::VirtualBoardConfig config;
  config.latency_jitter = Nanoseconds{0};  // exact modeled times
  auto owned = std::make_unique<virtual_board::VirtualBoard>(config, std::make_shared<SlowLoopback>());
  board = owned.get();
  AxiDmaConfig dma;
  dma.name = "axi_dma_0";
  dma.base = 0x40400000;
  dma.length_width = 26;
  return std::make_unique<DmaAccelerator>(std::move(owned), std::vector<AxiDmaConfig>{dma},
                                          std::vector<StreamInfo>{loopback_stream("in", StreamDirection::input)},
                                          std::vector<StreamBinding>{{0}},
                                          std::vector<StreamInfo>{loopback_stream("out", StreamDirection::output)},
                                          std::vector<StreamBinding>{{0}});
}

}  // namespace zynqnn::testing
