// Drivers that busy-poll registers without ever sleeping, as the vendor and PYNQ drivers do:
// every AXI-Lite access costs modeled time, so their loops see time pass and end. The register
// sequences follow Xilinx's XAxiDma (xaxidma.c: XAxiDma_Reset, XAxiDma_ResetIsDone,
// XAxiDma_SimpleTransfer, XAxiDma_Busy) and PYNQ 3.1's _SDMAChannel (pynq/lib/dma.py: start,
// transfer, wait).
#include <gtest/gtest.h>

#include <chrono>

#include "dma_test_support.hpp"

namespace zynqnn::virtual_board::testing {
namespace {

constexpr std::uint32_t kBytes = 1024;  // 256 beats: more than a stream FIFO holds

// XAxiDma, simple mode, with register reads and writes only (no sleep anywhere).
class XAxiDmaLike {
 public:
  explicit XAxiDmaLike(DmaDriverForTest& dma) : dma_(dma) {}
  // Both channels are told to reset; the second write lands during the reset and is ignored.
  void reset() {
    dma_.write(reg::MM2S_DMACR, reg::RESET);
    dma_.write(reg::S2MM_DMACR, reg::RESET);
  }
  bool reset_is_done() {
    return (dma_.read(reg::MM2S_DMACR) & reg::RESET) == 0 && (dma_.read(reg::S2MM_DMACR) & reg::RESET) == 0;
  }
  bool busy(std::uint32_t channel) { return (dma_.read(channel + 0x04) & reg::IDLE) == 0; }
  // XAxiDma_SimpleTransfer: refuses when running and not idle, then address, RS, LENGTH.
  bool simple_transfer(std::uint32_t channel, std::uint64_t address, std::uint32_t bytes) {
    if (!(dma_.read(channel + 0x04) & reg::HALTED) && busy(channel)) return false;
    dma_.write(channel + 0x18, static_cast<std::uint32_t>(address));
    dma_.write(channel + 0x00, dma_.read(channel + 0x00) | reg::RS);
    dma_.write(channel + 0x28, bytes);
    return true;
  }

 private:
  DmaDriverForTest& dma_;
};

class PollingDrivers : public ::testing::Test {
 protected:
  PollingDrivers() : board_(exact_config(), make_loopback_kernel()), dma_(board_) {
    in_ = board_.memory().allocate(kBytes, 64);
    out_ = board_.memory().allocate(kBytes, 64);
    fill_words(*in_, 21);
  }
  VirtualBoard board_;
  DmaDriverForTest dma_;
  std::unique_ptr<DmaBuffer> in_, out_;
};

TEST_F(PollingDrivers, XAxiDmaResetTransferAndBusyLoopsEndInModeledTime) {
  XAxiDmaLike xdma(dma_);
  const Nanoseconds start = board_.clock().now();
  xdma.reset();
  int reset_polls = 0;
  while (!xdma.reset_is_done()) ASSERT_LT(++reset_polls, 10'000) << "the reset never completes";
  EXPECT_GT(reset_polls, 0) << "a soft reset takes time (Reset reads 1 meanwhile)";
  const Nanoseconds reset_done = board_.clock().now();
  EXPECT_GE(reset_done - start, std::chrono::nanoseconds(640)) << "64 PL cycles of reset";

  ASSERT_TRUE(xdma.simple_transfer(reg::S2MM_DMACR, out_->physical_address(), kBytes));
  ASSERT_TRUE(xdma.simple_transfer(reg::MM2S_DMACR, in_->physical_address(), kBytes));
  const Nanoseconds transfer_start = board_.clock().now();
  int busy_polls = 0;
  while (xdma.busy(reg::S2MM_DMACR)) ASSERT_LT(++busy_polls, 100'000) << "S2MM never becomes idle";
  while (xdma.busy(reg::MM2S_DMACR)) ASSERT_LT(++busy_polls, 100'000) << "MM2S never becomes idle";
  const Nanoseconds took = board_.clock().now() - transfer_start;

  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), kBytes);
  EXPECT_TRUE(same_bytes(*in_, *out_, kBytes));
  // Plausible: no less than PG021 gives for 256 beats through S2MM, and well under a millisecond.
  EXPECT_GE(took, s2mm_time(256));
  EXPECT_LT(took, std::chrono::microseconds(100));
  EXPECT_GT(busy_polls, 10) << "the data moved in modeled time, not at once";
  // A busy transfer is refused, as XAxiDma_SimpleTransfer does (run, not idle).
  ASSERT_TRUE(xdma.simple_transfer(reg::S2MM_DMACR, out_->physical_address(), kBytes));
  EXPECT_FALSE(xdma.simple_transfer(reg::S2MM_DMACR, out_->physical_address(), kBytes));
}

TEST_F(PollingDrivers, PynqChannelStartTransferAndWaitEndInModeledTime) {
  // _SDMAChannel.start(): RS, then `while not running` (Halted == 0).
  auto start_channel = [&](std::uint32_t channel) {
    dma_.write(channel, 0x0001);
    int polls = 0;
    while (dma_.read(channel + 0x04) & reg::HALTED) ASSERT_LT(++polls, 10'000);
  };
  // _SDMAChannel.transfer(): SA/DA, its MSB, LENGTH.
  auto transfer = [&](std::uint32_t channel, std::uint64_t address, std::uint32_t bytes) {
    dma_.write(channel + 0x18, static_cast<std::uint32_t>(address));
    dma_.write(channel + 0x1C, static_cast<std::uint32_t>(address >> 32));
    dma_.write(channel + 0x28, bytes);
  };
  // _SDMAChannel.wait(): read DMASR until Idle, failing on an error bit.
  auto wait = [&](std::uint32_t channel) {
    for (int polls = 0;; ++polls) {
      const std::uint32_t status = dma_.read(channel + 0x04);
      if (status & 0x70u) return false;
      if (status & reg::IDLE) return true;
      if (polls > 100'000) return false;
    }
  };
  start_channel(reg::MM2S_DMACR);
  start_channel(reg::S2MM_DMACR);
  const Nanoseconds started = board_.clock().now();
  transfer(reg::S2MM_DMACR, out_->physical_address(), kBytes);
  transfer(reg::MM2S_DMACR, in_->physical_address(), kBytes);
  ASSERT_TRUE(wait(reg::MM2S_DMACR));
  ASSERT_TRUE(wait(reg::S2MM_DMACR));
  const Nanoseconds took = board_.clock().now() - started;
  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), kBytes);  // _SDMAChannel.transferred
  EXPECT_TRUE(same_bytes(*in_, *out_, kBytes));
  EXPECT_GE(took, s2mm_time(256));
  EXPECT_LT(took, std::chrono::microseconds(100));
}

TEST_F(PollingDrivers, APollOfAHungKernelReachesItsDeadlineInModeledTime) {
  board_.inject({FaultKind::hang});
  dma_.run_both();
  dma_.start_s2mm(out_->physical_address(), kBytes);
  dma_.start_mm2s(in_->physical_address(), kBytes);
  const auto wall_start = std::chrono::steady_clock::now();
  const Nanoseconds deadline = board_.clock().now() + std::chrono::microseconds(200);
  std::uint32_t status = 0;
  int reads = 0;
  do {
    status = dma_.read(reg::S2MM_DMASR);
    ++reads;
  } while (!(status & reg::IDLE) && board_.clock().now() < deadline);
  EXPECT_EQ(status & reg::IDLE, 0u) << "a hung kernel never completes";
  EXPECT_EQ(board_.clock().now(), deadline) << "time passed for the polling reads";
  EXPECT_EQ(reads, 200'000 / 80) << "200 us of 80 ns reads";
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(5));
}

TEST_F(PollingDrivers, StatsCountRegisterReadsAndWrites) {
  const Stats before = board_.stats();
  EXPECT_EQ(before.register_reads, 0u);
  EXPECT_EQ(before.register_writes, 0u);
  dma_.run_both();  // a read and a write per channel
  dma_.read(0x100);  // a reserved offset is a bus access too
  const Stats after = board_.stats();
  EXPECT_EQ(after.register_reads, 3u);
  EXPECT_EQ(after.register_writes, 2u);
  EXPECT_EQ(board_.clock().now(), 5 * kRegisterAccess);
}

TEST(RegisterAccessTime, IsConfigurableAndZeroCostsNothing) {
  VirtualBoardConfig config = exact_config();
  config.register_access_cycles = 0;
  VirtualBoard board(config, make_loopback_kernel());
  DmaDriverForTest dma(board);
  for (int i = 0; i < 10; ++i) dma.read(reg::MM2S_DMASR);
  EXPECT_EQ(board.clock().now(), Nanoseconds{0});
  EXPECT_EQ(board.stats().register_reads, 10u);
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing
