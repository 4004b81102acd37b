// The AXI DMA driver against the virtual board's register-accurate DMA model and the seed
// loopback kernel: every outcome and error path, recovery cycles, concurrent use, bad input.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <thread>

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/runtime/axi_dma.hpp"
#include "zynqnn/runtime/axi_dma_registers.hpp"

namespace zynqnn {
namespace {

namespace vb = virtual_board;
namespace reg = axi_dma;
using namespace std::chrono_literals;

constexpr std::uint64_t kBase = 0x40400000;
constexpr std::size_t kBytes = 1024;  // 256 words: more than the stream FIFOs hold

vb::VirtualBoardConfig board_config() {
  vb::VirtualBoardConfig config;
  config.latency_jitter = Nanoseconds{0};  // exact modeled times
  return config;
}

AxiDmaConfig dma_config(std::string name = "axi_dma_0", std::uint64_t base = kBase) {
  AxiDmaConfig config;
  config.name = std::move(name);
  config.base = base;
  config.length_width = 26;
  return config;
}

void fill_words(DmaBuffer& buffer, std::uint32_t seed) {
  for (std::size_t i = 0; i + 4 <= buffer.size(); i += 4) {
    const std::uint32_t value = static_cast<std::uint32_t>(i) * 2654435761u ^ seed;
    std::memcpy(buffer.data() + i, &value, 4);
  }
}

bool same_bytes(const DmaBuffer& a, const DmaBuffer& b, std::size_t bytes) {
  return std::memcmp(a.data(), b.data(), bytes) == 0;
}

struct Trip {
  DmaWaitResult sent, received;
  Nanoseconds waited;
};

class DriverOnVirtualBoard : public ::testing::TestWithParam<WaitStrategy> {
 protected:
  DriverOnVirtualBoard() : board(board_config(), vb::make_loopback_kernel()) {}

  void SetUp() override {
    AxiDmaOptions options;
    options.wait_strategy = GetParam();
    dma = std::make_unique<AxiDma>(board, dma_config(), options);
    in = board.memory().allocate(kBytes);
    out = board.memory().allocate(4 * kBytes);
    fill_words(*in, 42);
    dma->register_buffer(*in);
    dma->register_buffer(*out);
    dma->init();
  }

  Trip trip(std::size_t receive_bytes = 4 * kBytes, Nanoseconds timeout = 1ms) {
    std::memset(out->data(), 0, out->size());
    const Nanoseconds start = board.clock().now();
    const Nanoseconds deadline = start + timeout;
    dma->start_receive(*out, 0, receive_bytes);
    dma->start_send(*in, 0, kBytes);
    Trip result;
    result.sent = dma->wait(DmaChannel::mm2s, deadline);
    result.received = dma->wait(DmaChannel::s2mm, deadline);
    result.waited = board.clock().now() - start;
    return result;
  }

  void recover() {
    dma->abort();
    board.reconfigure();
    dma->init();
  }

  void expect_clean_trip() {
    const Trip t = trip();
    ASSERT_EQ(t.sent.outcome, DmaOutcome::done);
    ASSERT_EQ(t.received.outcome, DmaOutcome::done);
    EXPECT_EQ(t.received.bytes, kBytes);
    EXPECT_TRUE(same_bytes(*in, *out, kBytes));
  }

  vb::VirtualBoard board;
  std::unique_ptr<AxiDma> dma;
  std::unique_ptr<DmaBuffer> in, out;
};

TEST_P(DriverOnVirtualBoard, CleanRoundTripsCarryTheData) {
  for (int i = 0; i < 5; ++i) expect_clean_trip();
  EXPECT_EQ(dma->statistics().transfers_done, 10u);
  EXPECT_EQ(dma->statistics().bytes_received, 5 * kBytes);
}

TEST_P(DriverOnVirtualBoard, HangTimesOutAtTheDeadlineAndRecovers) {
  board.inject({vb::FaultKind::hang});
  const Trip t = trip(4 * kBytes, 2ms);
  EXPECT_EQ(t.sent.outcome, DmaOutcome::timed_out);
  EXPECT_EQ(t.received.outcome, DmaOutcome::timed_out);
  EXPECT_GE(t.waited, 2ms);
  EXPECT_LT(t.waited, 2ms + 200us) << "no wait runs far past its deadline";
  EXPECT_TRUE(dma->in_flight(DmaChannel::s2mm));
  EXPECT_EQ(dma->statistics().timeouts, 2u);
  recover();
  expect_clean_trip();
}

TEST_P(DriverOnVirtualBoard, StallIsSlowerButDone) {
  const Trip baseline = trip();
  board.inject({vb::FaultKind::stall, false, 8.0});
  const Trip stalled = trip();
  ASSERT_TRUE(stalled.received.done());
  EXPECT_TRUE(same_bytes(*in, *out, kBytes));
  EXPECT_GT(stalled.waited, baseline.waited);
}

TEST_P(DriverOnVirtualBoard, MissingTlastLeavesOnlyTheReceiverTimingOut) {
  board.inject({vb::FaultKind::missing_tlast});
  const Trip t = trip();
  EXPECT_EQ(t.sent.outcome, DmaOutcome::done);
  EXPECT_EQ(t.received.outcome, DmaOutcome::timed_out);
  EXPECT_EQ(t.received.status & (reg::dmasr::idle | reg::dmasr::all_errors), 0u);
  recover();
  expect_clean_trip();
}

TEST_P(DriverOnVirtualBoard, ExtraWordsIntoARoomyBufferAreReportedAsBytesReceived) {
  board.inject({vb::FaultKind::extra_words, false, 8.0, 3});
  const Trip t = trip();
  ASSERT_TRUE(t.received.done());
  EXPECT_EQ(t.received.bytes, kBytes + 12) << "the caller sees the length mismatch";
}

TEST_P(DriverOnVirtualBoard, ExtraWordsIntoAnExactBufferAreADmaInternalError) {
  board.inject({vb::FaultKind::extra_words});
  const Trip t = trip(kBytes);
  ASSERT_EQ(t.received.outcome, DmaOutcome::error);
  EXPECT_EQ(describe_dma_errors(t.received.status), "DMAIntErr");
  EXPECT_NE(t.received.status & reg::dmasr::halted, 0u);
  EXPECT_EQ(dma->statistics().errors, 1u);
  EXPECT_THROW(dma->start_receive(*out, 0, kBytes), Error) << "halted channel refused";
  recover();
  expect_clean_trip();
}

TEST_P(DriverOnVirtualBoard, CorruptOutputIsDoneWithWrongDataTheDriverCannotSee) {
  board.inject({vb::FaultKind::corrupt_output});
  const Trip t = trip();
  ASSERT_TRUE(t.received.done());
  EXPECT_EQ(t.received.bytes, kBytes);
  EXPECT_FALSE(same_bytes(*in, *out, kBytes));
  expect_clean_trip();  // transient
}

TEST_P(DriverOnVirtualBoard, BusErrorIsADecodedSlaveError) {
  // The next channel to touch memory (S2MM or MM2S, whichever engine comes first) gets it.
  board.inject({vb::FaultKind::bus_error});
  const Trip t = trip(4 * kBytes, 200us);
  const bool send_failed = t.sent.outcome == DmaOutcome::error;
  const DmaWaitResult& failed = send_failed ? t.sent : t.received;
  const DmaWaitResult& other = send_failed ? t.received : t.sent;
  ASSERT_EQ(failed.outcome, DmaOutcome::error);
  EXPECT_EQ(describe_dma_errors(failed.status), "DMASlvErr");
  EXPECT_NE(failed.status & reg::dmasr::halted, 0u);
  EXPECT_EQ(other.outcome, DmaOutcome::timed_out) << "the loop is broken: the other side cannot finish";
  recover();
  expect_clean_trip();
}

TEST_P(DriverOnVirtualBoard, RefusesBadInputWithoutDisturbingTheEngine) {
  auto stranger = board.memory().allocate(256);
  EXPECT_THROW(dma->start_send(*in, 0, 0), Error);
  EXPECT_THROW(dma->start_send(*in, 0, std::size_t{1} << 26), Error);
  EXPECT_THROW(dma->start_send(*in, 2, 64), Error);
  EXPECT_THROW(dma->start_send(*stranger, 0, 64), Error);
  EXPECT_THROW(dma->start_send(*in, 1000, 64), Error);
  EXPECT_THROW(dma->start_send_at(std::numeric_limits<std::uint64_t>::max() - 7, 64), Error);
  dma->start_receive(*out, 0, kBytes);
  EXPECT_THROW(dma->start_receive(*out, 0, kBytes), Error) << "double start";
  dma->start_send(*in, 0, kBytes);
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, board.clock().now() + 1ms).done());
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, board.clock().now() + 1ms).done());
  EXPECT_TRUE(same_bytes(*in, *out, kBytes));
  EXPECT_EQ(dma->statistics().refusals, 7u);
}

TEST_P(DriverOnVirtualBoard, StaleAfterReconfigurationUntilReinit) {
  board.reconfigure();
  try {
    dma->start_send(*in, 0, kBytes);
    ADD_FAILURE() << "a stale driver started a transfer";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_state);
    EXPECT_NE(std::string(error.what()).find("re-init after reconfiguration"), std::string::npos);
  }
  dma->init();
  expect_clean_trip();
}

INSTANTIATE_TEST_SUITE_P(EveryWaitStrategy, DriverOnVirtualBoard,
                         ::testing::Values(WaitStrategy::busy_poll, WaitStrategy::poll_with_backoff,
                                           WaitStrategy::interrupt),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// ---- the hardware's variations (PG021) that the model can be set to show --------------------

// A board whose one DMA has `variation`, its driver and a loopback buffer pair.
struct VariationRig {
  explicit VariationRig(void (*variation)(vb::DmaConfig&), AxiDmaOptions options = {})
      : board(configured(variation), vb::make_loopback_kernel()), dma(board, dma_config(), options) {
    dma.register_buffer(*in);
    dma.register_buffer(*out);
  }
  static vb::VirtualBoardConfig configured(void (*variation)(vb::DmaConfig&)) {
    vb::VirtualBoardConfig config = board_config();
    variation(config.dmas[0]);
    return config;
  }
  void start_trip() {
    dma.start_receive(*out, 0, kBytes);
    dma.start_send(*in, 0, kBytes);
  }
  // After a reload and re-init: a clean trip carries fresh data.
  bool clean_trip_after_reload(std::uint32_t seed) {
    board.reconfigure();
    dma.init();
    fill_words(*in, seed);
    start_trip();
    return dma.wait(DmaChannel::mm2s, board.clock().now() + 1ms).done() &&
           dma.wait(DmaChannel::s2mm, board.clock().now() + 1ms).done() && same_bytes(*in, *out, kBytes);
  }
  vb::VirtualBoard board;
  AxiDma dma;
  std::unique_ptr<DmaBuffer> in = board.memory().allocate(kBytes), out = board.memory().allocate(kBytes);
};

// Expects `call` to throw an Error with `code` whose text contains `needle`.
template <typename Call>
void expect_error(Call&& call, ErrorCode code, const std::string& needle) {
  try {
    call();
    ADD_FAILURE() << "expected an Error containing '" << needle << "'";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(DriverOnHardwareVariations, AnEngineBuiltWithScatterGatherIsRefusedAtInit) {
  // The .hwh said C_INCLUDE_SG = 0; the loaded design has it.
  VariationRig rig([](vb::DmaConfig& dma) { dma.sg_included = true; });
  expect_error([&] { rig.dma.init(); }, ErrorCode::unsupported, "SGIncld");
  EXPECT_FALSE(rig.dma.ready());
}

TEST(DriverOnHardwareVariations, HaltedThatLagsTheErrorDoesNotLetASecondStartThrough) {
  VariationRig rig([](vb::DmaConfig& dma) { dma.halted_lag_cycles = 1000; });
  rig.dma.init();
  rig.board.inject({vb::FaultKind::bus_error, false, 8.0, 3, false, vb::FaultChannel::s2mm});
  rig.start_trip();
  const DmaWaitResult received = rig.dma.wait(DmaChannel::s2mm, rig.board.clock().now() + 1ms);
  ASSERT_EQ(received.outcome, DmaOutcome::error);
  EXPECT_EQ(describe_dma_errors(received.status), "DMASlvErr");
  EXPECT_EQ(received.status & reg::dmasr::halted, 0u) << "Halted not yet set when the error was seen";
  expect_error([&] { rig.dma.start_receive(*rig.out, 0, kBytes); }, ErrorCode::bad_state, "ended in error");
  rig.dma.abort();
  // The kernel holds the broken frame's words: only a reload clears them.
  EXPECT_TRUE(rig.clean_trip_after_reload(5));
}

TEST(DriverOnHardwareVariations, ASoftResetStuckOnAStreamIsABoundedTimeoutAndAReloadHealsIt) {
  AxiDmaOptions options;
  options.reset_timeout = 200us;
  VariationRig rig([](vb::DmaConfig& dma) { dma.soft_reset_waits_for_streams = true; }, options);
  rig.dma.init();
  rig.board.inject({vb::FaultKind::hang, true});  // the kernel stops reading: MM2S stuck mid-packet
  rig.start_trip();
  EXPECT_EQ(rig.dma.wait(DmaChannel::mm2s, rig.board.clock().now() + 100us).outcome, DmaOutcome::timed_out);
  const Nanoseconds before = rig.board.clock().now();
  expect_error([&] { rig.dma.abort(); }, ErrorCode::timeout, "soft reset did not complete");
  EXPECT_LT(rig.board.clock().now() - before, 1ms) << "bounded by reset_timeout";
  EXPECT_TRUE(rig.clean_trip_after_reload(9)) << "a reload, what the watchdog's ladder does next";
}

TEST(DriverRecoveryCycles, ThousandHangDeadlineAbortReconfigureReinitCleanCycles) {
  vb::VirtualBoard board(board_config(), vb::make_loopback_kernel());
  AxiDma dma(board, dma_config());
  auto in = board.memory().allocate(512), out = board.memory().allocate(512);
  fill_words(*in, 7);
  dma.register_buffer(*in);
  dma.register_buffer(*out);
  dma.init();
  for (int cycle = 0; cycle < 1000; ++cycle) {
    board.inject({vb::FaultKind::hang});
    dma.start_receive(*out, 0, 512);
    dma.start_send(*in, 0, 512);
    Nanoseconds deadline = board.clock().now() + 50us;
    ASSERT_EQ(dma.wait(DmaChannel::s2mm, deadline).outcome, DmaOutcome::timed_out) << "cycle " << cycle;
    ASSERT_GE(board.clock().now(), deadline);
    dma.abort();
    board.reconfigure();
    dma.init();
    std::memset(out->data(), 0, 512);
    dma.start_receive(*out, 0, 512);
    dma.start_send(*in, 0, 512);
    deadline = board.clock().now() + 1ms;
    ASSERT_TRUE(dma.wait(DmaChannel::mm2s, deadline).done()) << "cycle " << cycle;
    const DmaWaitResult received = dma.wait(DmaChannel::s2mm, deadline);
    ASSERT_TRUE(received.done()) << "cycle " << cycle;
    ASSERT_EQ(received.bytes, 512u);
    ASSERT_TRUE(same_bytes(*in, *out, 512)) << "cycle " << cycle;
  }
  EXPECT_TRUE(dma.ready());
  EXPECT_FALSE(dma.in_flight(DmaChannel::mm2s));
  EXPECT_FALSE(dma.in_flight(DmaChannel::s2mm));
  const AxiDmaStatistics& stats = dma.statistics();
  EXPECT_EQ(stats.timeouts, 1000u);
  EXPECT_EQ(stats.transfers_done, 2000u);
  EXPECT_EQ(stats.resets, 2001u);  // first init, then abort + init per cycle
  EXPECT_EQ(board.generation(), 1000u);
  EXPECT_EQ(dma.registered_buffers(), 2u);
}

// Two independent loopbacks through one kernel: input i goes to output i.
class TwoChannelLoopback final : public vb::PlKernel {
 public:
  void run_frame(std::span<vb::AxisPort> in, std::span<vb::AxisPort> out) override {
    const std::size_t i = in[0].stream32().empty() ? 1 : 0;
    for (;;) {
      vb::AxisWord32 word = in[i].stream32().read();
      out[i].stream32().write(word);
      if (word.last) return;
    }
  }
  std::size_t num_inputs() const override { return 2; }
  std::size_t num_outputs() const override { return 2; }
};

TEST(DriverConcurrency, TwoThreadsDriveTwoDmasOfOneBoard) {
  vb::VirtualBoardConfig config = board_config();
  vb::DmaConfig second;
  second.name = "axi_dma_1";
  second.base = 0x40410000;
  config.dmas.push_back(second);
  vb::VirtualBoard board(config, std::make_shared<TwoChannelLoopback>());
  std::atomic<int> good[2] = {0, 0};
  auto worker = [&](int index) {
    AxiDmaOptions options;
    options.wait_strategy = index == 0 ? WaitStrategy::interrupt : WaitStrategy::poll_with_backoff;
    AxiDma dma(board, index == 0 ? dma_config("axi_dma_0", kBase) : dma_config("axi_dma_1", 0x40410000), options);
    auto in = board.memory().allocate(256), out = board.memory().allocate(256);
    fill_words(*in, 100 + static_cast<std::uint32_t>(index));
    dma.register_buffer(*in);
    dma.register_buffer(*out);
    dma.init();
    for (int i = 0; i < 100; ++i) {
      std::memset(out->data(), 0, 256);
      const Nanoseconds deadline = board.clock().now() + 10ms;
      dma.start_receive(*out, 0, 256);
      dma.start_send(*in, 0, 256);
      const bool sent = dma.wait(DmaChannel::mm2s, deadline).done();
      const DmaWaitResult received = dma.wait(DmaChannel::s2mm, deadline);
      if (sent && received.done() && received.bytes == 256 && same_bytes(*in, *out, 256)) ++good[index];
    }
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(good[0].load(), 100);
  EXPECT_EQ(good[1].load(), 100);
}

}  // namespace
}  // namespace zynqnn
