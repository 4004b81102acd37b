#pragma once
// The benchmarks' kernel: the 256-word int32 pass-through behind one AXI DMA, on the null board
// (every transfer completes at once; busy polling) or on the virtual board (the loopback
// kernel in modeled time; the interrupt wait), and its input frame.
#include <cstring>
#include <memory>
#include <vector>

#include "zynqnn/accelerator/dma_accelerator.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/runtime/null_board.hpp"

namespace zynqnn::bench {

constexpr std::size_t kWords = 256;

inline std::unique_ptr<Accelerator> make_accelerator(bool virtual_board) {
  std::unique_ptr<Board> board;
  AxiDmaOptions options;
  if (virtual_board) {
    virtual_board::VirtualBoardConfig config;
    board = std::make_unique<virtual_board::VirtualBoard>(config, virtual_board::make_loopback_kernel(32, kWords));
    options.wait_strategy = WaitStrategy::interrupt;
  } else {
    board = std::make_unique<NullBoard>();
    options.wait_strategy = WaitStrategy::busy_poll;
  }
  AxiDmaConfig dma;
  dma.name = "axi_dma_0";
  dma.base = 0x40400000;
  dma.length_width = 26;
  StreamInfo in{"in_data", StreamDirection::input, "int32", {kWords}, 32, kWords, kWords * 4};
  StreamInfo out{"out_data", StreamDirection::output, "int32", {kWords}, 32, kWords, kWords * 4};
  return std::make_unique<DmaAccelerator>(std::move(board), std::vector<AxiDmaConfig>{dma}, std::vector<StreamInfo>{in},
                                          std::vector<StreamBinding>{{0}}, std::vector<StreamInfo>{out},
                                          std::vector<StreamBinding>{{0}}, options);
}

inline std::vector<std::byte> input_bytes() {
  std::vector<std::byte> bytes(kWords * 4);
  for (std::size_t k = 0; k < kWords; ++k) {
    const auto v = static_cast<std::uint32_t>(k * 2654435761u) & 0xFFFFFFu;
    std::memcpy(bytes.data() + 4 * k, &v, 4);
  }
  return bytes;
}

}  // namespace zynqnn::bench
