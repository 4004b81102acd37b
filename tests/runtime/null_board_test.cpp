// The null board: the driver runs on it end to end, every transfer completing at once.
#include "zynqnn/runtime/null_board.hpp"

#include <gtest/gtest.h>

#include "zynqnn/runtime/axi_dma.hpp"

namespace zynqnn {
namespace {

TEST(NullBoardTest, DriverRoundTripsWithEveryWaitStrategy) {
  for (WaitStrategy strategy : {WaitStrategy::busy_poll, WaitStrategy::poll_with_backoff, WaitStrategy::interrupt}) {
    NullBoard board;
    AxiDmaOptions options;
    options.wait_strategy = strategy;
    AxiDma dma(board, AxiDmaConfig{}, options);
    auto in = board.memory().allocate(1024);
    auto out = board.memory().allocate(1024);
    dma.register_buffer(*in);
    dma.register_buffer(*out);
    dma.init();
    const Nanoseconds deadline = board.clock().now() + std::chrono::milliseconds(100);
    dma.start_receive(*out, 0, 1024);
    dma.start_send(*in, 0, 512);
    EXPECT_EQ(dma.wait(DmaChannel::mm2s, deadline).bytes, 512u) << to_string(strategy);
    EXPECT_EQ(dma.wait(DmaChannel::s2mm, deadline).bytes, 1024u) << to_string(strategy);
    board.reconfigure();
    EXPECT_THROW(dma.start_send(*in, 0, 4), Error);
    dma.init();
    EXPECT_TRUE(dma.ready());
  }
}

TEST(NullBoardTest, HostMemoryHandsOutAlignedDisjointBuffersBelow4GiB) {
  HostDmaMemory memory;
  auto a = memory.allocate(100, 64);
  auto b = memory.allocate(100, 4096);
  EXPECT_EQ(a->physical_address() % 64, 0u);
  EXPECT_EQ(b->physical_address() % 4096, 0u);
  EXPECT_GE(b->physical_address(), a->physical_address() + 100);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b->data()) % 4096, 0u);
  EXPECT_LT(b->physical_address() + b->size(), 0x1'0000'0000u);
  EXPECT_THROW((void)memory.allocate(0), Error);
  EXPECT_THROW((void)memory.allocate(64, 48), Error);
}

}  // namespace
}  // namespace zynqnn
