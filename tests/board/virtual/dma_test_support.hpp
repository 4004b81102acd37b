#pragma once
// Register-level helpers for the virtual board tests: they drive the AXI DMA registers
// directly, in modeled time, the way a bare-metal driver would.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "zynqnn/board/virtual/virtual_board.hpp"

namespace zynqnn::virtual_board::testing {

namespace reg {
inline constexpr std::uint32_t MM2S_DMACR = 0x00, MM2S_DMASR = 0x04, MM2S_SA = 0x18, MM2S_SA_MSB = 0x1C,
                               MM2S_LENGTH = 0x28, S2MM_DMACR = 0x30, S2MM_DMASR = 0x34, S2MM_DA = 0x48,
                               S2MM_DA_MSB = 0x4C, S2MM_LENGTH = 0x58;
inline constexpr std::uint32_t RS = 1u << 0, RESET = 1u << 2, IOC_IRQ_EN = 1u << 12, ERR_IRQ_EN = 1u << 14;
inline constexpr std::uint32_t HALTED = 1u << 0, IDLE = 1u << 1, DMA_INT_ERR = 1u << 4, DMA_SLV_ERR = 1u << 5,
                               DMA_DEC_ERR = 1u << 6, IOC_IRQ = 1u << 12, ERR_IRQ = 1u << 14;
inline constexpr std::uint32_t DMACR_RESET_VALUE = 0x00010002;  // IRQThreshold 1, reserved bit 1 reads 1
}  // namespace reg

// One AXI-Lite register access at the default 8 PL cycles and 100 MHz: modeled time that
// passes for every read and write (start_s2mm + start_mm2s: four accesses).
inline constexpr Nanoseconds kRegisterAccess{80};

// Modeled transfer times at 100 MHz (10 ns a cycle) from PG021's "Performance" tables: MM2S
// 6 clocks from read address to first beat, then 99.76 % of a beat per cycle; S2MM 39 clocks
// from the first beat to the first write address, the kernel's latency, then 74.64 %.
inline Nanoseconds mm2s_time(double beats) {
  return Nanoseconds{std::llround((6.0 + beats / 0.9976) * 10.0)};
}
inline Nanoseconds s2mm_time(double beats, double kernel_cycles = 0.0, double stall = 1.0) {
  return Nanoseconds{std::llround((39.0 + kernel_cycles + beats / 0.7464) * stall * 10.0)};
}

inline VirtualBoardConfig exact_config() {
  VirtualBoardConfig config;
  config.latency_jitter = Nanoseconds{0};  // exact modeled times
  config.ddr_bytes = 4u << 20;
  return config;
}

// One DMA of a board, driven through its registers.
class DmaDriverForTest {
 public:
  DmaDriverForTest(Board& board, std::uint64_t base = 0x40400000)
      : board_(board), regs_(board.map_registers(base, 0x10000)) {}

  RegisterSpace& regs() { return *regs_; }
  std::uint32_t read(std::uint32_t offset) { return regs_->read32(offset); }
  void write(std::uint32_t offset, std::uint32_t value) { regs_->write32(offset, value); }

  void run_both() {
    write(reg::MM2S_DMACR, read(reg::MM2S_DMACR) | reg::RS);
    write(reg::S2MM_DMACR, read(reg::S2MM_DMACR) | reg::RS);
  }
  void start_s2mm(std::uint64_t address, std::uint32_t bytes) {
    write(reg::S2MM_DA, static_cast<std::uint32_t>(address));
    write(reg::S2MM_LENGTH, bytes);
  }
  void start_mm2s(std::uint64_t address, std::uint32_t bytes) {
    write(reg::MM2S_SA, static_cast<std::uint32_t>(address));
    write(reg::MM2S_LENGTH, bytes);
  }
  // Polls a status register every `step` of board time until (value & mask) != 0 or
  // `timeout` passes; returns the last value read.
  std::uint32_t poll(std::uint32_t offset, std::uint32_t mask, Nanoseconds timeout = std::chrono::milliseconds(10),
                     Nanoseconds step = std::chrono::nanoseconds(100)) {
    const Nanoseconds deadline = board_.clock().now() + timeout;
    std::uint32_t value = read(offset);
    while ((value & mask) == 0 && board_.clock().now() < deadline) {
      board_.clock().sleep_for(step);
      value = read(offset);
    }
    return value;
  }

 private:
  Board& board_;
  std::unique_ptr<RegisterSpace> regs_;
};

inline void fill_words(DmaBuffer& buffer, std::uint32_t seed) {
  for (std::size_t i = 0; i < buffer.size() / 4; ++i) {
    const std::uint32_t word = seed * 0x01000193u + static_cast<std::uint32_t>(i) * 0x9E3779B9u;
    std::memcpy(buffer.data() + 4 * i, &word, 4);
  }
  buffer.sync_for_device(0, buffer.size());
}

inline bool same_bytes(const DmaBuffer& a, const DmaBuffer& b, std::size_t bytes) {
  return std::memcmp(a.data(), b.data(), bytes) == 0;
}

// A kernel that wraps the loopback and declares a compute latency.
class LatencyLoopback final : public PlKernel {
 public:
  explicit LatencyLoopback(std::uint64_t cycles) : inner_(make_loopback_kernel()), cycles_(cycles) {}
  void run_frame(std::span<AxisPort> in, std::span<AxisPort> out) override { inner_->run_frame(in, out); }
  std::uint64_t frame_latency_cycles() const override { return cycles_; }

 private:
  std::shared_ptr<PlKernel> inner_;
  std::uint64_t cycles_;
};

}  // namespace zynqnn::virtual_board::testing
