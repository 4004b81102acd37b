#pragma once
// A board with nothing behind it: host memory with made-up physical addresses and AXI DMA
// register blocks on which every transfer completes the moment LENGTH is written (no data
// moves). It measures what the driver itself costs per call and lets the runtime run where
// neither a board nor the virtual board is wanted.
#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <string>

#include "zynqnn/runtime/board.hpp"

namespace zynqnn {

// Heap memory handed out as DmaBuffers at increasing fake physical addresses (32-bit, so the
// driver's address checks behave as on a Zynq-7000). Syncs do nothing.
class HostDmaMemory final : public DmaMemory {
 public:
  explicit HostDmaMemory(std::uint64_t first_physical_address = 0x1000'0000);
  std::unique_ptr<DmaBuffer> allocate(std::size_t bytes, std::size_t alignment = 64) override;

 private:
  std::mutex mutex_;
  std::uint64_t next_physical_address_;
};

// Register behaviour of an AXI DMA that completes at once: Reset clears immediately and halts
// both channels, RS clears Halted, writing a non-zero LENGTH to a running channel sets Idle and
// IOC_Irq (and S2MM_LENGTH reads back the bytes armed), DMASR IRQ bits are write-1-to-clear.
class InstantAxiDmaRegisters final : public RegisterSpace {
 public:
  explicit InstantAxiDmaRegisters(std::size_t size_bytes = 0x10000);

 private:
  std::uint32_t do_read32(std::uint32_t offset) const override;
  void do_write32(std::uint32_t offset, std::uint32_t value) override;
  void reset_engine();

  static constexpr std::size_t words = 0x60 / 4;
  std::uint32_t registers_[words] = {};
};

class NullBoard final : public Board {
 public:
  explicit NullBoard(Clock& clock = steady_clock());
  std::string name() const override { return "null"; }
  // A line that reports "fired" at once: on this board every transfer is already complete.
  std::unique_ptr<InterruptLine> open_interrupt(std::uint64_t base, unsigned line) override;
  DmaMemory& memory() override { return memory_; }
  Clock& clock() override { return clock_; }

 protected:
  std::unique_ptr<RegisterSpace> map_device_registers(std::uint64_t base, std::size_t size) override;
  void load_configuration() override {}

 private:
  Clock& clock_;
  HostDmaMemory memory_;
};

}  // namespace zynqnn
