#pragma once
// The boards the DMA verbs (loopback, bench dma) can run on, with an AXI DMA driver bound to
// the board's loopback DMA.
#include <memory>
#include <string>
#include <vector>

#include "zynqnn/runtime/axi_dma.hpp"
#include "zynqnn/runtime/board.hpp"

namespace zynqnn::cli {

struct DmaDevice {
  std::unique_ptr<Board> board;
  std::unique_ptr<AxiDma> dma;  // not initialised yet
};

std::vector<std::string> dma_device_names();
WaitStrategy parse_wait_strategy(const std::string& name);
// "modeled" or "real": the virtual board's clock (--time).
std::vector<std::string> time_mode_names();
// `name`: "null" or "virtual". `stream_bits`: width of both streams. `time`: the virtual
// board's clock ("modeled" or "real").
DmaDevice open_dma_device(const std::string& name, unsigned stream_bits, WaitStrategy wait,
                          const std::string& time = "modeled");

}  // namespace zynqnn::cli
