#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {
namespace {

class SimulatedDdrTest : public ::testing::Test {
 protected:
  static VirtualBoardConfig config() {
    VirtualBoardConfig c;
    c.ddr_bytes = 1u << 20;
    return c;
  }
  SimulatedDdrTest() : board_(config(), make_loopback_kernel()) {}
  VirtualBoard board_;
};

TEST_F(SimulatedDdrTest, BuffersAreAlignedDisjointAndInsideTheDdr) {
  std::vector<std::unique_ptr<DmaBuffer>> buffers;
  for (std::size_t alignment : {1u, 64u, 4096u, 64u, 8u}) {
    buffers.push_back(board_.memory().allocate(1000, alignment));
    EXPECT_EQ(buffers.back()->physical_address() % alignment, 0u);
  }
  std::set<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& b : buffers) {
    EXPECT_GE(b->physical_address(), board_.config().ddr_base);
    EXPECT_LE(b->physical_address() + b->size(), board_.config().ddr_base + board_.config().ddr_bytes);
    for (const auto& [lo, hi] : ranges) EXPECT_TRUE(b->physical_address() >= hi || b->physical_address() + b->size() <= lo);
    ranges.emplace(b->physical_address(), b->physical_address() + b->size());
    std::memset(b->data(), 0x5A, b->size());
  }
}

TEST_F(SimulatedDdrTest, FreedMemoryIsReusedAndCoalesced) {
  const std::size_t quarter = board_.config().ddr_bytes / 4;
  std::vector<std::unique_ptr<DmaBuffer>> buffers;
  for (int i = 0; i < 4; ++i) buffers.push_back(board_.memory().allocate(quarter, 64));
  EXPECT_THROW(board_.memory().allocate(64), Error);
  buffers[1].reset();
  buffers[2].reset();
  auto half = board_.memory().allocate(2 * quarter, 64);  // needs the two freed neighbours merged
  EXPECT_EQ(half->size(), 2 * quarter);
  buffers.clear();
  half.reset();
  EXPECT_EQ(board_.memory().allocate(board_.config().ddr_bytes, 64)->size(), board_.config().ddr_bytes);
}

TEST_F(SimulatedDdrTest, OutOfMemoryAndBadRequestsAreErrors) {
  try {
    board_.memory().allocate(board_.config().ddr_bytes + 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::out_of_range);
    EXPECT_NE(e.message().find("out of simulated DDR"), std::string::npos);
  }
  EXPECT_THROW(board_.memory().allocate(0), Error);
  EXPECT_THROW(board_.memory().allocate(64, 48), Error);
}

TEST_F(SimulatedDdrTest, SyncIsBoundsChecked) {
  auto b = board_.memory().allocate(256);
  EXPECT_NO_THROW(b->sync_for_device(0, 256));
  EXPECT_NO_THROW(b->sync_for_cpu(128, 128));
  EXPECT_THROW(b->sync_for_cpu(128, 129), Error);
  EXPECT_THROW(b->sync_for_device(257, 0), Error);
}

}  // namespace
}  // namespace zynqnn::virtual_board
