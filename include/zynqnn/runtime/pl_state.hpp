#pragma once
// Whether the programmable logic holds a configuration. Shared by a board and every register
// space it maps (a mapping may outlive the board). From the moment a load starts until one
// succeeds the PL is down, and no register behind it is touched: on a Zynq an AXI access to
// a PL without a configuration can hang the interconnect, and the CPU with it.
#include <atomic>
#include <cstdint>
#include <string_view>

namespace zynqnn {

enum class PlCondition : std::uint8_t {
  up,           // configured: registers may be accessed
  loading,      // a load is in progress
  load_failed,  // the last load failed: down until a load succeeds
};
std::string_view to_string(PlCondition condition) noexcept;

class PlState {
 public:
  PlCondition condition() const noexcept { return condition_.load(std::memory_order_acquire); }
  bool up() const noexcept { return condition() == PlCondition::up; }
  // Increases by one with every successful load after the first configuration.
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

  void load_started() noexcept { condition_.store(PlCondition::loading, std::memory_order_release); }
  void load_failed() noexcept { condition_.store(PlCondition::load_failed, std::memory_order_release); }
  // `counts`: false for the first configuration (the one drivers are bound to from the start).
  void load_succeeded(bool counts = true) noexcept {
    if (counts) generation_.fetch_add(1, std::memory_order_acq_rel);
    condition_.store(PlCondition::up, std::memory_order_release);
  }

 private:
  std::atomic<PlCondition> condition_{PlCondition::up};
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace zynqnn
