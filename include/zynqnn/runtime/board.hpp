#pragma once
// What the driver and the watchdog need from a board. Two implementations: the real PYNQ
// board (mmaps, u-dma-buf, FPGA manager) and the virtual board (device model, simulated
// DDR, PL thread, modeled time). The driver cannot tell which one it drives.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/runtime/dma_buffer.hpp"
#include "zynqnn/runtime/register_space.hpp"

namespace zynqnn {

// An interrupt line from the PL (a UIO device on the board).
class InterruptLine {
 public:
  virtual ~InterruptLine() = default;
  // Unmasks the line so that the next assertion is reported.
  virtual void enable() = 0;
  // Waits until the line fires or `deadline` (on the board's clock) passes.
  // Returns true if it fired.
  virtual bool wait_until(Nanoseconds deadline) = 0;
};

class Board {
 public:
  virtual ~Board() = default;

  virtual std::string name() const = 0;
  // Maps `size` bytes of registers at physical address `base`.
  virtual std::unique_ptr<RegisterSpace> map_registers(std::uint64_t base, std::size_t size) = 0;
  // Interrupt line `line` of the device at `base` (for an AXI DMA: 0 = mm2s_introut,
  // 1 = s2mm_introut), or nullptr when the board has no such line wired.
  virtual std::unique_ptr<InterruptLine> open_interrupt(std::uint64_t base, unsigned line) = 0;
  virtual DmaMemory& memory() = 0;
  virtual Clock& clock() = 0;
  // Reloads the programmable logic. Every driver bound to the old configuration is stale
  // afterwards and must be re-initialised (see generation()).
  virtual void reconfigure() = 0;
  // Increases by one with every reconfiguration.
  virtual std::uint64_t generation() const = 0;
};

}  // namespace zynqnn
