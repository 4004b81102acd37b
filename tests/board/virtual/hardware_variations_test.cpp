// DmaConfig's hardware variations (PG021): a Halted that lags an error, a soft reset that
// waits for a stream stuck mid-packet, and a DMA built with scatter-gather.
#include <gtest/gtest.h>

#include <chrono>

#include "dma_test_support.hpp"

namespace zynqnn::virtual_board::testing {
namespace {

constexpr std::uint32_t SG_INCLD = 1u << 3;

VirtualBoardConfig config_with(void (*change)(DmaConfig&)) {
  VirtualBoardConfig config = exact_config();
  change(config.dmas[0]);
  return config;
}

// Polls a control register for Reset to clear, for at most `timeout` of modeled time.
bool reset_completes(Board& board, DmaDriverForTest& dma, Nanoseconds timeout) {
  const Nanoseconds deadline = board.clock().now() + timeout;
  while (board.clock().now() < deadline)
    if ((dma.read(reg::MM2S_DMACR) & reg::RESET) == 0) return true;
  return false;
}

TEST(HaltedLag, HaltedFollowsTheErrorBitAfterTheConfiguredCycles) {
  VirtualBoard board(config_with([](DmaConfig& d) { d.halted_lag_cycles = 100; }), make_loopback_kernel());
  DmaDriverForTest dma(board);
  dma.run_both();
  dma.start_mm2s(0x00001000, 64);  // below the DDR: a decode error
  const std::uint32_t first = dma.poll(reg::MM2S_DMASR, 0x70u, std::chrono::microseconds(10), std::chrono::nanoseconds(0));
  const Nanoseconds error_seen = board.clock().now();
  EXPECT_EQ(first, reg::DMA_DEC_ERR | reg::ERR_IRQ) << "the error bit comes first, Halted not yet";
  EXPECT_EQ(dma.read(reg::MM2S_DMACR) & reg::RS, 0u) << "RS clears with the error";
  const std::uint32_t halted = dma.poll(reg::MM2S_DMASR, reg::HALTED, std::chrono::microseconds(10), std::chrono::nanoseconds(0));
  EXPECT_EQ(halted, reg::HALTED | reg::DMA_DEC_ERR | reg::ERR_IRQ);
  // 100 cycles (1 us) after the error, seen by the first read that ends after it.
  EXPECT_GT(board.clock().now() - error_seen, std::chrono::nanoseconds(1000) - 2 * kRegisterAccess);
  EXPECT_LE(board.clock().now() - error_seen, std::chrono::nanoseconds(1000) + kRegisterAccess);
  // A soft reset ends the wait for Halted like any other state.
  dma.write(reg::MM2S_DMACR, reg::RESET);
  board.clock().sleep_for(std::chrono::microseconds(1));
  EXPECT_EQ(dma.read(reg::MM2S_DMASR), reg::HALTED);
}

TEST(HaltedLag, DefaultSetsHaltedWithTheError) {
  VirtualBoard board(exact_config(), make_loopback_kernel());
  DmaDriverForTest dma(board);
  dma.run_both();
  dma.start_mm2s(0x00001000, 64);
  EXPECT_EQ(dma.poll(reg::MM2S_DMASR, 0x70u, std::chrono::microseconds(10), std::chrono::nanoseconds(0)),
            reg::HALTED | reg::DMA_DEC_ERR | reg::ERR_IRQ);
}

// A hung kernel: MM2S cannot push its beats (the FIFO is full), an AXI read is in flight.
class StuckStream : public ::testing::TestWithParam<bool> {
 protected:
  StuckStream()
      : board_(GetParam() ? config_with([](DmaConfig& d) { d.soft_reset_waits_for_streams = true; }) : exact_config(),
               make_loopback_kernel()),
        dma_(board_) {}
  VirtualBoard board_;
  DmaDriverForTest dma_;
};

TEST_P(StuckStream, ASoftResetWithMm2sStuckMidTransfer) {
  const bool waits = GetParam();
  auto in = board_.memory().allocate(4096);
  board_.inject({FaultKind::hang, true});
  dma_.run_both();
  dma_.start_mm2s(in->physical_address(), 4096);
  board_.clock().sleep_for(std::chrono::microseconds(50));
  ASSERT_EQ(dma_.read(reg::MM2S_DMASR) & reg::IDLE, 0u);
  dma_.write(reg::MM2S_DMACR, reg::RESET);
  EXPECT_EQ(reset_completes(board_, dma_, std::chrono::milliseconds(1)), !waits);
  if (waits) {
    EXPECT_NE(dma_.read(reg::S2MM_DMACR) & reg::RESET, 0u) << "the whole engine stays in reset";
    dma_.write(reg::MM2S_DMACR, reg::RS);
    EXPECT_EQ(dma_.read(reg::MM2S_DMACR) & reg::RS, 0u) << "writes are ignored during the reset";
    // Only a PL reload ends it.
    board_.reconfigure();
    EXPECT_EQ(dma_.read(reg::MM2S_DMACR), reg::DMACR_RESET_VALUE);
  }
  EXPECT_EQ(board_.stats().soft_resets, 1u);
}

TEST_P(StuckStream, ASoftResetWithS2mmInsideAPacketWithoutTlast) {
  const bool waits = GetParam();
  auto in = board_.memory().allocate(256), out = board_.memory().allocate(1024);
  fill_words(*in, 4);
  board_.inject({FaultKind::missing_tlast});
  dma_.run_both();
  dma_.start_s2mm(out->physical_address(), 1024);
  dma_.start_mm2s(in->physical_address(), 256);
  board_.clock().sleep_for(std::chrono::microseconds(20));
  ASSERT_EQ(dma_.read(reg::S2MM_DMASR) & reg::IDLE, 0u) << "no TLAST: the packet is still open";
  dma_.write(reg::S2MM_DMACR, reg::RESET);
  EXPECT_EQ(reset_completes(board_, dma_, std::chrono::microseconds(100)), !waits);
  if (waits) {
    // Nothing can move the stream: MM2S is held in the same reset.
    dma_.write(reg::MM2S_DMACR, reg::RS);  // ignored during the reset
    EXPECT_FALSE(reset_completes(board_, dma_, std::chrono::microseconds(10)));
    board_.reconfigure();
  }
  dma_.run_both();
  dma_.start_s2mm(out->physical_address(), 256);
  dma_.start_mm2s(in->physical_address(), 256);
  EXPECT_EQ(dma_.poll(reg::S2MM_DMASR, reg::IDLE | 0x70u), reg::IDLE | reg::IOC_IRQ) << "usable again";
}

TEST_P(StuckStream, AnS2mmWaitingForItsFirstBeatDoesNotHoldTheReset) {
  auto out = board_.memory().allocate(256);
  dma_.run_both();
  dma_.start_s2mm(out->physical_address(), 256);  // no data comes: no AXI write in flight
  board_.clock().sleep_for(std::chrono::microseconds(10));
  dma_.write(reg::S2MM_DMACR, reg::RESET);
  EXPECT_TRUE(reset_completes(board_, dma_, std::chrono::microseconds(10)));
}

INSTANTIATE_TEST_SUITE_P(SoftResetWaitsForStreams, StuckStream, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "waits" : "lets_go"; });

TEST(SgIncluded, SgIncldReadsOneInBothStatusRegisters) {
  VirtualBoard board(config_with([](DmaConfig& d) { d.sg_included = true; }), make_loopback_kernel());
  DmaDriverForTest dma(board);
  EXPECT_EQ(dma.read(reg::MM2S_DMASR), reg::HALTED | SG_INCLD);
  EXPECT_EQ(dma.read(reg::S2MM_DMASR), reg::HALTED | SG_INCLD);
  dma.write(reg::MM2S_DMASR, 0xFFFFFFFFu);
  EXPECT_EQ(dma.read(reg::MM2S_DMASR) & SG_INCLD, SG_INCLD) << "read-only";
  dma.write(reg::MM2S_DMACR, reg::RESET);
  board.clock().sleep_for(std::chrono::microseconds(1));
  EXPECT_EQ(dma.read(reg::MM2S_DMASR), reg::HALTED | SG_INCLD) << "a property of the build, not reset";
}

TEST(SgIncluded, DefaultReadsZero) {
  VirtualBoard board(exact_config(), make_loopback_kernel());
  DmaDriverForTest dma(board);
  EXPECT_EQ(dma.read(reg::MM2S_DMASR) & SG_INCLD, 0u);
  EXPECT_EQ(dma.read(reg::S2MM_DMASR) & SG_INCLD, 0u);
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing
