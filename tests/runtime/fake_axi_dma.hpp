#pragma once
// A scripted AXI DMA for the driver's tests: register semantics of PG021's direct mode, a log
// of every register access, cache sync and interrupt call in order, and knobs for the
// conditions a real engine can produce (slow completion, hang, errors, stuck reset).
#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/axi_dma_registers.hpp"
#include "zynqnn/runtime/board.hpp"
#include "zynqnn/runtime/null_board.hpp"

namespace zynqnn::testing {

namespace reg = zynqnn::axi_dma;

inline std::string register_name(std::uint32_t offset) {
  switch (offset) {
    case reg::mm2s_dmacr: return "MM2S_DMACR";
    case reg::mm2s_dmasr: return "MM2S_DMASR";
    case reg::mm2s_sa: return "MM2S_SA";
    case reg::mm2s_sa_msb: return "MM2S_SA_MSB";
    case reg::mm2s_length: return "MM2S_LENGTH";
    case reg::s2mm_dmacr: return "S2MM_DMACR";
    case reg::s2mm_dmasr: return "S2MM_DMASR";
    case reg::s2mm_da: return "S2MM_DA";
    case reg::s2mm_da_msb: return "S2MM_DA_MSB";
    case reg::s2mm_length: return "S2MM_LENGTH";
  }
  return fmt::format("{:#x}", offset);
}

struct FakeChannel {
  enum class Completion { instant, after_reads, never };
  // Behaviour of the next transfers.
  Completion completion = Completion::instant;
  int reads_until_done = 0;          // after_reads: DMASR reads before completion
  std::uint32_t short_bytes = 0;     // S2MM: complete with this many bytes (0 = as armed)
  std::uint32_t error_bits = 0;      // complete with these DMASR error bits (the channel halts)
  bool halted_lags = false;          // an error sets Halted only later (PG021 allows the lag)
  // State.
  std::uint32_t dmacr = 1u << reg::dmacr::irq_threshold_shift;
  std::uint32_t dmasr = reg::dmasr::halted;
  std::uint32_t address = 0, address_msb = 0, length = 0;
  bool busy = false;
  int reads_left = 0;
};

class FakeDmaDevice {
 public:
  FakeChannel channel[2];          // [0] MM2S, [1] S2MM
  int reset_reads_to_clear = 0;    // DMACR reads before Reset reads back 0; -1 = never
  bool halted_sticks = false;      // RS=1 does not clear Halted
  bool sg_included = false;        // DMASR SGIncld reads 1 (C_INCLUDE_SG = 1)
  std::vector<std::string> log;    // "W S2MM_LENGTH 0x40", "R MM2S_DMASR 0x2", "sync_for_device 0 64"...
  int register_writes = 0;
  int register_reads = 0;
  ManualClock* clock = nullptr;    // when set, every register read takes read_cost of time
  Nanoseconds read_cost{0};

  void complete(int c) {
    FakeChannel& ch = channel[c];
    if (!ch.busy) return;
    ch.busy = false;
    if (ch.error_bits != 0) {
      ch.dmasr |= ch.error_bits | reg::dmasr::error_irq | (ch.halted_lags ? 0u : reg::dmasr::halted);
      ch.dmasr &= ~reg::dmasr::idle;
      return;
    }
    if (c == 1 && ch.short_bytes != 0) ch.length = ch.short_bytes;
    ch.dmasr |= reg::dmasr::idle | reg::dmasr::ioc_irq;
  }

  std::uint32_t read(std::uint32_t offset) {
    ++register_reads;
    if (clock != nullptr) clock->advance(read_cost);
    const int c = offset < reg::s2mm_channel_offset ? 0 : 1;
    FakeChannel& ch = channel[c];
    std::uint32_t value = 0;
    switch (offset % reg::s2mm_channel_offset) {
      case reg::reg::dmacr:
        if ((ch.dmacr & reg::dmacr::reset) != 0 && reset_reads_to_clear >= 0 && reset_reads_to_clear-- == 0) {
          reset_engine();
        }
        value = ch.dmacr;
        break;
      case reg::reg::dmasr:
        if (ch.busy && ch.completion == FakeChannel::Completion::after_reads && ch.reads_left-- <= 0) complete(c);
        value = ch.dmasr | (sg_included ? reg::dmasr::sg_included : 0u);
        break;
      case reg::reg::address: value = ch.address; break;
      case reg::reg::address_msb: value = ch.address_msb; break;
      case reg::reg::length: value = ch.length; break;
    }
    log.push_back(fmt::format("R {} {:#x}", register_name(offset), value));
    return value;
  }

  void write(std::uint32_t offset, std::uint32_t value) {
    ++register_writes;
    log.push_back(fmt::format("W {} {:#x}", register_name(offset), value));
    const int c = offset < reg::s2mm_channel_offset ? 0 : 1;
    FakeChannel& ch = channel[c];
    switch (offset % reg::s2mm_channel_offset) {
      case reg::reg::dmacr:
        if ((value & reg::dmacr::reset) != 0) {
          // The reset bit shows in both channels until the engine is done.
          for (auto& each : channel) each.dmacr |= reg::dmacr::reset;
          if (reset_reads_to_clear == 0) reset_engine();
          return;
        }
        ch.dmacr = value;
        if ((value & reg::dmacr::run_stop) != 0) {
          if (!halted_sticks) ch.dmasr &= ~reg::dmasr::halted;
        } else {
          ch.dmasr = (ch.dmasr | reg::dmasr::halted) & ~reg::dmasr::idle;
        }
        return;
      case reg::reg::dmasr: ch.dmasr &= ~(value & reg::dmasr::all_irq); return;
      case reg::reg::address: ch.address = value; return;
      case reg::reg::address_msb: ch.address_msb = value; return;
      case reg::reg::length:
        ch.length = value;
        if (value == 0 || (ch.dmasr & reg::dmasr::halted) != 0) return;  // PG021: no effect
        ch.busy = true;
        ch.dmasr &= ~reg::dmasr::idle;
        ch.reads_left = ch.reads_until_done;
        if (ch.completion == FakeChannel::Completion::instant) complete(c);
        return;
    }
  }

  void reset_engine() {
    for (auto& ch : channel) {
      ch.dmacr = 1u << reg::dmacr::irq_threshold_shift;
      ch.dmasr = reg::dmasr::halted;
      ch.busy = false;
    }
  }
};

class FakeRegisters final : public RegisterSpace {
 public:
  FakeRegisters(FakeDmaDevice& device, std::size_t size) : RegisterSpace(size), device_(device) {}

 private:
  std::uint32_t do_read32(std::uint32_t offset) const override { return device_.read(offset); }
  void do_write32(std::uint32_t offset, std::uint32_t value) override { device_.write(offset, value); }
  FakeDmaDevice& device_;
};

// Buffers whose syncs go into the device's log.
class RecordingBuffer final : public DmaBuffer {
 public:
  RecordingBuffer(std::unique_ptr<DmaBuffer> inner, std::vector<std::string>& log)
      : DmaBuffer(inner->data(), inner->size(), inner->physical_address()), inner_(std::move(inner)), log_(log) {}
  void sync_for_device(std::size_t offset, std::size_t length) override {
    log_.push_back(fmt::format("sync_for_device {} {}", offset, length));
  }
  void sync_for_cpu(std::size_t offset, std::size_t length) override {
    log_.push_back(fmt::format("sync_for_cpu {} {}", offset, length));
  }

 private:
  std::unique_ptr<DmaBuffer> inner_;
  std::vector<std::string>& log_;
};

class FakeMemory final : public DmaMemory {
 public:
  explicit FakeMemory(std::vector<std::string>& log) : log_(log) {}
  std::unique_ptr<DmaBuffer> allocate(std::size_t bytes, std::size_t alignment = 64) override {
    return std::make_unique<RecordingBuffer>(host_.allocate(bytes, alignment), log_);
  }

 private:
  HostDmaMemory host_;
  std::vector<std::string>& log_;
};

// The line fires when its channel has a pending IOC/Err bit; otherwise, when the device is
// set to complete "on interrupt wait", it completes the transfer and fires; else time passes
// to the deadline and it reports no interrupt.
class FakeInterruptLine final : public InterruptLine {
 public:
  FakeInterruptLine(FakeDmaDevice& device, ManualClock& clock, int channel, bool complete_on_wait)
      : device_(device), clock_(clock), channel_(channel), complete_on_wait_(complete_on_wait) {}
  void enable() override { device_.log.push_back(fmt::format("irq{} enable", channel_)); }
  bool wait_until(Nanoseconds deadline) override {
    device_.log.push_back(fmt::format("irq{} wait", channel_));
    FakeChannel& ch = device_.channel[channel_];
    if (complete_on_wait_ && ch.busy) device_.complete(channel_);
    if ((ch.dmasr & (reg::dmasr::ioc_irq | reg::dmasr::error_irq)) != 0) return true;
    if (clock_.now() < deadline) clock_.advance(deadline - clock_.now());
    return false;
  }

 private:
  FakeDmaDevice& device_;
  ManualClock& clock_;
  int channel_;
  bool complete_on_wait_;
};

class FakeBoard final : public Board {
 public:
  FakeDmaDevice device;
  ManualClock clock_{Nanoseconds{1'000'000}};
  bool has_interrupts = true;
  bool interrupts_complete_transfers = true;
  int maps = 0;

  FakeBoard() { device.clock = &clock_; }

  std::string name() const override { return "fake"; }
  std::unique_ptr<InterruptLine> open_interrupt(std::uint64_t, unsigned line) override {
    if (!has_interrupts) return nullptr;
    return std::make_unique<FakeInterruptLine>(device, clock_, static_cast<int>(line), interrupts_complete_transfers);
  }
  DmaMemory& memory() override { return memory_; }
  Clock& clock() override { return clock_; }
  // Set: the next load fails (the PL stays down).
  bool next_load_fails = false;

 protected:
  std::unique_ptr<RegisterSpace> map_device_registers(std::uint64_t, std::size_t size) override {
    ++maps;
    return std::make_unique<FakeRegisters>(device, size);
  }
  void load_configuration() override {
    device.reset_engine();
    if (std::exchange(next_load_fails, false)) throw Error(ErrorCode::io, "the load failed", "fake board");
  }

 private:
  FakeMemory memory_{device.log};
};

}  // namespace zynqnn::testing
