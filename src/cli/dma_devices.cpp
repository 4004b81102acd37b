#include "cli/dma_devices.hpp"

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/null_board.hpp"

namespace zynqnn::cli {

std::vector<std::string> dma_device_names() { return {"null", "virtual"}; }

WaitStrategy parse_wait_strategy(const std::string& name) {
  if (name == "busy_poll") return WaitStrategy::busy_poll;
  if (name == "poll_with_backoff") return WaitStrategy::poll_with_backoff;
  if (name == "interrupt") return WaitStrategy::interrupt;
  throw Error(ErrorCode::invalid_argument, "unknown wait strategy '" + name + "'", "--wait");
}

std::vector<std::string> time_mode_names() { return {"modeled", "real"}; }

DmaDevice open_dma_device(const std::string& name, unsigned stream_bits, WaitStrategy wait, const std::string& time) {
  if (time != "modeled" && time != "real") {
    throw Error(ErrorCode::invalid_argument, "unknown time mode '" + time + "' (modeled or real)", "--time");
  }
  AxiDmaConfig config;
  config.name = "axi_dma_0";
  config.base = 0x40400000;
  config.mm2s_stream_bits = stream_bits;
  config.s2mm_stream_bits = stream_bits;
  config.length_width = 26;
  AxiDmaOptions options;
  options.wait_strategy = wait;
  DmaDevice device;
  if (name == "null") {
    device.board = std::make_unique<NullBoard>();
  } else if (name == "virtual") {
    // The seed example's hardware: one DMA, both streams through the loopback kernel.
    virtual_board::VirtualBoardConfig board_config;
    virtual_board::DmaConfig dma;
    dma.name = config.name;
    dma.base = config.base;
    dma.mm2s_stream_bits = stream_bits;
    dma.s2mm_stream_bits = stream_bits;
    dma.length_width = config.length_width;
    board_config.dmas = {dma};
    board_config.time = time == "real" ? virtual_board::TimeMode::real : virtual_board::TimeMode::modeled;
    device.board = std::make_unique<virtual_board::VirtualBoard>(board_config,
                                                                virtual_board::make_loopback_kernel(stream_bits));
  } else {
    throw Error(ErrorCode::not_found, "unknown DMA device '" + name + "'", "--device");
  }
  device.dma = std::make_unique<AxiDma>(*device.board, config, options);
  return device;
}

}  // namespace zynqnn::cli
