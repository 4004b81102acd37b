// Each injected fault, observed the way a driver sees it: through the DMA registers.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "dma_test_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board::testing {
namespace {

class Faults : public ::testing::Test {
 protected:
  Faults() : board_(exact_config(), make_loopback_kernel()), dma_(board_) {
    in_ = board_.memory().allocate(kBytes);
    out_ = board_.memory().allocate(4 * kBytes);
    fill_words(*in_, 42);
    dma_.run_both();
  }
  static constexpr std::uint32_t kBytes = 1024;  // 256 beats: more than the stream FIFOs hold

  // One frame: receive (into a buffer of `receive_bytes`), send kBytes, poll both channels.
  struct Frame {
    std::uint32_t s2mm_status, mm2s_status, received;
    Nanoseconds duration;
  };
  Frame frame(std::uint32_t receive_bytes = 4 * kBytes, Nanoseconds timeout = std::chrono::milliseconds(1)) {
    std::memset(out_->data(), 0, out_->size());
    dma_.start_s2mm(out_->physical_address(), receive_bytes);
    dma_.start_mm2s(in_->physical_address(), kBytes);
    const Nanoseconds start = board_.clock().now();  // the MM2S LENGTH write has just ended
    const std::uint32_t s2mm = dma_.poll(reg::S2MM_DMASR, reg::IDLE | 0x70u, timeout, kPollStep);
    const Nanoseconds duration = board_.clock().now() - start;
    const std::uint32_t mm2s = dma_.poll(reg::MM2S_DMASR, reg::IDLE | 0x70u, timeout);
    return {s2mm, mm2s, dma_.read(reg::S2MM_LENGTH), duration};
  }
  bool output_matches() const { return same_bytes(*in_, *out_, kBytes); }
  // The poll sees completion with the first status read that ends at or after it.
  static constexpr Nanoseconds kPollStep{10};
  static void expect_frame_time(Nanoseconds measured, Nanoseconds modeled) {
    EXPECT_GE(measured, modeled);
    EXPECT_LT(measured, modeled + kPollStep + kRegisterAccess);
  }

  VirtualBoard board_;
  DmaDriverForTest dma_;
  std::unique_ptr<DmaBuffer> in_, out_;
};

TEST_F(Faults, CleanFrameBaseline) {
  const Frame f = frame();
  EXPECT_EQ(f.s2mm_status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_EQ(f.mm2s_status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_EQ(f.received, kBytes);
  EXPECT_TRUE(output_matches());
  expect_frame_time(f.duration, s2mm_time(256));
  EXPECT_EQ(board_.stats().faults_applied, 0u);
}

TEST_F(Faults, HangStopsTheKernel) {
  board_.inject({FaultKind::hang});
  const Frame f = frame();
  EXPECT_EQ(f.s2mm_status & reg::IDLE, 0u) << "no output ever comes";
  EXPECT_EQ(f.mm2s_status & reg::IDLE, 0u) << "the kernel stopped consuming: the sender is stuck";
  EXPECT_EQ(f.s2mm_status & 0x70u, 0u) << "a hang is silent: no error bit";
  EXPECT_EQ(board_.stats().faults_applied, 1u);
  // Even a transient hang lasts until the PL is reset.
  board_.clock().sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(dma_.read(reg::S2MM_DMASR) & reg::IDLE, 0u);
}

TEST_F(Faults, StallMultipliesTheFrameTime) {
  board_.inject({FaultKind::stall, false, 8.0});
  const Frame stalled = frame();
  EXPECT_EQ(stalled.s2mm_status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_TRUE(output_matches());
  expect_frame_time(stalled.duration, s2mm_time(256, 0, 8.0));
  const Frame next = frame();
  expect_frame_time(next.duration, s2mm_time(256));  // transient: the next frame only
}

TEST_F(Faults, MissingTlastLeavesTheReceiverWaiting) {
  board_.inject({FaultKind::missing_tlast});
  const Frame f = frame();
  EXPECT_EQ(f.s2mm_status & (reg::IDLE | 0x70u), 0u) << "no TLAST, no Idle: the classic hang";
  EXPECT_NE(f.mm2s_status & reg::IDLE, 0u) << "the sender finished";
  EXPECT_TRUE(output_matches()) << "the data itself arrived";
}

TEST_F(Faults, MissingTlastWithAnExactBufferOverrunsOnTheNextFrame) {
  board_.inject({FaultKind::missing_tlast});
  const Frame f = frame(kBytes);
  EXPECT_EQ(f.s2mm_status & (reg::IDLE | 0x70u), 0u);
  // The next frame's first word arrives while the receiver still waits for TLAST.
  dma_.start_mm2s(in_->physical_address(), kBytes);
  EXPECT_NE(dma_.poll(reg::S2MM_DMASR, reg::DMA_INT_ERR) & reg::DMA_INT_ERR, 0u);
}

TEST_F(Faults, ExtraWordsArriveAfterTheLastOne) {
  board_.inject({FaultKind::extra_words, false, 8.0, 3});
  const Frame f = frame();
  EXPECT_EQ(f.s2mm_status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_EQ(f.received, kBytes + 3 * 4) << "the final extra word carries TLAST";
  EXPECT_TRUE(output_matches());
}

TEST_F(Faults, ExtraWordsOverrunAnExactBuffer) {
  board_.inject({FaultKind::extra_words});
  const Frame f = frame(kBytes);
  EXPECT_EQ(f.s2mm_status, reg::HALTED | reg::DMA_INT_ERR | reg::ERR_IRQ);
}

TEST_F(Faults, CorruptOutputFlipsDataBits) {
  board_.inject({FaultKind::corrupt_output});
  const Frame f = frame();
  EXPECT_EQ(f.s2mm_status, reg::IDLE | reg::IOC_IRQ) << "corruption is silent at the register level";
  EXPECT_EQ(f.received, kBytes);
  EXPECT_FALSE(output_matches());
  const Frame next = frame();
  EXPECT_EQ(next.s2mm_status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_TRUE(output_matches()) << "transient: the next frame only";
}

TEST_F(Faults, BusErrorFailsTheNextTransferWithSlaveError) {
  board_.inject({FaultKind::bus_error});
  dma_.write(reg::MM2S_SA, static_cast<std::uint32_t>(in_->physical_address()));
  dma_.write(reg::MM2S_LENGTH, kBytes);
  EXPECT_EQ(dma_.poll(reg::MM2S_DMASR, 0x70u), reg::HALTED | reg::DMA_SLV_ERR | reg::ERR_IRQ);
  EXPECT_EQ(board_.stats().dma_errors, 1u);
  EXPECT_EQ(board_.stats().words_moved, 0u);
}

// A slave error on S2MM in a frame longer than the stream FIFOs: the channel halts, the
// kernel backs up on TREADY with its frame, and the sender stalls behind it. Every simulation
// thread is then blocked, so modeled time goes on: the driver's deadline, the soft reset and a
// reload all happen in modeled time, at once in real time.
TEST_F(Faults, S2mmBusErrorInALongFrameHaltsAndTheFrameStaysBehindTheReset) {
  const auto wall_start = std::chrono::steady_clock::now();
  board_.inject({FaultKind::bus_error, false, 8.0, 0, false, FaultChannel::s2mm});
  const Nanoseconds start = board_.clock().now();
  const Frame f = frame(4 * kBytes, std::chrono::milliseconds(1));
  EXPECT_EQ(f.s2mm_status, reg::HALTED | reg::DMA_SLV_ERR | reg::ERR_IRQ);
  EXPECT_EQ(f.mm2s_status & (reg::IDLE | 0x70u), 0u) << "the kernel backs up: the sender cannot finish";
  EXPECT_GE(board_.clock().now() - start, std::chrono::milliseconds(1)) << "the poll ran to its deadline";

  // The soft reset completes in modeled time; the stream still holds the broken frame.
  dma_.write(reg::S2MM_DMACR, reg::RESET);
  board_.clock().sleep_for(std::chrono::microseconds(1));
  EXPECT_EQ(dma_.read(reg::S2MM_DMACR) & reg::RESET, 0u);
  dma_.run_both();
  const Frame after_reset = frame();
  EXPECT_EQ(after_reset.s2mm_status, reg::IDLE | reg::IOC_IRQ);
  // 64 words in the FIFO and one in the kernel's hand come first, then the new frame whole
  // (the kernel finishes its old frame on the new input up to its TLAST).
  constexpr std::uint32_t kStale = 65 * 4;
  EXPECT_EQ(after_reset.received, kStale + kBytes);
  EXPECT_EQ(0, std::memcmp(out_->data(), in_->data(), kStale));
  EXPECT_EQ(0, std::memcmp(out_->data() + kStale, in_->data(), kBytes));

  // A reload clears it: the next frame is clean.
  board_.inject({FaultKind::bus_error, false, 8.0, 0, false, FaultChannel::s2mm});
  frame(4 * kBytes, std::chrono::milliseconds(1));
  board_.reconfigure();
  dma_.run_both();
  const Frame clean = frame();
  EXPECT_EQ(clean.s2mm_status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_EQ(clean.received, kBytes);
  EXPECT_TRUE(output_matches());
  EXPECT_EQ(board_.stats().dma_errors, 2u);
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(1));
}

TEST_F(Faults, EarlyTlastLeavesTheRestOfThePacketInTheStream) {
  board_.inject({FaultKind::early_tlast});
  const Frame f = frame(kBytes);
  EXPECT_EQ(f.s2mm_status, reg::IDLE | reg::IOC_IRQ) << "a short packet is not an error";
  EXPECT_EQ(f.received, kBytes / 2);
  EXPECT_EQ(f.mm2s_status, reg::IDLE | reg::IOC_IRQ);
  // The next transfer receives the rest of the kernel's packet, up to its own TLAST.
  std::memset(out_->data(), 0, out_->size());
  dma_.start_s2mm(out_->physical_address(), kBytes);
  EXPECT_EQ(dma_.poll(reg::S2MM_DMASR, reg::IDLE | 0x70u), reg::IDLE | reg::IOC_IRQ);
  EXPECT_EQ(dma_.read(reg::S2MM_LENGTH), kBytes / 2);
  EXPECT_EQ(0, std::memcmp(out_->data(), in_->data() + kBytes / 2, kBytes / 2));
  const Frame next = frame();
  EXPECT_EQ(next.received, kBytes);
  EXPECT_TRUE(output_matches()) << "the stream is clean again once the packet has drained";
}

TEST_F(Faults, PersistentFaultsLastUntilCleared) {
  board_.inject({FaultKind::corrupt_output, true});
  for (int i = 0; i < 3; ++i) {
    const Frame f = frame();
    EXPECT_EQ(f.s2mm_status, reg::IDLE | reg::IOC_IRQ);
    EXPECT_FALSE(output_matches()) << "frame " << i;
  }
  board_.clear_faults();
  frame();
  EXPECT_TRUE(output_matches());
  EXPECT_EQ(board_.stats().faults_applied, 3u);
}

TEST_F(Faults, PersistentBusErrorFailsEveryTransferUntilReconfigure) {
  board_.inject({FaultKind::bus_error, true});
  for (int i = 0; i < 2; ++i) {
    dma_.write(reg::MM2S_DMACR, reg::RESET);
    board_.clock().sleep_for(std::chrono::microseconds(1));
    dma_.run_both();
    dma_.start_mm2s(in_->physical_address(), kBytes);
    EXPECT_NE(dma_.poll(reg::MM2S_DMASR, 0x70u) & reg::DMA_SLV_ERR, 0u) << "transfer " << i;
  }
  board_.reconfigure();
  dma_.run_both();
  EXPECT_EQ(frame().s2mm_status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_TRUE(output_matches());
}

TEST_F(Faults, InvalidStallFactorIsRejected) {
  EXPECT_THROW(board_.inject({FaultKind::stall, false, 0.5}), Error);
  EXPECT_STREQ(to_string(FaultKind::missing_tlast), "missing_tlast");
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing
