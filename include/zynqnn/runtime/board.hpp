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
#include "zynqnn/runtime/pl_state.hpp"
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
  // Maps `size` bytes of registers at physical address `base`. The mapping refuses every
  // access while the PL is down, and so does this call.
  std::unique_ptr<RegisterSpace> map_registers(std::uint64_t base, std::size_t size);
  // Interrupt line `line` of the device at `base` (for an AXI DMA: 0 = mm2s_introut,
  // 1 = s2mm_introut), or nullptr when the board has no such line wired.
  virtual std::unique_ptr<InterruptLine> open_interrupt(std::uint64_t base, unsigned line) = 0;
  virtual DmaMemory& memory() = 0;
  virtual Clock& clock() = 0;
  // Reloads the programmable logic. The PL is down from the start of the load until it
  // succeeds; a load that throws leaves it down (every register access is refused) until a
  // later one succeeds. Every driver bound to the old configuration is stale afterwards and
  // must be re-initialised (see generation()).
  void reconfigure();
  // Increases by one with every successful reconfiguration.
  std::uint64_t generation() const noexcept { return pl_->generation(); }
  // Whether the PL is configured (false while a load is in progress and after a failed one).
  bool pl_up() const noexcept { return pl_->up(); }
  PlCondition pl_condition() const noexcept { return pl_->condition(); }

 protected:
  virtual std::unique_ptr<RegisterSpace> map_device_registers(std::uint64_t base, std::size_t size) = 0;
  // The load itself; throws when it fails.
  virtual void load_configuration() = 0;
  // Throws when a load cannot even start (nothing to load): the PL stays up.
  virtual void check_load_possible() const {}
  // Runs a load (`load()` throws on failure) with the PL marked down meanwhile: reconfigure()
  // uses it, and so may a board's other kinds of load. `counts`: false for a first load that
  // drivers bound before it expect (e.g. the bitstream loaded when a board opens).
  template <typename Load>
  void run_load(Load&& load, bool counts = true) {
    pl_->load_started();
    try {
      load();
    } catch (...) {
      pl_->load_failed();
      throw;
    }
    pl_->load_succeeded(counts);
  }

 private:
  std::shared_ptr<PlState> pl_ = std::make_shared<PlState>();
};

}  // namespace zynqnn
