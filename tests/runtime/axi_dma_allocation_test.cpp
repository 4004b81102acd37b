// The per-call path (arm receive, send, wait for both) allocates nothing: counted by replacing
// the global operator new in this test program.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "zynqnn/runtime/axi_dma.hpp"
#include "zynqnn/runtime/null_board.hpp"

namespace {
std::atomic<long> allocations{0};
}  // namespace

// The replacements pair malloc with free; GCC cannot see that they replace each other.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace zynqnn {
namespace {

TEST(AxiDmaAllocationTest, RoundTripsAllocateNothing) {
  for (WaitStrategy strategy : {WaitStrategy::busy_poll, WaitStrategy::poll_with_backoff, WaitStrategy::interrupt}) {
    NullBoard board;
    AxiDmaOptions options;
    options.wait_strategy = strategy;
    AxiDma dma(board, AxiDmaConfig{}, options);
    auto in = board.memory().allocate(4096);
    auto out = board.memory().allocate(4096);
    dma.register_buffer(*in);
    dma.register_buffer(*out);
    dma.init();
    const long before = allocations.load();
    ASSERT_GT(before, 0) << "the counting operator new is in use";
    for (int call = 0; call < 1000; ++call) {
      const Nanoseconds deadline = board.clock().now() + std::chrono::milliseconds(10);
      dma.start_receive(*out, 0, 4096);
      dma.start_send_at(in->physical_address(), 4096);
      ASSERT_TRUE(dma.wait(DmaChannel::mm2s, deadline).done());
      ASSERT_EQ(dma.wait(DmaChannel::s2mm, deadline).bytes, 4096u);
    }
    EXPECT_EQ(allocations.load() - before, 0) << to_string(strategy);
    EXPECT_EQ(dma.statistics().transfers_done, 2000u);
  }
}

}  // namespace
}  // namespace zynqnn
