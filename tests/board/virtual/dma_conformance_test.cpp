// Conformance of the AXI DMA model with PG021 (direct-register mode), one behaviour per test,
// driven through the registers in modeled time.
#include <gtest/gtest.h>

#include "dma_test_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board::testing {
namespace {

class DmaConformance : public ::testing::Test {
 protected:
  explicit DmaConformance(VirtualBoardConfig config = exact_config(), std::shared_ptr<PlKernel> kernel = make_loopback_kernel())
      : board_(std::move(config), std::move(kernel)), dma_(board_) {}
  std::unique_ptr<DmaBuffer> buffer(std::size_t bytes) { return board_.memory().allocate(bytes, 64); }

  // A loopback of `words` words: receive first, then send (the bare-metal order).
  void loopback(DmaBuffer& in, DmaBuffer& out, std::uint32_t bytes, std::uint32_t receive_bytes = 0) {
    dma_.start_s2mm(out.physical_address(), receive_bytes ? receive_bytes : bytes);
    dma_.start_mm2s(in.physical_address(), bytes);
  }

  VirtualBoard board_;
  DmaDriverForTest dma_;
};

TEST_F(DmaConformance, ResetValues) {
  for (std::uint32_t base : {reg::MM2S_DMACR, reg::S2MM_DMACR}) {
    EXPECT_EQ(dma_.read(base + 0x00), reg::DMACR_RESET_VALUE);
    EXPECT_EQ(dma_.read(base + 0x04), reg::HALTED);
    EXPECT_EQ(dma_.read(base + 0x18), 0u);
    EXPECT_EQ(dma_.read(base + 0x1C), 0u);
    EXPECT_EQ(dma_.read(base + 0x28), 0u);
  }
}

TEST_F(DmaConformance, RunStopClearsHalted) {
  dma_.write(reg::MM2S_DMACR, reg::RS);
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR) & reg::HALTED, 0u);
  EXPECT_EQ(dma_.read(reg::MM2S_DMACR) & reg::RS, reg::RS);
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR) & reg::HALTED, reg::HALTED) << "channels start independently";
}

TEST_F(DmaConformance, IdleIsZeroWhileHaltedAndBeforeTheFirstTransfer) {
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR) & reg::IDLE, 0u);
  dma_.run_both();
  board_.clock().sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR), 0u) << "running, not idle, no error";
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR), 0u);
}

TEST_F(DmaConformance, LengthWriteStartsTransferAndIdleComesOnCompletion) {
  auto in = buffer(1024), out = buffer(1024);
  fill_words(*in, 7);
  dma_.run_both();
  loopback(*in, *out, 1024);
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR) & reg::IDLE, 0u) << "in flight right after LENGTH";
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::IDLE) & reg::IDLE, 0u);
  EXPECT_NE(dma_.poll(reg::MM2S_DMASR, reg::IDLE) & reg::IDLE, 0u);
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR), reg::IDLE | reg::IOC_IRQ);
  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), 1024u);
  out->sync_for_cpu(0, 1024);
  EXPECT_TRUE(same_bytes(*in, *out, 1024));
  EXPECT_EQ(board_.stats().frames, 1u);
  EXPECT_EQ(board_.stats().words_moved, 512u);  // 256 beats each way
}

TEST_F(DmaConformance, LengthZeroDoesNothing) {
  auto in = buffer(64);
  dma_.run_both();
  dma_.write(reg::MM2S_SA, static_cast<std::uint32_t>(in->physical_address()));
  dma_.write(reg::MM2S_LENGTH, 0);
  board_.clock().sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR), 0u);
  EXPECT_EQ(board_.stats().words_moved, 0u);
}

TEST_F(DmaConformance, LengthWrittenWhileHaltedDoesNothing) {
  auto in = buffer(64);
  dma_.write(reg::MM2S_SA, static_cast<std::uint32_t>(in->physical_address()));
  dma_.write(reg::MM2S_LENGTH, 64);
  board_.clock().sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR), reg::HALTED);
  EXPECT_EQ(dma_.read(reg::MM2S_LENGTH), 0u);
  EXPECT_EQ(board_.stats().words_moved, 0u);
  // Starting later works: the halted write left nothing behind.
  dma_.run_both();
  auto out = buffer(64);
  loopback(*in, *out, 64);
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::IDLE) & reg::IDLE, 0u);
}

TEST_F(DmaConformance, S2mmLengthReadsTheBytesReceivedAndTlastCompletesShort) {
  auto in = buffer(100), out = buffer(4096);
  fill_words(*in, 3);
  dma_.run_both();
  loopback(*in, *out, 100, 4096);
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::IDLE) & reg::IDLE, 0u);
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR) & 0x70u, 0u) << "a short packet is not an error";
  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), 100u);
  EXPECT_TRUE(same_bytes(*in, *out, 100));
}

TEST_F(DmaConformance, PartialLastBeatKeepsOnlyValidBytes) {
  auto in = buffer(64), out = buffer(64);
  fill_words(*in, 9);
  std::memset(out->data(), 0xEE, 64);
  dma_.run_both();
  loopback(*in, *out, 10, 64);  // two full beats and a beat with TKEEP 0b0011
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::IDLE) & reg::IDLE, 0u);
  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), 10u);
  EXPECT_TRUE(same_bytes(*in, *out, 10));
  EXPECT_EQ(std::to_integer<int>(out->data()[10]), 0xEE);
}

TEST_F(DmaConformance, PacketLongerThanLengthIsInternalErrorAndHalts) {
  auto in = buffer(128), out = buffer(128);
  dma_.run_both();
  dma_.write(reg::S2MM_DMACR, reg::RS | reg::ERR_IRQ_EN);
  loopback(*in, *out, 128, 64);
  const std::uint32_t status = dma_.poll(reg::S2MM_DMASR, reg::DMA_INT_ERR);
  EXPECT_EQ(status, reg::HALTED | reg::DMA_INT_ERR | reg::ERR_IRQ);
  EXPECT_EQ(dma_.read(reg::S2MM_DMACR) & reg::RS, 0u) << "an error clears RS";
  EXPECT_NE(dma_.poll(reg::MM2S_DMASR, reg::IDLE) & reg::IDLE, 0u) << "the sender is unaffected";
  // Setting RS again does not restart an errored channel: only a reset does.
  dma_.write(reg::S2MM_DMACR, reg::RS);
  EXPECT_NE(dma_.read(reg::S2MM_DMASR) & reg::HALTED, 0u);
  EXPECT_EQ(board_.stats().dma_errors, 1u);
}

TEST_F(DmaConformance, AddressOutsideTheDdrIsDecodeErrorAndHalts) {
  dma_.run_both();
  dma_.start_mm2s(0x00001000, 64);  // below the DDR's base
  EXPECT_EQ(dma_.poll(reg::MM2S_DMASR, reg::DMA_DEC_ERR), reg::HALTED | reg::DMA_DEC_ERR | reg::ERR_IRQ);
  const auto& config = board_.config();
  dma_.start_s2mm(config.ddr_base + config.ddr_bytes - 32, 64);  // runs past the DDR's end
  EXPECT_EQ(dma_.poll(reg::S2MM_DMASR, reg::DMA_DEC_ERR), reg::HALTED | reg::DMA_DEC_ERR | reg::ERR_IRQ);
  EXPECT_EQ(board_.stats().words_moved, 0u);
}

TEST_F(DmaConformance, UnalignedAddressIsInternalError) {
  auto in = buffer(128);
  dma_.run_both();
  dma_.start_mm2s(in->physical_address() + 2, 64);
  EXPECT_EQ(dma_.poll(reg::MM2S_DMASR, reg::DMA_INT_ERR), reg::HALTED | reg::DMA_INT_ERR | reg::ERR_IRQ);
  EXPECT_EQ(board_.stats().words_moved, 0u);
}

TEST_F(DmaConformance, IrqBitsAreWriteOneToClear) {
  auto in = buffer(64), out = buffer(64);
  dma_.run_both();
  loopback(*in, *out, 64);
  ASSERT_NE(dma_.poll(reg::S2MM_DMASR, reg::IOC_IRQ) & reg::IOC_IRQ, 0u);
  dma_.write(reg::S2MM_DMASR, 0);
  EXPECT_NE(dma_.read(reg::S2MM_DMASR) & reg::IOC_IRQ, 0u) << "writing 0 clears nothing";
  dma_.write(reg::S2MM_DMASR, 0xFFFFFFFFu);
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR), reg::IDLE) << "only the IRQ bits are writable";
}

TEST_F(DmaConformance, InterruptLineFollowsIrqBitsAndEnables) {
  auto line = board_.open_interrupt(0x40400000, 1);
  ASSERT_NE(line, nullptr);
  auto in = buffer(256), out = buffer(256);
  dma_.run_both();
  loopback(*in, *out, 256);
  line->enable();
  // IOC_IrqEn is off: the line stays low although IOC_Irq gets set.
  EXPECT_FALSE(line->wait_until(board_.clock().now() + std::chrono::microseconds(100)));
  EXPECT_NE(dma_.read(reg::S2MM_DMASR) & reg::IOC_IRQ, 0u);
  dma_.write(reg::S2MM_DMACR, reg::RS | reg::IOC_IRQ_EN);
  EXPECT_TRUE(line->wait_until(board_.clock().now() + std::chrono::microseconds(1)));
  dma_.write(reg::S2MM_DMASR, reg::IOC_IRQ);
  line->enable();
  EXPECT_FALSE(line->wait_until(board_.clock().now() + std::chrono::microseconds(10)));
}

TEST_F(DmaConformance, InterruptFiresAtTheModeledCompletionTime) {
  auto line = board_.open_interrupt(0x40400000, 0);
  auto in = buffer(4096), out = buffer(4096);
  dma_.run_both();
  dma_.write(reg::MM2S_DMACR, reg::RS | reg::IOC_IRQ_EN);
  line->enable();
  const Nanoseconds start = board_.clock().now();
  loopback(*in, *out, 4096);
  ASSERT_TRUE(line->wait_until(start + std::chrono::milliseconds(1)));
  // 1024 beats at PG021's MM2S rate, from the MM2S LENGTH write (the fourth access): 10325 ns,
  // not the 10240 ns of one beat per cycle. The memory path (HP0 at 8 bytes a cycle, DDR at
  // 2.1 bytes a ns) is faster than the 32-bit stream and does not limit it.
  EXPECT_EQ(board_.clock().now() - start, 4 * kRegisterAccess + mm2s_time(1024));
}

TEST_F(DmaConformance, SoftResetResetsTheWholeEngine) {
  auto out = buffer(256);
  dma_.run_both();
  dma_.write(reg::MM2S_DMACR, reg::RS | reg::IOC_IRQ_EN | reg::ERR_IRQ_EN);
  dma_.start_s2mm(out->physical_address(), 256);  // in flight: waits for data that never comes
  dma_.write(reg::MM2S_SA, 0x12345678);
  dma_.write(reg::MM2S_DMACR, reg::RESET);
  EXPECT_NE(dma_.read(reg::MM2S_DMACR) & reg::RESET, 0u) << "Reset reads 1 while the reset runs";
  EXPECT_NE(dma_.read(reg::S2MM_DMACR) & reg::RESET, 0u) << "both channels reset";
  const Nanoseconds start = board_.clock().now();
  std::uint32_t control = dma_.read(reg::MM2S_DMACR);
  while ((control & reg::RESET) && board_.clock().now() - start < std::chrono::microseconds(100)) {
    board_.clock().sleep_for(std::chrono::nanoseconds(50));
    control = dma_.read(reg::MM2S_DMACR);
  }
  EXPECT_EQ(control, reg::DMACR_RESET_VALUE);
  EXPECT_GT(board_.clock().now() - start, Nanoseconds{0});
  for (std::uint32_t base : {reg::MM2S_DMACR, reg::S2MM_DMACR}) {
    EXPECT_EQ(dma_.read(base + 0x00), reg::DMACR_RESET_VALUE);
    EXPECT_EQ(dma_.read(base + 0x04), reg::HALTED);
    EXPECT_EQ(dma_.read(base + 0x18), 0u);
    EXPECT_EQ(dma_.read(base + 0x28), 0u);
  }
  EXPECT_EQ(board_.stats().soft_resets, 1u);
  // The engine works again after the reset.
  auto in = buffer(256);
  fill_words(*in, 11);
  dma_.run_both();
  loopback(*in, *out, 256);
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::IDLE) & reg::IDLE, 0u);
  EXPECT_TRUE(same_bytes(*in, *out, 256));
}

TEST_F(DmaConformance, SoftResetReleasesAStuckSender) {
  auto in = buffer(4096);
  dma_.run_both();
  dma_.start_mm2s(in->physical_address(), 4096);  // nobody drains the output: the FIFOs fill up
  board_.clock().sleep_for(std::chrono::microseconds(100));
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR) & reg::IDLE, 0u);
  dma_.write(reg::S2MM_DMACR, reg::RESET);
  board_.clock().sleep_for(std::chrono::microseconds(10));
  EXPECT_EQ(dma_.read(reg::MM2S_DMACR), reg::DMACR_RESET_VALUE);
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR), reg::HALTED);
}

TEST_F(DmaConformance, RunStopZeroHaltsAnIdleChannel) {
  dma_.run_both();
  dma_.write(reg::MM2S_DMACR, 0);
  EXPECT_EQ(dma_.read(reg::MM2S_DMASR), reg::HALTED);
}

TEST_F(DmaConformance, RunStopZeroFlushesATransferInFlightAndHalts) {
  auto out = buffer(256);
  dma_.run_both();
  dma_.start_s2mm(out->physical_address(), 256);  // waits for data that never comes
  board_.clock().sleep_for(std::chrono::microseconds(10));
  dma_.write(reg::S2MM_DMACR, 0);
  EXPECT_EQ(dma_.poll(reg::S2MM_DMASR, reg::HALTED), reg::HALTED);
  // The channel starts again and is not confused by the flushed transfer.
  auto in = buffer(256);
  fill_words(*in, 13);
  dma_.run_both();
  loopback(*in, *out, 256);
  EXPECT_EQ(dma_.poll(reg::S2MM_DMASR, reg::IDLE), reg::IDLE | reg::IOC_IRQ);
  EXPECT_TRUE(same_bytes(*in, *out, 256));
}

TEST_F(DmaConformance, MsbAddressRegistersAreAccepted) {
  dma_.run_both();
  dma_.write(reg::MM2S_SA_MSB, 0x1);
  dma_.write(reg::S2MM_DA_MSB, 0x0);
  EXPECT_EQ(dma_.read(reg::MM2S_SA_MSB), 0x1u);
  EXPECT_EQ(dma_.read(reg::S2MM_DA_MSB), 0x0u);
  auto in = buffer(64);
  dma_.start_mm2s(in->physical_address(), 64);  // 0x1_xxxxxxxx is outside the DDR
  EXPECT_NE(dma_.poll(reg::MM2S_DMASR, reg::DMA_DEC_ERR) & reg::DMA_DEC_ERR, 0u);
}

TEST_F(DmaConformance, ReservedAndScatterGatherOffsetsReadZero) {
  EXPECT_EQ(dma_.read(0x08), 0u);  // CURDESC: scatter-gather only
  EXPECT_EQ(dma_.read(0x2C), 0u);
  EXPECT_EQ(dma_.read(0x100), 0u);
  EXPECT_THROW(dma_.read(0x10000), Error);
}

class NarrowLength : public DmaConformance {
 protected:
  static VirtualBoardConfig config() {
    auto c = exact_config();
    c.dmas[0].length_width = 14;
    return c;
  }
  NarrowLength() : DmaConformance(config()) {}
};

TEST_F(NarrowLength, LengthIsMaskedToLengthWidth) {
  auto out = buffer(1 << 14);
  dma_.run_both();
  dma_.start_s2mm(out->physical_address(), 0xFFFFFFFFu);
  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), 0x3FFFu);
  auto in = buffer(256);
  dma_.start_mm2s(in->physical_address(), (1u << 14) | 256u);  // bit 14 is outside the field
  EXPECT_EQ(dma_.read(reg::MM2S_LENGTH), 256u);
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::IDLE) & reg::IDLE, 0u);
  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), 256u);
}

class WithLatency : public DmaConformance {
 protected:
  WithLatency() : DmaConformance(exact_config(), std::make_shared<LatencyLoopback>(500)) {}
};

TEST_F(WithLatency, FrameTimeIsBeatsPlusKernelLatency) {
  auto line = board_.open_interrupt(0x40400000, 1);
  auto in = buffer(1024), out = buffer(1024);
  dma_.run_both();
  dma_.write(reg::S2MM_DMACR, reg::RS | reg::IOC_IRQ_EN);
  line->enable();
  const Nanoseconds start = board_.clock().now();
  loopback(*in, *out, 1024);
  ASSERT_TRUE(line->wait_until(start + std::chrono::milliseconds(1)));
  EXPECT_EQ(board_.clock().now() - start, 4 * kRegisterAccess + s2mm_time(256, 500));
  // Idle is not visible before that time even though the data has moved long before in
  // real terms: a second transfer shows it.
  dma_.write(reg::S2MM_DMASR, reg::IOC_IRQ);
  const Nanoseconds second = board_.clock().now();
  loopback(*in, *out, 1024);
  board_.clock().sleep_for(s2mm_time(256, 500) - std::chrono::nanoseconds(1000));
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR) & reg::IDLE, 0u);
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::IDLE, std::chrono::milliseconds(1), std::chrono::nanoseconds(10)) & reg::IDLE, 0u);
  // Seen by the first read that ends at or after the completion time (a poll step is 10 ns
  // of sleep and one register access).
  const Nanoseconds done_at = 4 * kRegisterAccess + s2mm_time(256, 500);
  EXPECT_GE(board_.clock().now() - second, done_at);
  EXPECT_LT(board_.clock().now() - second, done_at + std::chrono::nanoseconds(10) + kRegisterAccess);
}

TEST(VirtualBoardJitter, IsDeterministicForASeedAndVariesAcrossSeeds) {
  auto frame_times = [](std::uint64_t seed) {
    VirtualBoardConfig config = exact_config();
    config.latency_jitter = std::chrono::nanoseconds(200);
    config.seed = seed;
    VirtualBoard board(config, make_loopback_kernel());
    DmaDriverForTest dma(board);
    auto line = board.open_interrupt(0x40400000, 1);
    auto in = board.memory().allocate(1024), out = board.memory().allocate(1024);
    dma.run_both();
    dma.write(reg::S2MM_DMACR, reg::RS | reg::IOC_IRQ_EN);
    std::vector<std::int64_t> times;
    for (int i = 0; i < 5; ++i) {
      line->enable();
      const Nanoseconds start = board.clock().now();
      dma.start_s2mm(out->physical_address(), 1024);
      dma.start_mm2s(in->physical_address(), 1024);
      EXPECT_TRUE(line->wait_until(start + std::chrono::milliseconds(1)));
      times.push_back((board.clock().now() - start).count());
      dma.write(reg::S2MM_DMASR, reg::IOC_IRQ);
      board.clock().sleep_for(std::chrono::microseconds(5));
    }
    return times;
  };
  const auto a = frame_times(1), b = frame_times(1), c = frame_times(2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const double frame = static_cast<double>((4 * kRegisterAccess + s2mm_time(256)).count());
  for (std::int64_t t : a) EXPECT_NEAR(static_cast<double>(t), frame, 2000.0);
}

TEST(VirtualBoardMapping, UnknownBaseAndOversizedWindowsAreErrors) {
  VirtualBoard board(exact_config(), make_loopback_kernel());
  EXPECT_THROW(board.map_registers(0x41000000, 0x10000), Error);
  EXPECT_THROW(board.map_registers(0x40400000, 0x20000), Error);
  EXPECT_THROW(board.open_interrupt(0x40400000, 2), Error);
  EXPECT_EQ(board.name(), "virtual");
}

TEST(VirtualBoardMapping, KernelAndDmaTopologyMustMatch) {
  VirtualBoardConfig config = exact_config();
  config.dmas[0].has_s2mm = false;
  EXPECT_THROW(VirtualBoard(config, make_loopback_kernel()), Error);
  config = exact_config();
  EXPECT_THROW(VirtualBoard(config, make_loopback_kernel(64)), Error);
  config.dmas[0].length_width = 30;
  EXPECT_THROW(VirtualBoard(config, make_loopback_kernel()), Error);
}

TEST(VirtualBoardWide, SixtyFourBitStreamsMoveEightBytesPerBeat) {
  VirtualBoardConfig config = exact_config();
  config.dmas[0].mm2s_stream_bits = config.dmas[0].s2mm_stream_bits = 64;
  VirtualBoard board(config, make_loopback_kernel(64));
  DmaDriverForTest dma(board);
  auto in = board.memory().allocate(1000), out = board.memory().allocate(1000);
  fill_words(*in, 5);
  dma.run_both();
  dma.start_s2mm(out->physical_address(), 1000);
  dma.start_mm2s(in->physical_address(), 1000);
  EXPECT_NE(dma.poll(reg::S2MM_DMASR, reg::IDLE) & reg::IDLE, 0u);
  EXPECT_EQ(dma.read(reg::S2MM_LENGTH), 1000u);
  EXPECT_TRUE(same_bytes(*in, *out, 1000));
  EXPECT_EQ(board.stats().words_moved, 2u * 125u);
  // 4-byte aligned is not 8-byte aligned.
  dma.start_mm2s(in->physical_address() + 4, 64);
  EXPECT_NE(dma.poll(reg::MM2S_DMASR, reg::DMA_INT_ERR) & reg::DMA_INT_ERR, 0u);
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing

namespace zynqnn::virtual_board::testing {
namespace {

// Consumes one packet from its only input and produces nothing.
class Sink final : public PlKernel {
 public:
  void run_frame(std::span<AxisPort> in, std::span<AxisPort>) override {
    while (!in[0].stream32().read().last) {
    }
  }
  std::size_t num_outputs() const override { return 0; }
};

TEST(VirtualBoardTopology, AnAbsentChannelReadsZeroAndHasNoInterruptLine) {
  VirtualBoardConfig config = exact_config();
  config.dmas[0].has_s2mm = false;
  VirtualBoard board(config, std::make_shared<Sink>());
  DmaDriverForTest dma(board);
  EXPECT_EQ(board.open_interrupt(0x40400000, 1), nullptr);
  EXPECT_NE(board.open_interrupt(0x40400000, 0), nullptr);
  dma.write(reg::S2MM_DMACR, reg::RS);
  EXPECT_EQ(dma.read(reg::S2MM_DMACR), 0u);
  EXPECT_EQ(dma.read(reg::S2MM_DMASR), 0u);
  auto in = board.memory().allocate(256);
  dma.write(reg::MM2S_DMACR, reg::RS);
  dma.start_mm2s(in->physical_address(), 256);
  EXPECT_EQ(dma.poll(reg::MM2S_DMASR, reg::IDLE), reg::IDLE | reg::IOC_IRQ);
  board.clock().sleep_for(std::chrono::microseconds(1));
  EXPECT_EQ(board.stats().frames, 1u);
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing
