// The AXI DMA driver against a scripted register-level fake: every refusal, every outcome,
// the register write order and the write-1-to-clear handling.
#include "zynqnn/runtime/axi_dma.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>

#include "fake_axi_dma.hpp"
#include "zynqnn/runtime/axi_dma_registers.hpp"

namespace zynqnn {
namespace {

using testing::FakeBoard;
using testing::FakeChannel;
namespace reg = axi_dma;
using namespace std::chrono_literals;

AxiDmaConfig config_named(std::string name = "axi_dma_0") {
  AxiDmaConfig config;
  config.name = std::move(name);
  config.base = 0x40400000;
  return config;
}

// Index of the first log entry equal to `entry` at or after `from`, or -1.
long find_entry(const std::vector<std::string>& log, const std::string& entry, long from = 0) {
  const auto found = std::find(log.begin() + from, log.end(), entry);
  return found == log.end() ? -1 : static_cast<long>(found - log.begin());
}

// Expects `call` to throw an Error with `code` whose text contains `needle`.
void expect_error(const std::function<void()>& call, ErrorCode code, const std::string& needle) {
  try {
    call();
    ADD_FAILURE() << "expected an Error(" << to_string(code) << ") containing '" << needle << "'";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

class AxiDmaTest : public ::testing::Test {
 protected:
  void make(AxiDmaOptions options = {}, AxiDmaConfig config = config_named()) {
    dma = std::make_unique<AxiDma>(board, std::move(config), options);
    in = board.memory().allocate(4096, 64);
    out = board.memory().allocate(4096, 64);
    dma->register_buffer(*in);
    dma->register_buffer(*out);
  }
  void make_initialised(AxiDmaOptions options = {}, AxiDmaConfig config = config_named()) {
    make(options, std::move(config));
    dma->init();
    board.device.log.clear();
  }
  Nanoseconds deadline(Nanoseconds from_now = 1ms) { return board.clock().now() + from_now; }
  // Runs `call`, expects an Error with `code` and that no register was written.
  void expect_refused(const std::function<void()>& call, ErrorCode code, const std::string& needle) {
    const int writes = board.device.register_writes;
    const auto refusals = dma->statistics().refusals;
    expect_error(call, code, needle);
    EXPECT_EQ(board.device.register_writes, writes) << "a refused call wrote a register";
    EXPECT_EQ(dma->statistics().refusals, refusals + 1);
  }

  FakeBoard board;
  std::unique_ptr<AxiDma> dma;
  std::unique_ptr<DmaBuffer> in, out;
};

// ---- configuration -----------------------------------------------------------------------

TEST(AxiDmaConfigTest, RejectsWhatNoAxiDmaCanBe) {
  const std::vector<std::pair<std::function<void(AxiDmaConfig&)>, std::string>> cases = {
      {[](AxiDmaConfig& c) { c.has_mm2s = c.has_s2mm = false; }, "nothing to drive"},
      {[](AxiDmaConfig& c) { c.mm2s_stream_bits = 12; }, "mm2s_stream_bits"},
      {[](AxiDmaConfig& c) { c.s2mm_stream_bits = 2048; }, "s2mm_stream_bits"},
      {[](AxiDmaConfig& c) { c.length_width = 7; }, "C_SG_LENGTH_WIDTH"},
      {[](AxiDmaConfig& c) { c.length_width = 27; }, "outside 8..26"},
      {[](AxiDmaConfig& c) { c.address_width = 31; }, "address_width"},
      {[](AxiDmaConfig& c) { c.scatter_gather = true; }, "C_INCLUDE_SG"},
      {[](AxiDmaConfig& c) { c.register_bytes = 0x40; }, "S2MM_LENGTH"},
      {[](AxiDmaConfig& c) { c.base = 0x40400002; }, "aligned"},
  };
  for (const auto& [mutate, needle] : cases) {
    AxiDmaConfig config = config_named("dma_under_test");
    mutate(config);
    expect_error([&] { validate(config); }, ErrorCode::invalid_argument, needle);
    expect_error([&] { validate(config); }, ErrorCode::invalid_argument, "dma_under_test");
  }
  AxiDmaConfig disabled_channel = config_named();
  disabled_channel.has_mm2s = false;
  disabled_channel.mm2s_stream_bits = 0;  // widths of a disabled channel are not looked at
  EXPECT_NO_THROW(validate(disabled_channel));
  EXPECT_NO_THROW(validate(config_named()));
}

TEST(AxiDmaConfigTest, ConstructorValidatesAndTouchesNoHardware) {
  FakeBoard board;
  AxiDmaConfig config = config_named();
  config.length_width = 30;
  expect_error([&] { AxiDma dma(board, config); }, ErrorCode::invalid_argument, "length width 30");
  AxiDma dma(board, config_named());
  EXPECT_EQ(board.maps, 0);
  EXPECT_TRUE(board.device.log.empty());
  EXPECT_FALSE(dma.ready());
}

TEST(AxiDmaConfigTest, NamesStatusBitsAsPg021Does) {
  EXPECT_EQ(describe_dma_errors(reg::dmasr::dma_internal_error | reg::dmasr::dma_decode_error | reg::dmasr::idle),
            "DMAIntErr DMADecErr");
  EXPECT_EQ(describe_dma_errors(reg::dmasr::dma_slave_error), "DMASlvErr");
  EXPECT_EQ(describe_dma_errors(reg::dmasr::idle), "");
  EXPECT_EQ(describe_dma_status(reg::dmasr::halted | reg::dmasr::ioc_irq | reg::dmasr::error_irq),
            "Halted IOC_Irq Err_Irq");
}

// ---- init, reset, abort ------------------------------------------------------------------

TEST_F(AxiDmaTest, InitResetsThenRunsEachChannelAndChecksHaltedClears) {
  make();
  dma->init();
  EXPECT_TRUE(dma->ready());
  const auto& log = board.device.log;
  const long reset = find_entry(log, "W MM2S_DMACR 0x4");
  ASSERT_EQ(reset, 0) << "the soft reset comes first";
  const long reset_done = find_entry(log, "R MM2S_DMACR 0x10000", reset);
  ASSERT_GT(reset_done, reset);
  for (const std::string channel : {"MM2S", "S2MM"}) {
    const long clear = find_entry(log, "W " + channel + "_DMASR 0x7000", reset_done);
    const long run = find_entry(log, "W " + channel + "_DMACR 0x10001", reset_done);
    const long running = find_entry(log, "R " + channel + "_DMASR 0x0", reset_done);
    EXPECT_GT(clear, reset_done) << channel;
    EXPECT_GT(run, clear) << channel << ": RS after clearing stale interrupt bits";
    EXPECT_GT(running, run) << channel << ": Halted checked after RS";
  }
  EXPECT_EQ(dma->statistics().resets, 1u);
}

TEST_F(AxiDmaTest, InitOnlyTouchesTheChannelsThatExist) {
  AxiDmaConfig config = config_named();
  config.has_mm2s = false;
  make({}, config);
  dma->init();
  for (const auto& entry : board.device.log) EXPECT_EQ(entry.find("MM2S"), std::string::npos) << entry;
  EXPECT_EQ(board.device.log.front(), "W S2MM_DMACR 0x4");
  expect_refused([&] { dma->start_send(*in, 0, 64); }, ErrorCode::unsupported, "no such channel");
}

TEST_F(AxiDmaTest, StuckResetIsATimeoutNamingTheDmaAfterABoundedWait) {
  AxiDmaOptions options;
  options.reset_timeout = 5ms;
  make(options);
  board.device.reset_reads_to_clear = -1;
  const Nanoseconds start = board.clock().now();
  expect_error([&] { dma->init(); }, ErrorCode::timeout, "axi_dma_0");
  expect_error([&] { dma->init(); }, ErrorCode::timeout, "Reset bit still reads 1");
  const Nanoseconds waited = board.clock().now() - start;
  EXPECT_GE(waited, 2 * 5ms);  // two init() calls, each waited its full bound...
  EXPECT_LE(waited, 2 * 5ms);  // ...and not a nanosecond past it
  EXPECT_FALSE(dma->ready());
}

TEST_F(AxiDmaTest, ResetThatTakesAWhileIsWaitedFor) {
  make();
  board.device.reset_reads_to_clear = 5;
  EXPECT_NO_THROW(dma->init());
  EXPECT_TRUE(dma->ready());
}

TEST_F(AxiDmaTest, ChannelThatStaysHaltedIsATimeout) {
  make();
  board.device.halted_sticks = true;
  expect_error([&] { dma->init(); }, ErrorCode::timeout, "did not leave Halted");
  EXPECT_FALSE(dma->ready());
}

TEST_F(AxiDmaTest, InterruptStrategyWithoutALineIsAClearError) {
  AxiDmaOptions options;
  options.wait_strategy = WaitStrategy::interrupt;
  make(options);
  board.has_interrupts = false;
  expect_error([&] { dma->init(); }, ErrorCode::not_found, "mm2s_introut");
  expect_error([&] { dma->init(); }, ErrorCode::not_found, "polling");
}

TEST_F(AxiDmaTest, InterruptStrategyEnablesCompletionAndErrorInterrupts) {
  AxiDmaOptions options;
  options.wait_strategy = WaitStrategy::interrupt;
  make(options);
  dma->init();
  const std::uint32_t expected = reg::dmacr::run_stop | reg::dmacr::ioc_irq_enable | reg::dmacr::error_irq_enable |
                                 (1u << reg::dmacr::irq_threshold_shift);
  EXPECT_NE(find_entry(board.device.log, fmt::format("W MM2S_DMACR {:#x}", expected)), -1);
  EXPECT_NE(find_entry(board.device.log, fmt::format("W S2MM_DMACR {:#x}", expected)), -1);
  EXPECT_NE(find_entry(board.device.log, "irq0 enable"), -1);
  EXPECT_NE(find_entry(board.device.log, "irq1 enable"), -1);
}

TEST_F(AxiDmaTest, UnusedDriverRefusesEveryTransfer) {
  make();
  expect_refused([&] { dma->start_receive(*out, 0, 64); }, ErrorCode::bad_state, "not initialised");
  expect_refused([&] { (void)dma->wait(DmaChannel::s2mm, deadline()); }, ErrorCode::bad_state, "not initialised");
  EXPECT_NO_THROW(dma->abort());  // nothing runs: nothing to stop
  EXPECT_TRUE(board.device.log.empty());
}

// ---- the round trip --------------------------------------------------------------------

TEST_F(AxiDmaTest, RoundTripArmsReceiveFirstAndWritesLengthLast) {
  make_initialised();
  board.device.channel[1].completion = FakeChannel::Completion::never;  // to see the order
  board.device.channel[0].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 128, 256);
  dma->start_send(*in, 64, 512);
  const auto& log = board.device.log;
  const std::vector<std::string> writes_and_syncs = [&] {
    std::vector<std::string> kept;
    for (const auto& entry : log) if (entry[0] != 'R') kept.push_back(entry);
    return kept;
  }();
  const std::vector<std::string> expected = {
      "sync_for_device 128 256",
      fmt::format("W S2MM_DA {:#x}", out->physical_address() + 128),
      "W S2MM_LENGTH 0x100",
      "sync_for_device 64 512",
      fmt::format("W MM2S_SA {:#x}", in->physical_address() + 64),
      "W MM2S_LENGTH 0x200",
  };
  EXPECT_EQ(writes_and_syncs, expected);
  EXPECT_TRUE(dma->in_flight(DmaChannel::mm2s));
  EXPECT_TRUE(dma->in_flight(DmaChannel::s2mm));

  board.device.complete(0);
  board.device.complete(1);
  board.device.log.clear();
  const DmaWaitResult sent = dma->wait(DmaChannel::mm2s, deadline());
  const DmaWaitResult received = dma->wait(DmaChannel::s2mm, deadline());
  ASSERT_EQ(sent.outcome, DmaOutcome::done);
  ASSERT_EQ(received.outcome, DmaOutcome::done);
  EXPECT_EQ(sent.bytes, 512u);
  EXPECT_EQ(received.bytes, 256u);
  const std::vector<std::string> expected_wait = {
      "R MM2S_DMASR 0x1002", "W MM2S_DMASR 0x1000",  // IOC_Irq cleared by writing 1
      "R S2MM_DMASR 0x1002", "W S2MM_DMASR 0x1000", "R S2MM_LENGTH 0x100",
      "sync_for_cpu 128 256",                        // after the device wrote, before the CPU reads
  };
  EXPECT_EQ(board.device.log, expected_wait);
  EXPECT_FALSE(dma->in_flight(DmaChannel::mm2s));
  EXPECT_FALSE(dma->in_flight(DmaChannel::s2mm));
}

TEST_F(AxiDmaTest, ShortReceiveReportsTheBytesActuallyReceived) {
  make_initialised();
  board.device.channel[1].short_bytes = 40;  // TLAST came early
  dma->start_receive(*out, 0, 1024);
  dma->start_send(*in, 0, 1024);
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
  const DmaWaitResult received = dma->wait(DmaChannel::s2mm, deadline());
  ASSERT_TRUE(received.done());
  EXPECT_EQ(received.bytes, 40u);
  EXPECT_EQ(board.device.log.back(), "sync_for_cpu 0 40");
  EXPECT_EQ(dma->statistics().bytes_received, 40u);
}

TEST_F(AxiDmaTest, ReceivedLengthAboveWhatWasArmedIsAnErrorNotData) {
  make_initialised();
  board.device.channel[1].short_bytes = 2048;
  dma->start_receive(*out, 0, 1024);
  const DmaWaitResult received = dma->wait(DmaChannel::s2mm, deadline());
  EXPECT_EQ(received.outcome, DmaOutcome::error);
  EXPECT_EQ(find_entry(board.device.log, "sync_for_cpu 0 2048"), -1);
}

TEST_F(AxiDmaTest, WideAddressesUseTheMsbRegisterBeforeLength) {
  AxiDmaConfig config = config_named();
  config.address_width = 64;
  make_initialised({}, config);
  dma->start_receive(*out, 0, 64);
  EXPECT_LT(find_entry(board.device.log, "W S2MM_DA_MSB 0x0"), find_entry(board.device.log, "W S2MM_LENGTH 0x40"));
  EXPECT_NE(find_entry(board.device.log, "W S2MM_DA_MSB 0x0"), -1);
}

TEST_F(AxiDmaTest, TransfersByPhysicalAddressInsideARegisteredBuffer) {
  make_initialised();
  dma->start_receive_at(out->physical_address() + 4032, 64);  // the last 64 bytes
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, deadline()).done());
  EXPECT_NE(find_entry(board.device.log, "sync_for_cpu 4032 64"), -1);
}

TEST_F(AxiDmaTest, StatisticsCountTransfersAndBytes) {
  make_initialised();
  for (int call = 0; call < 10; ++call) {
    dma->start_receive(*out, 0, 100 + call);
    dma->start_send(*in, 0, 200);
    ASSERT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
    ASSERT_TRUE(dma->wait(DmaChannel::s2mm, deadline()).done());
  }
  const AxiDmaStatistics& stats = dma->statistics();
  EXPECT_EQ(stats.transfers_started, 20u);
  EXPECT_EQ(stats.transfers_done, 20u);
  EXPECT_EQ(stats.bytes_sent, 2000u);
  EXPECT_EQ(stats.bytes_received, 1045u);
  EXPECT_EQ(stats.timeouts, 0u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(stats.refusals, 0u);
}

// ---- refusals: typed errors, nothing written ---------------------------------------------

// A buffer at a chosen physical address (no memory behind it is ever touched by a refusal).
class FixedBuffer final : public DmaBuffer {
 public:
  FixedBuffer(std::uint64_t physical, std::size_t size) : DmaBuffer(storage_, size, physical) {}
  void sync_for_device(std::size_t, std::size_t) override {}
  void sync_for_cpu(std::size_t, std::size_t) override {}

 private:
  std::byte storage_[1] = {};
};

TEST_F(AxiDmaTest, RefusesBadLengths) {
  make_initialised();
  expect_refused([&] { dma->start_receive(*out, 0, 0); }, ErrorCode::invalid_argument, "length 0 bytes is outside 1..16383");
  AxiDmaConfig narrow = config_named();
  narrow.length_width = 8;
  AxiDma small(board, narrow);
  small.register_buffer(*in);
  small.init();
  const int writes = board.device.register_writes;
  expect_error([&] { small.start_send(*in, 0, 256); }, ErrorCode::invalid_argument, "outside 1..255");
  EXPECT_EQ(board.device.register_writes, writes);
  EXPECT_NO_THROW(small.start_send(*in, 0, 255));
}

TEST_F(AxiDmaTest, RefusesMisalignedAddresses) {
  AxiDmaConfig config = config_named();
  config.s2mm_stream_bits = 64;
  make_initialised({}, config);
  expect_refused([&] { dma->start_send(*in, 2, 64); }, ErrorCode::invalid_argument, "aligned to 4 bytes");
  expect_refused([&] { dma->start_receive(*out, 4, 64); }, ErrorCode::invalid_argument, "aligned to 8 bytes");
  expect_refused([&] { dma->start_receive_at(out->physical_address() + 1, 8); }, ErrorCode::invalid_argument,
                 "not aligned");
}

TEST_F(AxiDmaTest, AlignsToTheWiderOfTheStreamAndMemoryMapWidths) {
  // PG021 (and PYNQ's and XAxiDma's checks): without DRE the address follows the memory-map
  // width; the stream width still decides the beat, so the wider of the two.
  AxiDmaConfig config = config_named();
  config.mm2s_memory_bits = 64;   // 32-bit stream, 64-bit memory map
  config.s2mm_stream_bits = 64;   // 64-bit stream, 32-bit memory map
  make_initialised({}, config);
  expect_refused([&] { dma->start_send(*in, 4, 64); }, ErrorCode::invalid_argument, "aligned to 8 bytes");
  expect_refused([&] { dma->start_receive(*out, 4, 64); }, ErrorCode::invalid_argument, "aligned to 8 bytes");
  dma->start_send(*in, 8, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());

  AxiDmaConfig realigned = config_named();
  realigned.mm2s_memory_bits = 64;
  realigned.mm2s_realignment = true;  // C_INCLUDE_MM2S_DRE = 1: any byte address
  board.device.log.clear();
  make_initialised({}, realigned);
  dma->start_send(*in, 3, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
}

TEST_F(AxiDmaTest, RefusesAnEngineBuiltWithScatterGather) {
  // A .hwh may say C_INCLUDE_SG = 0 while the loaded design has it: DMASR says which.
  board.device.sg_included = true;
  make();
  expect_error([&] { dma->init(); }, ErrorCode::unsupported, "scatter-gather");
  EXPECT_FALSE(dma->ready());
  EXPECT_EQ(find_entry(board.device.log, "W MM2S_DMACR 0x10001"), -1) << "no channel was started";
  expect_refused([&] { dma->start_send(*in, 0, 64); }, ErrorCode::bad_state, "its last init() failed");
}

TEST_F(AxiDmaTest, RefusesRangesOutsideKnownBuffers) {
  make_initialised();
  auto stranger = board.memory().allocate(256);
  expect_refused([&] { dma->start_send(*stranger, 0, 64); }, ErrorCode::out_of_range, "not registered");
  expect_refused([&] { dma->start_send(*in, 4000, 128); }, ErrorCode::out_of_range, "outside the 4096-byte buffer");
  expect_refused([&] { dma->start_send(*in, 8192, 4); }, ErrorCode::out_of_range, "outside");
  expect_refused([&] { dma->start_send(*in, std::numeric_limits<std::size_t>::max() - 2, 8); },
                 ErrorCode::out_of_range, "outside");
  expect_refused([&] { dma->start_send_at(stranger->physical_address(), 64); }, ErrorCode::out_of_range,
                 "not inside a buffer registered");
  expect_refused([&] { dma->start_send_at(in->physical_address() + 4032, 128); }, ErrorCode::out_of_range,
                 "not inside");  // straddles the end
  expect_refused([&] { dma->start_send_at(in->physical_address() - 64, 128); }, ErrorCode::out_of_range,
                 "not inside");  // starts before it
}

TEST_F(AxiDmaTest, RefusesAddressPlusLengthOverflow) {
  AxiDmaConfig config = config_named();
  config.address_width = 64;
  make_initialised({}, config);
  expect_refused([&] { dma->start_send_at(std::numeric_limits<std::uint64_t>::max() - 63, 128); },
                 ErrorCode::invalid_argument, "overflows");
}

TEST_F(AxiDmaTest, RefusesRangesBeyondTheDmaAddressWidth) {
  make_initialised();
  FixedBuffer high(0xFFFFFF00u, 0x200);
  dma->register_buffer(high);
  expect_refused([&] { dma->start_send(high, 0, 0x200); }, ErrorCode::out_of_range, "32-bit address space");
  EXPECT_NO_THROW(dma->start_send(high, 0, 0x100));
}

TEST_F(AxiDmaTest, RefusesDoubleStart) {
  make_initialised();
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  expect_refused([&] { dma->start_receive(*out, 64, 64); }, ErrorCode::bad_state, "double start");
  // Completed but not yet waited for: still the caller's transfer, still refused.
  board.device.channel[0].completion = FakeChannel::Completion::instant;
  dma->start_send(*in, 0, 64);
  expect_refused([&] { dma->start_send(*in, 0, 64); }, ErrorCode::bad_state, "already in flight");
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
  EXPECT_NO_THROW(dma->start_send(*in, 0, 64));
}

TEST_F(AxiDmaTest, RefusesWaitWithNothingInFlight) {
  make_initialised();
  expect_refused([&] { (void)dma->wait(DmaChannel::s2mm, deadline()); }, ErrorCode::bad_state, "no transfer in flight");
}

TEST_F(AxiDmaTest, RefusesAHaltedChannel) {
  make_initialised();
  board.device.channel[1].dmasr |= reg::dmasr::halted;  // halted behind the driver's back
  expect_refused([&] { dma->start_receive(*out, 0, 64); }, ErrorCode::bad_state, "halted");
}

TEST_F(AxiDmaTest, StaleDriverRefusesEverythingWithoutTouchingRegisters) {
  make_initialised();
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  board.reconfigure();
  board.device.log.clear();
  const int reads = board.device.register_reads;
  EXPECT_FALSE(dma->ready());
  expect_refused([&] { dma->start_send(*in, 0, 64); }, ErrorCode::bad_state, "re-init after reconfiguration");
  expect_refused([&] { (void)dma->wait(DmaChannel::s2mm, deadline()); }, ErrorCode::bad_state, "reconfigured");
  expect_refused([&] { dma->abort(); }, ErrorCode::bad_state, "re-init after reconfiguration");
  expect_refused([&] { (void)dma->read_status(DmaChannel::mm2s); }, ErrorCode::bad_state, "reconfigured");
  EXPECT_EQ(board.device.register_reads, reads);
  EXPECT_TRUE(board.device.log.empty());
  // Re-init maps afresh and makes it usable; the buffers are still registered.
  const int maps = board.maps;
  dma->init();
  EXPECT_EQ(board.maps, maps + 1);
  EXPECT_TRUE(dma->ready());
  EXPECT_EQ(dma->registered_buffers(), 2u);
  board.device.channel[1].completion = FakeChannel::Completion::instant;
  dma->start_receive(*out, 0, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, deadline()).done());
}

TEST_F(AxiDmaTest, AFailedLoadLeavesThePlDownAndNoRegisterIsTouchedUntilALoadSucceeds) {
  make_initialised();
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  auto raw = board.map_registers(0x40400000, 0x10000);  // another driver's mapping
  board.next_load_fails = true;
  expect_error([&] { board.reconfigure(); }, ErrorCode::io, "the load failed");
  EXPECT_FALSE(board.pl_up());
  EXPECT_EQ(board.pl_condition(), PlCondition::load_failed);
  EXPECT_FALSE(dma->ready());
  board.device.log.clear();
  const int reads = board.device.register_reads;
  const int writes = board.device.register_writes;
  expect_refused([&] { dma->start_send(*in, 0, 64); }, ErrorCode::bad_state, "the PL is down");
  expect_refused([&] { (void)dma->wait(DmaChannel::s2mm, deadline()); }, ErrorCode::bad_state, "the PL is down");
  expect_refused([&] { dma->abort(); }, ErrorCode::bad_state, "the PL is down");
  expect_refused([&] { (void)dma->read_status(DmaChannel::mm2s); }, ErrorCode::bad_state, "the last load failed");
  expect_error([&] { dma->init(); }, ErrorCode::bad_state, "the PL is down");
  expect_error([&] { (void)raw->read32(reg::s2mm_dmasr); }, ErrorCode::bad_state, "the PL is down");
  expect_error([&] { raw->write32(reg::mm2s_dmacr, 4); }, ErrorCode::bad_state, "the PL is down");
  expect_error([&] { (void)board.map_registers(0x40400000, 0x10000); }, ErrorCode::bad_state, "the PL is down");
  EXPECT_EQ(board.device.register_reads, reads);
  EXPECT_EQ(board.device.register_writes, writes);
  EXPECT_TRUE(board.device.log.empty());

  board.reconfigure();  // the next load succeeds: up again, the old driver re-inits
  EXPECT_TRUE(board.pl_up());
  dma->init();
  board.device.channel[1].completion = FakeChannel::Completion::instant;
  dma->start_receive(*out, 0, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, deadline()).done());
  EXPECT_EQ(raw->read32(reg::s2mm_length), 64u) << "an old mapping works again once the PL is up";
}

TEST_F(AxiDmaTest, BufferRegistry) {
  make();
  expect_error([&] { dma->register_buffer(*in); }, ErrorCode::invalid_argument, "already registered");
  FixedBuffer overlapping(in->physical_address() + 100, 64);
  expect_error([&] { dma->register_buffer(overlapping); }, ErrorCode::invalid_argument, "overlaps");
  auto stranger = board.memory().allocate(64);
  expect_error([&] { dma->unregister_buffer(*stranger); }, ErrorCode::not_found, "not registered");
  dma->init();
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  expect_error([&] { dma->unregister_buffer(*out); }, ErrorCode::bad_state, "wait for it or abort");
  dma->unregister_buffer(*in);
  EXPECT_EQ(dma->registered_buffers(), 1u);
  expect_error([&] { dma->start_send(*in, 0, 64); }, ErrorCode::out_of_range, "not registered");
}

// ---- outcomes ------------------------------------------------------------------------------

TEST_F(AxiDmaTest, DmaErrorIsDecodedClearedAndLeavesTheChannelRefusedUntilAbortAndInit) {
  make_initialised();
  board.device.channel[1].error_bits = reg::dmasr::dma_internal_error;  // packet longer than LENGTH
  dma->start_receive(*out, 0, 64);
  dma->start_send(*in, 0, 128);
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
  board.device.log.clear();
  const DmaWaitResult received = dma->wait(DmaChannel::s2mm, deadline());
  ASSERT_EQ(received.outcome, DmaOutcome::error);
  EXPECT_EQ(describe_dma_errors(received.status), "DMAIntErr");
  EXPECT_NE(received.status & reg::dmasr::halted, 0u);
  EXPECT_NE(find_entry(board.device.log, "W S2MM_DMASR 0x4000"), -1) << "Err_Irq cleared by writing 1";
  EXPECT_EQ(find_entry(board.device.log, "R S2MM_LENGTH 0x40"), -1) << "no length read as data";
  EXPECT_EQ(dma->statistics().errors, 1u);
  EXPECT_FALSE(dma->in_flight(DmaChannel::s2mm));
  expect_refused([&] { dma->start_receive(*out, 0, 64); }, ErrorCode::bad_state, "ended in error");

  board.device.channel[1].error_bits = 0;
  dma->abort();
  expect_refused([&] { dma->start_receive(*out, 0, 64); }, ErrorCode::bad_state, "aborted");
  dma->init();
  dma->start_receive(*out, 0, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, deadline()).done());
}

TEST_F(AxiDmaTest, AChannelThatEndedInErrorStaysRefusedWhateverHaltedSays) {
  make_initialised();
  board.device.channel[1].error_bits = reg::dmasr::dma_slave_error;
  board.device.channel[1].halted_lags = true;  // Halted not yet set when the error is seen
  dma->start_receive(*out, 0, 64);
  ASSERT_EQ(dma->wait(DmaChannel::s2mm, deadline()).outcome, DmaOutcome::error);
  ASSERT_EQ(board.device.channel[1].dmasr & reg::dmasr::halted, 0u);
  const int reads = board.device.register_reads;
  expect_refused([&] { dma->start_receive(*out, 0, 64); }, ErrorCode::bad_state, "ended in error");
  EXPECT_EQ(board.device.register_reads, reads) << "refused before reading DMASR";
  dma->start_send(*in, 0, 64);  // the other channel is unaffected
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
  board.device.channel[1].error_bits = 0;
  dma->abort();
  dma->init();
  dma->start_receive(*out, 0, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, deadline()).done());
}

TEST_F(AxiDmaTest, SlaveAndDecodeErrorsAreNamed) {
  make_initialised();
  board.device.channel[0].error_bits = reg::dmasr::dma_slave_error;
  dma->start_send(*in, 0, 64);
  const DmaWaitResult slave = dma->wait(DmaChannel::mm2s, deadline());
  EXPECT_EQ(slave.outcome, DmaOutcome::error);
  EXPECT_EQ(describe_dma_errors(slave.status), "DMASlvErr");
  dma->abort();
  dma->init();
  board.device.channel[0].error_bits = reg::dmasr::dma_decode_error;
  dma->start_send(*in, 0, 64);
  const DmaWaitResult decode = dma->wait(DmaChannel::mm2s, deadline());
  EXPECT_EQ(describe_dma_errors(decode.status), "DMADecErr");
}

TEST_F(AxiDmaTest, HaltedWhileInFlightEndsTheWaitAsAnErrorNotAtTheDeadline) {
  make_initialised();
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  board.device.reset_engine();  // Idle=0 and Halted=1 from now on
  const Nanoseconds before = board.clock().now();
  const DmaWaitResult result = dma->wait(DmaChannel::s2mm, before + 1s);
  EXPECT_EQ(result.outcome, DmaOutcome::error);
  EXPECT_NE(result.status & reg::dmasr::halted, 0u);
  EXPECT_EQ(board.clock().now(), before);
}

TEST_F(AxiDmaTest, BackoffTimeoutEndsExactlyAtTheDeadlineAndLeavesTheTransferInFlight) {
  make_initialised();
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  const Nanoseconds limit = deadline(10ms);
  const int reads = board.device.register_reads;
  const DmaWaitResult result = dma->wait(DmaChannel::s2mm, limit);
  EXPECT_EQ(result.outcome, DmaOutcome::timed_out);
  EXPECT_EQ(board.clock().now(), limit);
  EXPECT_LT(board.device.register_reads - reads, 120) << "backs off instead of spinning";
  EXPECT_EQ(dma->statistics().timeouts, 1u);
  EXPECT_TRUE(dma->in_flight(DmaChannel::s2mm));
  expect_refused([&] { dma->start_receive(*out, 0, 64); }, ErrorCode::bad_state, "double start");
  // It may still finish: a later wait sees it.
  board.device.complete(1);
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, deadline()).done());
}

TEST_F(AxiDmaTest, BackoffSleepsDoubleUpToTheMaximum) {
  AxiDmaOptions options;
  options.first_backoff = 1us;
  options.max_backoff = 8us;
  make_initialised(options);
  board.device.channel[1].completion = FakeChannel::Completion::after_reads;
  board.device.channel[1].reads_until_done = 6;
  dma->start_receive(*out, 0, 64);
  const Nanoseconds before = board.clock().now();
  EXPECT_TRUE(dma->wait(DmaChannel::s2mm, before + 1s).done());
  EXPECT_EQ(board.clock().now() - before, 1us + 2us + 4us + 8us + 8us + 8us);
}

TEST_F(AxiDmaTest, BusyPollTimesOutAtTheDeadline) {
  AxiDmaOptions options;
  options.wait_strategy = WaitStrategy::busy_poll;
  make_initialised(options);
  board.device.read_cost = 100ns;  // time passes as the poll reads
  board.device.channel[0].completion = FakeChannel::Completion::never;
  dma->start_send(*in, 0, 64);
  const Nanoseconds limit = deadline(50us);
  const DmaWaitResult result = dma->wait(DmaChannel::mm2s, limit);
  EXPECT_EQ(result.outcome, DmaOutcome::timed_out);
  EXPECT_GE(board.clock().now(), limit);
  EXPECT_LE(board.clock().now(), limit + 200ns);

  board.device.channel[0].completion = FakeChannel::Completion::after_reads;
  board.device.channel[0].reads_until_done = 20;
  dma->abort();
  dma->init();
  dma->start_send(*in, 0, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
}

TEST_F(AxiDmaTest, BusyPollReachesTheDeadlineOnAClockThatOnlyMovesWhenSlept) {
  AxiDmaOptions options;
  options.wait_strategy = WaitStrategy::busy_poll;
  make_initialised(options);
  board.device.read_cost = 0ns;  // modeled time: reads take none
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  const Nanoseconds limit = deadline(20us);
  EXPECT_EQ(dma->wait(DmaChannel::s2mm, limit).outcome, DmaOutcome::timed_out);
  EXPECT_EQ(board.clock().now(), limit);
}

TEST_F(AxiDmaTest, InterruptWaitCompletesAndClearsBeforeUnmasking) {
  AxiDmaOptions options;
  options.wait_strategy = WaitStrategy::interrupt;
  make_initialised(options);
  board.device.channel[1].completion = FakeChannel::Completion::never;  // completes when the line is waited on
  dma->start_receive(*out, 0, 64);
  board.device.log.clear();
  const DmaWaitResult result = dma->wait(DmaChannel::s2mm, deadline());
  ASSERT_TRUE(result.done());
  EXPECT_EQ(result.bytes, 64u);
  const auto& log = board.device.log;
  const long waited = find_entry(log, "irq1 wait");
  const long cleared = find_entry(log, "W S2MM_DMASR 0x1000", waited);
  ASSERT_NE(waited, -1);
  ASSERT_NE(cleared, -1);
  EXPECT_GT(find_entry(log, "irq1 enable", cleared), cleared) << "unmasked after the W1C";
  EXPECT_EQ(std::find(log.begin() + waited, log.begin() + cleared, "irq1 enable"), log.begin() + cleared)
      << "not unmasked before the W1C (a level interrupt would fire once more)";
}

TEST_F(AxiDmaTest, InterruptWaitTimesOutAtTheDeadline) {
  AxiDmaOptions options;
  options.wait_strategy = WaitStrategy::interrupt;
  board.interrupts_complete_transfers = false;
  make_initialised(options);
  board.device.channel[1].completion = FakeChannel::Completion::never;
  dma->start_receive(*out, 0, 64);
  const Nanoseconds limit = deadline(3ms);
  const DmaWaitResult result = dma->wait(DmaChannel::s2mm, limit);
  EXPECT_EQ(result.outcome, DmaOutcome::timed_out);
  EXPECT_EQ(board.clock().now(), limit);
  dma->abort();
  EXPECT_FALSE(dma->in_flight(DmaChannel::s2mm));
}

TEST_F(AxiDmaTest, AbortResetsAndKeepsBuffers) {
  make_initialised();
  board.device.channel[0].completion = FakeChannel::Completion::never;
  dma->start_send(*in, 0, 64);
  board.device.log.clear();
  dma->abort();
  EXPECT_EQ(board.device.log.front(), "W MM2S_DMACR 0x4");
  EXPECT_FALSE(dma->ready());
  EXPECT_FALSE(dma->in_flight(DmaChannel::mm2s));
  EXPECT_EQ(dma->registered_buffers(), 2u);
  EXPECT_EQ(dma->statistics().resets, 2u);
  dma->init();
  board.device.channel[0].completion = FakeChannel::Completion::instant;
  dma->start_send(*in, 0, 64);
  EXPECT_TRUE(dma->wait(DmaChannel::mm2s, deadline()).done());
}

}  // namespace
}  // namespace zynqnn
