// The memory path the DMA masters share: HP0's read channel (8 bytes a PL cycle) and the DDR
// (reads and writes together), observed as completion times at the interrupt lines.
#include <gtest/gtest.h>

#include <chrono>

#include "dma_test_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board::testing {
namespace {

// Consumes one packet from each of its two 64-bit inputs, in order; produces nothing.
class TwoInputSink final : public PlKernel {
 public:
  void run_frame(std::span<AxisPort> in, std::span<AxisPort>) override {
    for (AxisPort& port : in)
      while (!port.stream64().read().last) {
      }
  }
  std::size_t num_inputs() const override { return 2; }
  std::size_t num_outputs() const override { return 0; }
  unsigned input_bits(std::size_t) const override { return 64; }
};

TEST(MemoryPath, TwoSendersShareHp0sReadChannel) {
  VirtualBoardConfig config = exact_config();
  config.dmas = {DmaConfig{"axi_dma_0", 0x40400000, true, false, 64, 32},
                 DmaConfig{"axi_dma_1", 0x40410000, true, false, 64, 32}};
  VirtualBoard board(config, std::make_shared<TwoInputSink>());
  DmaDriverForTest first(board, 0x40400000), second(board, 0x40410000);
  auto a = board.memory().allocate(8192, 64), b = board.memory().allocate(8192, 64);
  auto line_a = board.open_interrupt(0x40400000, 0), line_b = board.open_interrupt(0x40410000, 0);
  for (DmaDriverForTest* dma : {&first, &second}) dma->write(reg::MM2S_DMACR, reg::RS | reg::IOC_IRQ_EN);
  line_a->enable();
  line_b->enable();
  first.start_mm2s(a->physical_address(), 8192);
  const Nanoseconds t0 = board.clock().now();  // the first LENGTH write has ended
  second.start_mm2s(b->physical_address(), 8192);
  // Each 64-bit sender alone would take 6 + 1024 / 0.9976 cycles; both need all 8 bytes a cycle
  // of HP0's read channel for 1024 cycles, so the second ends only after 2048.
  ASSERT_TRUE(line_a->wait_until(t0 + std::chrono::milliseconds(1)));
  EXPECT_EQ(board.clock().now() - t0, mm2s_time(1024));
  ASSERT_TRUE(line_b->wait_until(t0 + std::chrono::milliseconds(1)));
  EXPECT_EQ(board.clock().now() - t0, std::chrono::nanoseconds(2 * 1024 * 10));
  EXPECT_EQ(board.stats().mm2s_transfers, 2u);
}

TEST(MemoryPath, ABusyDdrSlowsALoopbackDown) {
  VirtualBoardConfig config = exact_config();
  config.ddr_share_for_pl = 0.1;  // 210 MB/s left to the PL
  VirtualBoard board(config, make_loopback_kernel());
  DmaDriverForTest dma(board);
  auto in = board.memory().allocate(1024, 64), out = board.memory().allocate(1024, 64);
  fill_words(*in, 8);
  auto line = board.open_interrupt(0x40400000, 1);
  dma.run_both();
  dma.write(reg::S2MM_DMACR, reg::RS | reg::IOC_IRQ_EN);
  line->enable();
  dma.start_s2mm(out->physical_address(), 1024);
  dma.start_mm2s(in->physical_address(), 1024);
  const Nanoseconds t0 = board.clock().now();
  ASSERT_TRUE(line->wait_until(t0 + std::chrono::milliseconds(1)));
  // The read and the write of 1024 bytes each share 0.21 bytes a ns of DDR: 9752 ns, where an
  // idle DDR lets the frame end at S2MM's own pace.
  EXPECT_EQ(board.clock().now() - t0, std::chrono::nanoseconds(2 * 4876));
  EXPECT_GT(board.clock().now() - t0, s2mm_time(256));
  EXPECT_TRUE(same_bytes(*in, *out, 1024));
}

TEST(MemoryPath, ConfigurationMustBePositive) {
  VirtualBoardConfig config = exact_config();
  config.ddr_share_for_pl = 0.0;
  EXPECT_THROW(VirtualBoard(config, make_loopback_kernel()), Error);
  config = exact_config();
  config.hp_port_bytes_per_cycle = -1;
  EXPECT_THROW(VirtualBoard(config, make_loopback_kernel()), Error);
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing
