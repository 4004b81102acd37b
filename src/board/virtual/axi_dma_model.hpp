#pragma once
// A register-accurate model of one AXI DMA v7.1 in direct-register mode (PG021): the register
// file of both channels and, per channel, an engine that moves data between the simulated DDR
// and an AXI4-Stream port of the PL kernel.
//
// The engines have no threads of their own: they are state machines run by whichever thread
// makes data movable. A LENGTH write fills (MM2S) or drains (S2MM) the stream FIFO on the
// driver's thread; the PL thread, about to block on an empty input or a full output
// (hls::csim::wait_observer::before_block), fills every input FIFO from DDR and drains every
// output FIFO into it. A whole frame thus runs on the PL thread without a hand-off. Once a
// transfer's data has moved, its modeled completion time is known; Idle, IOC_Irq and the
// interrupt line follow when modeled time reaches it, evaluated by whoever looks (a register
// access, an interrupt wait).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "board_state.hpp"
#include "simulated_ddr.hpp"
#include "transfer_timing.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"

namespace zynqnn::virtual_board {

namespace dma_reg {
inline constexpr std::uint32_t kMm2sDmacr = 0x00, kMm2sDmasr = 0x04, kMm2sSa = 0x18, kMm2sSaMsb = 0x1C,
                               kMm2sLength = 0x28;
inline constexpr std::uint32_t kS2mmDmacr = 0x30, kS2mmDmasr = 0x34, kS2mmDa = 0x48, kS2mmDaMsb = 0x4C,
                               kS2mmLength = 0x58;
inline constexpr std::uint32_t kChannelStride = 0x30;
// DMACR
inline constexpr std::uint32_t kRunStop = 1u << 0, kReservedOne = 1u << 1, kReset = 1u << 2, kKeyhole = 1u << 3,
                               kCyclic = 1u << 4, kIocIrqEn = 1u << 12, kDlyIrqEn = 1u << 13, kErrIrqEn = 1u << 14,
                               kIrqThresholdMask = 0xFFu << 16, kIrqDelayMask = 0xFFu << 24;
// Bit 1 is reserved and reads 1 (PG021 MM2S_DMACR/S2MM_DMACR); IRQThreshold resets to 1.
inline constexpr std::uint32_t kDmacrReset = (1u << 16) | kReservedOne;
// DMASR
inline constexpr std::uint32_t kHalted = 1u << 0, kIdle = 1u << 1, kSgIncld = 1u << 3, kDmaIntErr = 1u << 4,
                               kDmaSlvErr = 1u << 5, kDmaDecErr = 1u << 6, kIocIrq = 1u << 12, kDlyIrq = 1u << 13,
                               kErrIrq = 1u << 14;
inline constexpr std::uint32_t kIrqMask = kIocIrq | kDlyIrq | kErrIrq;
inline constexpr std::uint32_t kErrorMask = kDmaIntErr | kDmaSlvErr | kDmaDecErr;
}  // namespace dma_reg

// How long a soft reset takes (Reset reads 1 meanwhile), in PL clock cycles.
inline constexpr std::uint64_t kSoftResetCycles = 64;
// Modeled time from command to an error response (decode/slave/alignment), in PL cycles.
inline constexpr std::uint64_t kErrorResponseCycles = 16;

struct DmaTiming {
  double pl_clock_mhz = 100.0;
  std::uint64_t kernel_latency_cycles = 0;
  Nanoseconds jitter{0};
  std::uint64_t seed = 1;
  std::uint64_t register_access_cycles = 0;
  std::shared_ptr<MemoryPath> memory_path;  // shared by every DMA of the board
};

class DmaDevice {
 public:
  enum ChannelId : unsigned { mm2s = 0, s2mm = 1 };

  // `mm2s_port` feeds a kernel input, `s2mm_port` drains a kernel output (nullptr when the
  // channel is absent).
  DmaDevice(const DmaConfig& config, unsigned index, std::shared_ptr<SimulationTime> clock,
            std::shared_ptr<SimulatedDdr> ddr, FaultState& faults, BoardCounters& counters, AxisPort* mm2s_port,
            AxisPort* s2mm_port, const DmaTiming& timing);
  DmaDevice(const DmaDevice&) = delete;
  DmaDevice& operator=(const DmaDevice&) = delete;

  const DmaConfig& config() const noexcept { return config_; }
  bool has_channel(unsigned channel) const noexcept;

  // An AXI-Lite access from outside the simulation: modeled time passes for the bus
  // transaction first, then the register is read or written.
  std::uint32_t read(std::uint32_t offset);
  void write(std::uint32_t offset, std::uint32_t value);

  // The level of mm2s_introut (0) / s2mm_introut (1): (DMASR IRQ bits & DMACR IrqEn) != 0.
  bool interrupt_asserted(unsigned channel) const noexcept;
  SimulationTime& clock() noexcept { return *clock_; }
  // Brings the channel up to modeled time (completes a transfer whose time has come) and
  // returns the modeled time at which its transfer in flight completes, or kForever.
  Nanoseconds catch_up(unsigned channel);
  // Counts transfers whose data has moved (their completion time became known).
  std::uint64_t scheduled_completions() const noexcept { return scheduled_.load(std::memory_order_acquire); }

  // Moves every beat the engines can move now: fills the MM2S stream FIFO from DDR, drains
  // the S2MM one into DDR. Called by the PL thread before it blocks.
  void pump();

  // PL reset (reconfiguration), around the board's closing of every port: abandon every
  // transfer and ignore register writes; then reset every register.
  void begin_pl_reset();
  void finish_pl_reset();
  // The board is gone: register accesses do nothing from now on.
  void shut_down();

 private:
  struct Transfer {
    std::uint64_t address = 0;
    std::uint32_t length = 0;
    Nanoseconds start{0};
    std::int64_t memory_done_ns = 0;  // MM2S: the end of its booking on the memory path
    std::byte* memory = nullptr;      // the host memory behind `address` (checked)
  };
  // What an S2MM transfer has seen of its packet.
  struct Packet {
    std::vector<Fault> faults;
    double stall = 1.0;
    std::int64_t first_beat_at = 0;
  };
  struct Channel {
    ChannelId id;
    bool present = false;
    unsigned stream_bits = 32;
    AxisPort* port = nullptr;
    std::uint32_t dmacr = dma_reg::kDmacrReset;
    std::uint32_t dmasr = dma_reg::kHalted;
    std::uint32_t address = 0, address_msb = 0, length = 0;
    std::int64_t halt_due_ns = -1;  // an error's Halted, set at this modeled time (halted_lag_cycles)
    // The transfer: armed by a LENGTH write until it completes, is flushed or lets go.
    bool busy = false;
    Transfer command;
    std::uint32_t moved = 0;  // bytes sent (MM2S) or received (S2MM)
    std::uint64_t beats = 0;
    Packet packet;
    // Every beat has moved (or an error was found): completes at complete_at.
    bool data_done = false;
    std::uint32_t error = 0;  // one DMASR error bit, or 0
    std::int64_t complete_at = 0;
    // A soft reset that waits for the streams (soft_reset_waits_for_streams) caught this
    // engine inside a packet: it lets go after its stream's next beat.
    bool held_by_reset = false;
    std::atomic<bool> irq{false};
    std::mt19937_64 rng;
  };

  Channel& channel_at(std::uint32_t offset);
  std::uint32_t read_register(std::uint32_t offset);
  void write_dmacr(Channel& ch, std::uint32_t value);
  void write_length(Channel& ch, std::uint32_t value);
  void catch_up_locked();
  void start_soft_reset();
  void finish_soft_reset_if_due();
  void set_due_halts();
  void abandon_transfer(Channel& ch);
  void drop_transfer(Channel& ch);
  void reset_channel_registers(Channel& ch);
  void update_interrupt(Channel& ch);

  bool pump_channel(Channel& ch);
  bool pump_mm2s(Channel& ch);
  bool pump_s2mm(Channel& ch);
  bool pump_held(Channel& ch);
  AxisPort::Beat next_mm2s_beat(const Channel& ch, const std::byte* source) const;
  bool take_s2mm_beat(Channel& ch, AxisPort::Beat beat);
  bool receive_s2mm_beat(Channel& ch, const AxisPort::Beat& beat);
  std::uint32_t check_transfer(const Channel& ch, const Transfer& t);
  void data_finished(Channel& ch, std::uint32_t error, std::int64_t complete_at);
  void complete_transfer(Channel& ch);
  std::int64_t cycles_to_ns(double cycles) const;
  double jitter_ns(Channel& ch);

  DmaConfig config_;
  std::shared_ptr<SimulationTime> clock_;
  std::shared_ptr<SimulatedDdr> ddr_;
  FaultState& faults_;
  BoardCounters& counters_;
  DmaTiming timing_;
  std::uint32_t length_mask_;

  mutable std::mutex mutex_;
  bool soft_reset_active_ = false;
  Nanoseconds soft_reset_done_at_{0};
  bool pl_resetting_ = false;
  bool shut_down_ = false;
  std::atomic<std::uint64_t> scheduled_{0};
  Channel channels_[2];
};

}  // namespace zynqnn::virtual_board
