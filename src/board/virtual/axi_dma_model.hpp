#pragma once
// A register-accurate model of one AXI DMA v7.1 in direct-register mode (PG021): the register
// file of both channels and one engine thread per channel that moves data between the
// simulated DDR and an AXI4-Stream port of the PL kernel.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

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
  ~DmaDevice();
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

  // PL reset (reconfiguration), in three steps around the board's closing of every port:
  // abandon every transfer and stop reopening ports; wait (bounded) until the engines have
  // let go; then reset every register.
  void begin_pl_reset();
  void wait_engines_released();
  void finish_pl_reset();
  // Stops the engine threads (the board has closed the ports first).
  void shut_down();

 private:
  struct Transfer {
    std::uint64_t address = 0;
    std::uint32_t length = 0;
    Nanoseconds start{0};
    std::int64_t memory_done_ns = 0;  // MM2S: the end of its booking on the memory path
  };
  struct Outcome {
    bool aborted = false;
    std::uint32_t error = 0;  // one DMASR error bit, or 0
    std::uint32_t bytes = 0;
    std::int64_t complete_at = 0;  // modeled ns
    std::uint64_t beats = 0;
  };
  struct Channel {
    ChannelId id;
    bool present = false;
    unsigned stream_bits = 32;
    AxisPort* port = nullptr;
    std::uint32_t dmacr = dma_reg::kDmacrReset;
    std::uint32_t dmasr = dma_reg::kHalted;
    std::uint32_t address = 0, address_msb = 0, length = 0;
    bool busy = false;           // a command is queued or owned by the engine
    bool in_data_phase = false;  // the engine may be inside a stream operation
    bool port_closed = false;    // closed by a DMA reset/halt, to reopen when the engine lets go
    std::int64_t halt_due_ns = -1;  // an error's Halted, set at this modeled time (halted_lag_cycles)
    // Inside a packet with AXI transactions in flight: MM2S with a beat not yet accepted by
    // the stream, S2MM after the first beat of a packet and before its TLAST.
    std::atomic<bool> mid_packet{false};
    Transfer command;
    std::atomic<bool> command_ready{false};
    std::atomic<std::uint64_t> epoch{0};
    std::atomic<bool> irq{false};
    std::mt19937_64 rng;
    std::thread engine;
  };

  Channel& channel_at(std::uint32_t offset);
  std::uint32_t read_register(std::uint32_t offset);
  void write_dmacr(Channel& ch, std::uint32_t value);
  void write_length(Channel& ch, std::uint32_t value);
  void start_soft_reset();
  void finish_soft_reset_if_due();
  void set_due_halts();
  void abandon_transfer(Channel& ch, bool close_port);
  void reset_channel_registers(Channel& ch);
  void update_interrupt(Channel& ch);

  void engine_main(Channel& ch);
  Outcome run_mm2s(Channel& ch, const Transfer& t, std::uint64_t epoch);
  Outcome run_s2mm(Channel& ch, const Transfer& t, std::uint64_t epoch);
  std::uint32_t check_transfer(const Channel& ch, const Transfer& t);
  void finish_transfer(Channel& ch, std::uint64_t epoch, const Outcome& outcome);
  void write_beat(Channel& ch, const AxisPort::Beat& beat, std::uint64_t epoch);
  AxisPort::Beat read_beat(Channel& ch, std::uint64_t epoch);
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
  std::condition_variable released_;  // an engine let go of a transfer
  bool soft_reset_active_ = false;
  Nanoseconds soft_reset_done_at_{0};
  bool pl_resetting_ = false;
  bool shut_down_ = false;
  std::atomic<bool> stop_{false};
  Channel channels_[2];
};

}  // namespace zynqnn::virtual_board
