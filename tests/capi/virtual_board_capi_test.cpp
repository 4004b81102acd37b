// The virtual board as a bus through the C ABI (zynqnn_virtual_board_*): a generated
// pass-through kernel driven register by register as PYNQ's DMA driver does (PG021's
// direct-register order: S2MM armed first, then MM2S; LENGTH written last), DMA memory from the
// simulated DDR, and refusals with a status and a message that names the problem.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "../support/passthrough_kernel.hpp"
#include "zynqnn/zynqnn.h"

namespace {

constexpr std::uint64_t kDma = 0x40400000;  // the generated design's axi_dma_0
constexpr std::uint32_t kMm2sDmacr = 0x00, kMm2sDmasr = 0x04, kMm2sSa = 0x18, kMm2sLength = 0x28;
constexpr std::uint32_t kS2mmDmacr = 0x30, kS2mmDmasr = 0x34, kS2mmDa = 0x48, kS2mmLength = 0x58;
constexpr std::uint32_t kHalted = 0x1, kIdle = 0x2;
constexpr std::size_t kBytes = 64 * 4;  // the kernel's frame

std::string last_error() { return zynqnn_last_error(); }

class VirtualBoardCapiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { root_ = zynqnn::testing::make_passthrough_suite("zynqnn_vb_capi"); }
  static void TearDownTestSuite() { zynqnn::testing::remove_passthrough_suite(root_); }
  static std::string manifest() { return (*root_ / "passthrough" / "manifest.json").string(); }

  void open(const char* time_mode) {
    zynqnn_virtual_board_options options;
    ASSERT_EQ(zynqnn_virtual_board_options_init(&options), ZYNQNN_OK);
    options.time_mode = time_mode;
    ASSERT_EQ(zynqnn_virtual_board_open(manifest().c_str(), &options, &board_), ZYNQNN_OK) << last_error();
  }
  void TearDown() override { zynqnn_virtual_board_close(board_); }

  std::uint32_t read(std::uint32_t offset) {
    std::uint32_t value = 0;
    EXPECT_EQ(zynqnn_virtual_board_read32(board_, kDma + offset, &value), ZYNQNN_OK) << last_error();
    return value;
  }
  void write(std::uint32_t offset, std::uint32_t value) {
    EXPECT_EQ(zynqnn_virtual_board_write32(board_, kDma + offset, value), ZYNQNN_OK) << last_error();
  }
  // Busy-polls DMASR as PYNQ's _SDMAChannel.wait does, bounded by 10 s of real time.
  bool wait_idle(std::uint32_t status_offset) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline)
      if (read(status_offset) & kIdle) return true;
    return false;
  }
  // One frame through the kernel, register by register; returns what arrived.
  std::vector<std::int32_t> transfer(const std::vector<std::int32_t>& frame) {
    void* in = nullptr;
    void* out = nullptr;
    std::uint64_t in_address = 0, out_address = 0;
    EXPECT_EQ(zynqnn_virtual_board_allocate(board_, kBytes, 4096, &in, &in_address), ZYNQNN_OK) << last_error();
    EXPECT_EQ(zynqnn_virtual_board_allocate(board_, kBytes, 4096, &out, &out_address), ZYNQNN_OK) << last_error();
    std::memcpy(in, frame.data(), kBytes);
    write(kS2mmDmacr, 1);
    write(kMm2sDmacr, 1);
    EXPECT_EQ(read(kS2mmDmasr) & kHalted, 0u);
    write(kS2mmDa, static_cast<std::uint32_t>(out_address));
    write(kS2mmLength, kBytes);
    write(kMm2sSa, static_cast<std::uint32_t>(in_address));
    write(kMm2sLength, kBytes);
    EXPECT_TRUE(wait_idle(kMm2sDmasr));
    EXPECT_TRUE(wait_idle(kS2mmDmasr));
    EXPECT_EQ(read(kS2mmLength), kBytes);
    std::vector<std::int32_t> received(frame.size());
    std::memcpy(received.data(), out, kBytes);
    EXPECT_EQ(zynqnn_virtual_board_free(board_, in_address), ZYNQNN_OK) << last_error();
    EXPECT_EQ(zynqnn_virtual_board_free(board_, out_address), ZYNQNN_OK) << last_error();
    return received;
  }

  static std::filesystem::path* root_;
  zynqnn_virtual_board* board_ = nullptr;
};

std::filesystem::path* VirtualBoardCapiTest::root_ = nullptr;

std::vector<std::int32_t> numbered_frame(std::int32_t offset) {
  std::vector<std::int32_t> frame(kBytes / 4);
  for (std::size_t k = 0; k < frame.size(); ++k) frame[k] = offset + static_cast<std::int32_t>(k * 7);
  return frame;
}

TEST_F(VirtualBoardCapiTest, DescribesItsWindowsAndMemory) {
  open("real");
  std::size_t count = 0;
  ASSERT_EQ(zynqnn_virtual_board_window_count(board_, &count), ZYNQNN_OK);
  ASSERT_EQ(count, 1u);
  zynqnn_register_window window{};
  ASSERT_EQ(zynqnn_virtual_board_window_get(board_, 0, &window), ZYNQNN_OK);
  EXPECT_STREQ(window.name, "axi_dma_0");
  EXPECT_EQ(window.base, kDma);
  EXPECT_EQ(window.size, 0x10000u);
  EXPECT_EQ(zynqnn_virtual_board_window_get(board_, 1, &window), ZYNQNN_OUT_OF_RANGE);
  std::uint64_t base = 0, bytes = 0;
  ASSERT_EQ(zynqnn_virtual_board_memory_range(board_, &base, &bytes), ZYNQNN_OK);
  EXPECT_GT(bytes, 0u);
  void* data = nullptr;
  std::uint64_t address = 0;
  ASSERT_EQ(zynqnn_virtual_board_allocate(board_, 100, 4096, &data, &address), ZYNQNN_OK) << last_error();
  EXPECT_NE(data, nullptr);
  EXPECT_EQ(address % 4096, 0u);
  EXPECT_GE(address, base);
  EXPECT_LE(address + 100, base + bytes);
  zynqnn_virtual_board_stats stats{};
  ASSERT_EQ(zynqnn_virtual_board_stats_get(board_, &stats), ZYNQNN_OK);
  EXPECT_EQ(stats.bytes_allocated, 100u);
}

TEST_F(VirtualBoardCapiTest, AfterResetBothChannelsAreHalted) {
  open("real");
  EXPECT_EQ(read(kMm2sDmasr) & kHalted, kHalted);
  EXPECT_EQ(read(kS2mmDmasr) & kHalted, kHalted);
}

TEST_F(VirtualBoardCapiTest, RunsTheKernelRegisterByRegisterInRealTime) {
  open("real");
  const auto frame = numbered_frame(-1000);
  EXPECT_EQ(transfer(frame), frame);
  EXPECT_EQ(transfer(numbered_frame(5)), numbered_frame(5));
  zynqnn_virtual_board_stats stats{};
  ASSERT_EQ(zynqnn_virtual_board_stats_get(board_, &stats), ZYNQNN_OK);
  EXPECT_EQ(stats.frames, 2u);
  EXPECT_EQ(stats.mm2s_transfers, 2u);
  EXPECT_EQ(stats.s2mm_transfers, 2u);
  EXPECT_EQ(stats.bytes_moved, 4 * kBytes);
  EXPECT_EQ(stats.dma_errors, 0u);
  EXPECT_EQ(stats.register_writes, 12u);
  EXPECT_GT(stats.register_reads, 0u);
  EXPECT_EQ(stats.bytes_allocated, 0u);
  std::int64_t now = 0;
  ASSERT_EQ(zynqnn_virtual_board_now(board_, &now), ZYNQNN_OK);
  EXPECT_GT(now, 0);
}

TEST_F(VirtualBoardCapiTest, ModeledTimeStartsAtZero) {
  open("modeled");
  std::int64_t now = -1;
  ASSERT_EQ(zynqnn_virtual_board_now(board_, &now), ZYNQNN_OK);
  EXPECT_EQ(now, 0);
}

TEST_F(VirtualBoardCapiTest, ReconfigureResetsTheDmas) {
  open("real");
  write(kMm2sDmacr, 1);
  EXPECT_EQ(read(kMm2sDmasr) & kHalted, 0u);
  ASSERT_EQ(zynqnn_virtual_board_reconfigure(board_), ZYNQNN_OK) << last_error();
  EXPECT_EQ(read(kMm2sDmasr) & kHalted, kHalted);
  zynqnn_virtual_board_stats stats{};
  ASSERT_EQ(zynqnn_virtual_board_stats_get(board_, &stats), ZYNQNN_OK);
  EXPECT_EQ(stats.reconfigurations, 1u);
  const auto frame = numbered_frame(3);
  EXPECT_EQ(transfer(frame), frame);
}

TEST_F(VirtualBoardCapiTest, AnAddressInNoWindowNamesTheAddressAndTheWindows) {
  open("real");
  std::uint32_t value = 0;
  EXPECT_EQ(zynqnn_virtual_board_read32(board_, 0x40410000, &value), ZYNQNN_OUT_OF_RANGE);
  const std::string message = last_error();
  EXPECT_NE(message.find("read at physical address 0x40410000"), std::string::npos) << message;
  EXPECT_NE(message.find("axi_dma_0 [0x40400000, 0x40410000)"), std::string::npos) << message;
  EXPECT_NE(message.find("hang the bus"), std::string::npos) << message;
  EXPECT_EQ(zynqnn_virtual_board_write32(board_, 0x0, 1), ZYNQNN_OUT_OF_RANGE);
  EXPECT_NE(last_error().find("write at physical address 0x0"), std::string::npos) << last_error();
  EXPECT_EQ(zynqnn_virtual_board_read32(board_, kDma + 2, &value), ZYNQNN_OUT_OF_RANGE) << "unaligned";
  EXPECT_NE(last_error().find("0x2"), std::string::npos) << last_error();
}

TEST_F(VirtualBoardCapiTest, RefusesBadArguments) {
  open("real");
  std::uint32_t value = 0;
  void* data = nullptr;
  std::uint64_t address = 0;
  EXPECT_EQ(zynqnn_virtual_board_read32(nullptr, kDma, &value), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_read32(board_, kDma, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("value is NULL"), std::string::npos);
  EXPECT_EQ(zynqnn_virtual_board_write32(nullptr, kDma, 1), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_allocate(board_, 0, 64, &data, &address), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("0-byte"), std::string::npos) << last_error();
  EXPECT_EQ(zynqnn_virtual_board_allocate(board_, 64, 3, &data, &address), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("power of two"), std::string::npos) << last_error();
  EXPECT_EQ(zynqnn_virtual_board_allocate(board_, std::size_t{1} << 40, 64, &data, &address), ZYNQNN_OUT_OF_RANGE);
  EXPECT_NE(last_error().find("out of simulated DDR"), std::string::npos) << last_error();
  EXPECT_EQ(zynqnn_virtual_board_allocate(board_, 64, 64, nullptr, &address), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_allocate(board_, 64, 64, &data, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_free(board_, 0x1234), ZYNQNN_NOT_FOUND);
  EXPECT_NE(last_error().find("0x1234"), std::string::npos) << last_error();
  ASSERT_EQ(zynqnn_virtual_board_allocate(board_, 64, 64, &data, &address), ZYNQNN_OK);
  EXPECT_EQ(zynqnn_virtual_board_free(board_, address), ZYNQNN_OK);
  EXPECT_EQ(zynqnn_virtual_board_free(board_, address), ZYNQNN_NOT_FOUND) << "a second free";
  EXPECT_EQ(zynqnn_virtual_board_memory_range(board_, nullptr, &address), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_now(board_, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_stats_get(board_, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_window_count(board_, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_reconfigure(nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_options_init(nullptr), ZYNQNN_INVALID_ARGUMENT);
  zynqnn_virtual_board_close(nullptr);  // a no-op, as free(NULL)
}

TEST_F(VirtualBoardCapiTest, RefusesBadOptionsAndManifests) {
  zynqnn_virtual_board_options options;
  ASSERT_EQ(zynqnn_virtual_board_options_init(&options), ZYNQNN_OK);
  EXPECT_STREQ(options.time_mode, "modeled");
  options.time_mode = "fast";
  EXPECT_EQ(zynqnn_virtual_board_open(manifest().c_str(), &options, &board_), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("\"modeled\" or \"real\", got \"fast\""), std::string::npos) << last_error();
  EXPECT_EQ(board_, nullptr);
  options.time_mode = nullptr;
  EXPECT_EQ(zynqnn_virtual_board_open(manifest().c_str(), &options, &board_), ZYNQNN_INVALID_ARGUMENT);
  options.time_mode = "real";
  options.pl_clock_mhz = -5;
  EXPECT_EQ(zynqnn_virtual_board_open(manifest().c_str(), &options, &board_), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("pl_clock_mhz"), std::string::npos) << last_error();
  EXPECT_NE(zynqnn_virtual_board_open("/nonexistent/manifest.json", nullptr, &board_), ZYNQNN_OK);
  EXPECT_NE(last_error().find("/nonexistent/manifest.json"), std::string::npos) << last_error();
  EXPECT_EQ(zynqnn_virtual_board_open(nullptr, nullptr, &board_), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_virtual_board_open(manifest().c_str(), nullptr, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(board_, nullptr);
}

TEST_F(VirtualBoardCapiTest, AfterShutdownOnlyFreeAndCloseWork) {
  open("real");
  void* data = nullptr;
  std::uint64_t address = 0;
  ASSERT_EQ(zynqnn_virtual_board_allocate(board_, 256, 64, &data, &address), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_virtual_board_shutdown(board_), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_virtual_board_shutdown(board_), ZYNQNN_OK) << "idempotent";
  std::memset(data, 0x5a, 256);  // still valid memory until freed
  std::uint32_t value = 0;
  EXPECT_EQ(zynqnn_virtual_board_read32(board_, kDma + kMm2sDmasr, &value), ZYNQNN_BAD_STATE);
  EXPECT_NE(last_error().find("shut down"), std::string::npos) << last_error();
  EXPECT_EQ(zynqnn_virtual_board_write32(board_, kDma, 1), ZYNQNN_BAD_STATE);
  EXPECT_EQ(zynqnn_virtual_board_allocate(board_, 64, 64, &data, &address), ZYNQNN_BAD_STATE);
  EXPECT_EQ(zynqnn_virtual_board_reconfigure(board_), ZYNQNN_BAD_STATE);
  EXPECT_EQ(zynqnn_virtual_board_free(board_, address), ZYNQNN_OK);
}

}  // namespace
