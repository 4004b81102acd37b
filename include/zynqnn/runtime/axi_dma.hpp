#pragma once
// Driver for the Xilinx AXI DMA v7.1 (PG021) in direct-register (simple) mode.
//
// One driver, two boards: it talks only to a Board (register mapping, interrupt lines, clock,
// generation) and to DmaBuffers, so the same code drives a PYNQ board and the virtual board.
//
// A round trip: register the buffers once, then per call
//   dma.start_receive(out, 0, out_bytes);   // S2MM armed first: DA, then LENGTH
//   dma.start_send(in, 0, in_bytes);        // MM2S: SA, then LENGTH (buffer synced for device)
//   auto sent = dma.wait(DmaChannel::mm2s, deadline);
//   auto got = dma.wait(DmaChannel::s2mm, deadline);   // got.bytes = S2MM_LENGTH
// Refusals (bad length, alignment, unknown buffer, double start, a channel halted or ended in
// error, a stale driver, a PL that is down) are
// thrown as zynqnn::Error before any register is written. Hardware conditions (completion,
// deadline, DMA error) are returned by wait() as a DmaWaitResult, never thrown.
//
// Not thread-safe: one thread uses one AxiDma at a time. Two DMAs may run on two threads.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/board.hpp"
#include "zynqnn/runtime/dma_buffer.hpp"
#include "zynqnn/runtime/register_space.hpp"

namespace zynqnn {

enum class DmaChannel : std::uint8_t {
  mm2s = 0,  // memory to stream: the kernel's input ("send")
  s2mm = 1,  // stream to memory: the kernel's output ("receive")
};
std::string_view to_string(DmaChannel channel) noexcept;

// What the hardware has, as the manifest / .hwh describe it.
struct AxiDmaConfig {
  std::string name = "axi_dma";        // instance name, used in every message
  std::uint64_t base = 0;              // physical base of the AXI-Lite registers
  std::uint32_t register_bytes = 0x10000;  // size of the mapped register window
  bool has_mm2s = true;                // C_INCLUDE_MM2S
  bool has_s2mm = true;                // C_INCLUDE_S2MM
  unsigned mm2s_stream_bits = 32;      // C_M_AXIS_MM2S_TDATA_WIDTH
  unsigned s2mm_stream_bits = 32;      // C_S_AXIS_S2MM_TDATA_WIDTH
  unsigned mm2s_memory_bits = 32;      // C_M_AXI_MM2S_DATA_WIDTH
  unsigned s2mm_memory_bits = 32;      // C_M_AXI_S2MM_DATA_WIDTH
  bool mm2s_realignment = false;       // C_INCLUDE_MM2S_DRE: any byte address is accepted
  bool s2mm_realignment = false;       // C_INCLUDE_S2MM_DRE
  unsigned length_width = 14;          // C_SG_LENGTH_WIDTH: 8..26, max transfer 2^w - 1 bytes
  unsigned address_width = 32;         // C_ADDR_WIDTH: 32..64; above 32 the *_MSB registers are used
  bool scatter_gather = false;         // C_INCLUDE_SG: this driver needs it off
};

// Throws Error(invalid_argument) naming the DMA and the field when the configuration cannot
// describe an AXI DMA this driver can drive.
void validate(const AxiDmaConfig& config);

enum class WaitStrategy : std::uint8_t {
  busy_poll,          // read DMASR until done or deadline; lowest latency, burns a core (with a
                      // modeled clock that stands still while polled, sleeps first_backoff
                      // every 64 reads so that the deadline still comes)
  poll_with_backoff,  // read DMASR, sleep (Clock::sleep_for) doubling from first to max backoff
  interrupt,          // InterruptLine::wait_until(deadline) (UIO + poll() on the board)
};
std::string_view to_string(WaitStrategy strategy) noexcept;

struct AxiDmaOptions {
  WaitStrategy wait_strategy = WaitStrategy::poll_with_backoff;
  Nanoseconds first_backoff{1'000};      // poll_with_backoff: first sleep
  Nanoseconds max_backoff{100'000};      // poll_with_backoff: longest sleep
  Nanoseconds reset_timeout{10'000'000}; // bound on soft reset and on leaving Halted
};

enum class DmaOutcome : std::uint8_t {
  done,       // the channel completed; bytes says how many bytes moved
  timed_out,  // the deadline passed; the transfer stays in flight until abort()
  error,      // DMASR reported an error (or the channel halted); status holds the raw bits
};
std::string_view to_string(DmaOutcome outcome) noexcept;

struct DmaWaitResult {
  DmaOutcome outcome = DmaOutcome::done;
  std::uint32_t bytes = 0;   // done: MM2S = requested length, S2MM = S2MM_LENGTH (bytes received)
  std::uint32_t status = 0;  // DMASR as last read
  bool done() const noexcept { return outcome == DmaOutcome::done; }
};

// "DMAIntErr DMASlvErr" etc. for the error bits of a DMASR value ("" when none).
std::string describe_dma_errors(std::uint32_t dmasr);
// Every set bit of a DMASR value by name, e.g. "Idle IOC_Irq".
std::string describe_dma_status(std::uint32_t dmasr);

// Cheap counters (plain integers: an AxiDma is used by one thread at a time).
struct AxiDmaStatistics {
  std::uint64_t transfers_started = 0;
  std::uint64_t transfers_done = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t errors = 0;    // waits that ended with DmaOutcome::error
  std::uint64_t refusals = 0;  // calls refused with an Error before touching registers
  std::uint64_t resets = 0;    // soft resets (init and abort)
};

class AxiDma {
 public:
  // Validates the configuration; touches no hardware until init().
  AxiDma(Board& board, AxiDmaConfig config, AxiDmaOptions options = {});
  ~AxiDma();
  AxiDma(const AxiDma&) = delete;
  AxiDma& operator=(const AxiDma&) = delete;

  // Maps the registers, soft-resets the engine (bounded by reset_timeout), refuses an engine
  // built with scatter-gather (DMASR SGIncld), sets RS on each channel and checks Halted
  // clears; with the interrupt strategy opens and enables the channels' interrupt lines.
  // Also the way back after abort(), an error or a reconfiguration. Refused while the PL is down.
  void init();
  // Soft reset (bounded): stops in-flight transfers. The driver then needs init() again;
  // registered buffers stay registered.
  void abort();
  // Initialised, not aborted, the board not reconfigured since and its PL up.
  bool ready() const noexcept;

  // The buffers transfers may use. A buffer must outlive its registration.
  void register_buffer(DmaBuffer& buffer);
  void unregister_buffer(const DmaBuffer& buffer);
  std::size_t registered_buffers() const noexcept { return buffers_.size(); }

  // Arms S2MM to receive up to `length` bytes into [offset, offset+length) of `buffer`.
  void start_receive(DmaBuffer& buffer, std::size_t offset, std::size_t length);
  // Starts MM2S sending [offset, offset+length) of `buffer` (synced for the device first).
  void start_send(DmaBuffer& buffer, std::size_t offset, std::size_t length);
  // The same by physical address: the range must lie inside a registered buffer.
  void start_receive_at(std::uint64_t physical_address, std::size_t length);
  void start_send_at(std::uint64_t physical_address, std::size_t length);

  // Waits for the channel's transfer until `deadline` (on the board's clock).
  DmaWaitResult wait(DmaChannel channel, Nanoseconds deadline);
  bool in_flight(DmaChannel channel) const noexcept;

  // DMASR of a channel, for diagnostics (refused when stale or not initialised).
  std::uint32_t read_status(DmaChannel channel) const;

  const AxiDmaConfig& config() const noexcept { return config_; }
  const AxiDmaOptions& options() const noexcept { return options_; }
  const AxiDmaStatistics& statistics() const noexcept { return stats_; }
  Board& board() const noexcept { return board_; }

 private:
  struct RegisteredBuffer {
    std::uint64_t physical_address;
    std::size_t size;
    DmaBuffer* buffer;
  };
  struct Channel {
    DmaChannel id;
    std::uint32_t offset;           // of its register block
    bool present = false;
    std::uint32_t alignment = 4;    // bytes: the wider of a stream beat and a memory-map beat
    bool in_flight = false;
    // The last transfer ended in error: refused until init(), whatever Halted reads (PG021
    // lets Halted follow the error bits after a delay).
    bool failed = false;
    std::uint32_t failed_status = 0;  // its DMASR
    std::uint32_t requested = 0;    // LENGTH written
    DmaBuffer* buffer = nullptr;    // in flight: the buffer and offset in use
    std::size_t buffer_offset = 0;
    std::unique_ptr<InterruptLine> line;
  };

  void check_usable(const Channel& channel) const;
  void start(Channel& channel, const RegisteredBuffer& entry, std::size_t offset, std::size_t length);
  void start_in_buffer(Channel& channel, DmaBuffer& buffer, std::size_t offset, std::size_t length);
  void start_at(Channel& channel, std::uint64_t address, std::size_t length);
  const RegisteredBuffer* find_registered(const DmaBuffer& buffer) const noexcept;
  const RegisteredBuffer* find_containing(std::uint64_t address, std::size_t length) const noexcept;
  Channel& channel_for(DmaChannel id) noexcept { return channels_[static_cast<std::size_t>(id)]; }
  const Channel& channel_for(DmaChannel id) const noexcept { return channels_[static_cast<std::size_t>(id)]; }

  bool terminal(std::uint32_t status) const noexcept;
  DmaWaitResult finish(Channel& channel, std::uint32_t status);
  DmaWaitResult time_out(Channel& channel, std::uint32_t status);
  DmaWaitResult wait_busy(Channel& channel, Nanoseconds deadline);
  DmaWaitResult wait_backoff(Channel& channel, Nanoseconds deadline);
  DmaWaitResult wait_interrupt(Channel& channel, Nanoseconds deadline);

  void soft_reset();
  void refuse_scatter_gather();
  void run_channel(Channel& channel);
  std::uint32_t read(const Channel& channel, std::uint32_t reg) const { return registers_->read32(channel.offset + reg); }
  void write(Channel& channel, std::uint32_t reg, std::uint32_t value) { registers_->write32(channel.offset + reg, value); }

  [[noreturn]] void refuse(ErrorCode code, const Channel* channel, std::string_view register_name,
                           std::string message) const;

  Board& board_;
  AxiDmaConfig config_;
  AxiDmaOptions options_;
  Clock& clock_;
  std::unique_ptr<RegisterSpace> registers_;
  bool initialised_ = false;
  std::uint64_t generation_ = 0;  // board generation at init()
  std::uint32_t max_length_ = 0;  // 2^length_width - 1
  Channel channels_[2];
  std::vector<RegisteredBuffer> buffers_;
  mutable AxiDmaStatistics stats_;
};

}  // namespace zynqnn
