// Reconfiguration, shutdown, concurrency and real-time mode.
#include <gtest/gtest.h>

#include <dirent.h>

#include <atomic>
#include <thread>

#include "dma_test_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board::testing {
namespace {

int thread_count() {
  // Sanitizer runtimes start a helper thread with the first thread a program creates: make
  // sure it exists before anything is counted.
  static const bool warmed_up = [] {
    std::thread([] {}).join();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the joined one vanish
    return true;
  }();
  (void)warmed_up;
  int count = 0;
  if (DIR* dir = opendir("/proc/self/task")) {
    while (dirent* entry = readdir(dir))
      if (entry->d_name[0] != '.') ++count;
    closedir(dir);
  }
  return count;
}

// A joined thread can linger in /proc for a moment (and under user-mode emulation the host
// thread ends a little after the guest's join returns): wait briefly for the count to drop.
int settled_thread_count(int expected) {
  int count = thread_count();
  for (int i = 0; i < 200 && count > expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    count = thread_count();
  }
  return count;
}

// One loopback frame of `bytes`; true when it completed with the right data.
bool clean_frame(VirtualBoard& board, DmaDriverForTest& dma, DmaBuffer& in, DmaBuffer& out, std::uint32_t bytes) {
  std::memset(out.data(), 0, bytes);
  dma.start_s2mm(out.physical_address(), bytes);
  dma.start_mm2s(in.physical_address(), bytes);
  const std::uint32_t s2mm = dma.poll(reg::S2MM_DMASR, reg::IDLE | 0x70u, std::chrono::microseconds(100));
  const std::uint32_t mm2s = dma.poll(reg::MM2S_DMASR, reg::IDLE | 0x70u, std::chrono::microseconds(100));
  if (s2mm != (reg::IDLE | reg::IOC_IRQ) || mm2s != (reg::IDLE | reg::IOC_IRQ)) return false;
  dma.write(reg::S2MM_DMASR, reg::IOC_IRQ);
  dma.write(reg::MM2S_DMASR, reg::IOC_IRQ);
  (void)board;
  return dma.read(reg::S2MM_LENGTH) == bytes && same_bytes(in, out, bytes);
}

TEST(Reconfigure, AFailedLoadLeavesThePlDownUntilALoadSucceeds) {
  VirtualBoard board(exact_config(), make_loopback_kernel());
  DmaDriverForTest dma(board);  // mapped while the PL is up
  auto in = board.memory().allocate(1024), out = board.memory().allocate(1024);
  fill_words(*in, 3);
  dma.run_both();
  board.inject({FaultKind::load_failure});
  try {
    board.reconfigure();
    FAIL() << "the injected load failure did not fail the load";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(std::string(error.what()).find("load_failure"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(board.pl_up());
  EXPECT_EQ(board.generation(), 0u);
  const Stats down = board.stats();
  EXPECT_THROW((void)dma.read(reg::MM2S_DMASR), Error);
  EXPECT_THROW(dma.write(reg::MM2S_DMACR, reg::RS), Error);
  EXPECT_THROW((void)board.map_registers(0x40400000, 0x10000), Error);
  EXPECT_EQ(board.stats().soft_resets, down.soft_resets);
  EXPECT_EQ(board.stats().register_reads, down.register_reads) << "no register was read after the failed load";
  EXPECT_EQ(board.stats().register_writes, down.register_writes) << "nor written";

  board.reconfigure();  // a transient failure: the next load succeeds
  EXPECT_TRUE(board.pl_up());
  EXPECT_EQ(board.generation(), 1u);
  dma.run_both();
  EXPECT_TRUE(clean_frame(board, dma, *in, *out, 1024)) << "the kernel runs again after the good load";
}

TEST(Reconfigure, APersistentLoadFailureLastsUntilTheFaultsAreCleared) {
  VirtualBoard board(exact_config(), make_loopback_kernel());
  board.inject({FaultKind::load_failure, true});
  EXPECT_THROW(board.reconfigure(), Error);
  EXPECT_THROW(board.reconfigure(), Error);
  EXPECT_FALSE(board.pl_up());
  board.clear_faults();
  board.reconfigure();
  EXPECT_TRUE(board.pl_up());
}

TEST(Reconfigure, RestoresAWorkingBoardAfterAPersistentHang) {
  VirtualBoard board(exact_config(), make_loopback_kernel());
  DmaDriverForTest dma(board);
  auto in = board.memory().allocate(1024), out = board.memory().allocate(1024);
  fill_words(*in, 1);
  board.inject({FaultKind::hang, true});
  dma.run_both();
  EXPECT_FALSE(clean_frame(board, dma, *in, *out, 1024));
  EXPECT_EQ(dma.read(reg::MM2S_DMASR) & reg::IDLE, 0u);

  const Nanoseconds before = board.clock().now();
  board.reconfigure();
  EXPECT_EQ(board.generation(), 1u);
  EXPECT_GE(board.clock().now() - before, board.config().reconfigure_time);
  EXPECT_EQ(dma.read(reg::MM2S_DMACR), reg::DMACR_RESET_VALUE) << "the old mapping sees a reset DMA";
  EXPECT_EQ(dma.read(reg::S2MM_DMASR), reg::HALTED);
  dma.run_both();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(clean_frame(board, dma, *in, *out, 1024)) << "frame " << i;
  EXPECT_EQ(board.stats().reconfigurations, 1u);
}

TEST(Reconfigure, ThousandHangReconfigureCleanCycles) {
  const int threads_before = thread_count();
  {
    VirtualBoard board(exact_config(), make_loopback_kernel());
    DmaDriverForTest dma(board);
    auto in = board.memory().allocate(512), out = board.memory().allocate(512);
    fill_words(*in, 2);
    for (int cycle = 0; cycle < 1000; ++cycle) {
      board.inject({FaultKind::hang});
      dma.run_both();
      dma.start_s2mm(out->physical_address(), 512);
      dma.start_mm2s(in->physical_address(), 512);
      board.clock().sleep_for(std::chrono::microseconds(20));
      ASSERT_EQ(dma.read(reg::S2MM_DMASR) & reg::IDLE, 0u) << "cycle " << cycle;
      board.reconfigure();
      dma.run_both();
      ASSERT_TRUE(clean_frame(board, dma, *in, *out, 512)) << "cycle " << cycle;
    }
    const Stats stats = board.stats();
    EXPECT_EQ(stats.reconfigurations, 1000u);
    EXPECT_EQ(stats.frames, 1000u);
    EXPECT_EQ(stats.faults_applied, 1000u);
    EXPECT_EQ(board.generation(), 1000u);
  }
  EXPECT_LE(settled_thread_count(threads_before), threads_before) << "no thread outlives the board";
}

TEST(Shutdown, DestroyingABoardWithStuckTransfersEndsEveryThread) {
  const int threads_before = thread_count();
  {
    VirtualBoard board(exact_config(), make_loopback_kernel());
    DmaDriverForTest dma(board);
    auto in = board.memory().allocate(4096), out = board.memory().allocate(64);
    board.inject({FaultKind::hang, true});
    dma.run_both();
    dma.start_s2mm(out->physical_address(), 64);
    dma.start_mm2s(in->physical_address(), 4096);
    board.clock().sleep_for(std::chrono::microseconds(50));
    EXPECT_GT(thread_count(), threads_before);
  }
  EXPECT_LE(settled_thread_count(threads_before), threads_before);
}

TEST(Shutdown, RegistersAndBuffersMayOutliveTheBoard) {
  std::unique_ptr<RegisterSpace> regs;
  std::unique_ptr<DmaBuffer> buffer;
  {
    VirtualBoard board(exact_config(), make_loopback_kernel());
    regs = board.map_registers(0x40400000, 0x10000);
    buffer = board.memory().allocate(64);
  }
  regs->write32(reg::MM2S_DMACR, reg::RS);
  regs->write32(reg::MM2S_LENGTH, 64);  // ignored: the engines are gone
  EXPECT_EQ(regs->read32(reg::MM2S_DMASR) & reg::IDLE, 0u);
  buffer->data()[0] = std::byte{1};
  buffer.reset();
}

// Two independent loopbacks through one kernel: input i goes to output i.
class TwoChannelLoopback final : public PlKernel {
 public:
  void run_frame(std::span<AxisPort> in, std::span<AxisPort> out) override {
    // Whichever input has data first; the board starts a frame only when one has.
    const std::size_t i = in[0].stream32().empty() ? 1 : 0;
    for (;;) {
      AxisWord32 word = in[i].stream32().read();
      out[i].stream32().write(word);
      if (word.last) return;
    }
  }
  std::size_t num_inputs() const override { return 2; }
  std::size_t num_outputs() const override { return 2; }
};

TEST(Concurrency, TwoThreadsUseTwoDmasOfOneBoard) {
  VirtualBoardConfig config = exact_config();
  config.dmas.push_back(DmaConfig{"axi_dma_1", 0x40410000});
  VirtualBoard board(config, std::make_shared<TwoChannelLoopback>());
  std::atomic<int> good[2] = {0, 0};
  auto worker = [&](int index) {
    DmaDriverForTest dma(board, index == 0 ? 0x40400000 : 0x40410000);
    auto in = board.memory().allocate(256), out = board.memory().allocate(256);
    fill_words(*in, 100 + index);
    dma.run_both();
    for (int i = 0; i < 100; ++i)
      if (clean_frame(board, dma, *in, *out, 256)) ++good[index];
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(good[0].load(), 100);
  EXPECT_EQ(good[1].load(), 100);
  EXPECT_EQ(board.stats().frames, 200u);
}

TEST(RealTime, LoopbackWorksAndModeledDurationsAreMinimums) {
  VirtualBoardConfig config = exact_config();
  config.time = TimeMode::real;
  config.pl_clock_mhz = 0.1;  // 10 us per beat: 64 beats take at least 640 us
  VirtualBoard board(config, make_loopback_kernel());
  DmaDriverForTest dma(board);
  auto in = board.memory().allocate(256), out = board.memory().allocate(256);
  fill_words(*in, 3);
  dma.run_both();
  const auto start = std::chrono::steady_clock::now();
  dma.start_s2mm(out->physical_address(), 256);
  dma.start_mm2s(in->physical_address(), 256);
  const std::uint32_t status = dma.poll(reg::S2MM_DMASR, reg::IDLE, std::chrono::seconds(5), std::chrono::microseconds(50));
  EXPECT_EQ(status, reg::IDLE | reg::IOC_IRQ);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::microseconds(640));
  EXPECT_TRUE(same_bytes(*in, *out, 256));
  board.reconfigure();
  EXPECT_EQ(board.generation(), 1u);
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing
