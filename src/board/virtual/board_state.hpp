#pragma once
// State the board's parts share: counters and the injected faults.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

#include "zynqnn/board/virtual/virtual_board.hpp"

namespace zynqnn::virtual_board {

struct BoardCounters {
  std::atomic<std::uint64_t> frames{0}, reconfigurations{0}, mm2s_transfers{0}, s2mm_transfers{0}, words_moved{0},
      bytes_moved{0}, dma_errors{0}, soft_resets{0}, faults_applied{0}, kernel_errors{0}, register_reads{0},
      register_writes{0};
  // Beats written into kernel inputs from outside the PL thread (the PL thread waits for a
  // change to start a frame).
  std::atomic<std::uint64_t> input_pushes{0};
};

// Injected faults. Each kind has one consumer: hang the PL thread at a frame start; stall and
// the output faults the S2MM engine at the start of an output packet; bus_error the next DMA
// transfer. A transient fault is consumed once; a persistent one stays until clear().
class FaultState {
 public:
  explicit FaultState(BoardCounters& counters) : counters_(counters) {}
  void inject(const Fault& fault) {
    std::lock_guard lock(mutex_);
    (fault.persistent || fault.survives_reconfigure ? persistent_ : transient_).push_back(fault);
  }
  void clear() {
    std::lock_guard lock(mutex_);
    transient_.clear();
    persistent_.clear();
  }
  // A PL reload: every fault goes except those that survive it (a persistent load failure
  // is one: no load can clear it).
  void clear_on_reconfigure() {
    std::lock_guard lock(mutex_);
    transient_.clear();
    std::erase_if(persistent_,
                  [](const Fault& f) { return !f.survives_reconfigure && f.kind != FaultKind::load_failure; });
  }
  // A bus error for a transfer of this channel of DMA `dma` (persistent, or the oldest
  // matching transient one).
  bool take_bus_error(bool mm2s, const std::string& dma) {
    auto matches = [mm2s, &dma](const Fault& f) {
      return f.kind == FaultKind::bus_error &&
             (f.channel == FaultChannel::any || (f.channel == FaultChannel::mm2s) == mm2s) &&
             (f.dma.empty() || f.dma == dma);
    };
    std::lock_guard lock(mutex_);
    bool hit = std::any_of(persistent_.begin(), persistent_.end(), matches);
    if (!hit) {
      auto it = std::find_if(transient_.begin(), transient_.end(), matches);
      if (it != transient_.end()) {
        transient_.erase(it);
        hit = true;
      }
    }
    if (hit) ++counters_.faults_applied;
    return hit;
  }
  bool pending() const {
    std::lock_guard lock(mutex_);
    return !transient_.empty() || !persistent_.empty();
  }
  // Every persistent fault of these kinds and the oldest transient one of each kind.
  std::vector<Fault> take(std::initializer_list<FaultKind> kinds) {
    std::vector<Fault> taken;
    std::lock_guard lock(mutex_);
    for (FaultKind kind : kinds) {
      for (const Fault& f : persistent_)
        if (f.kind == kind) taken.push_back(f);
      for (auto it = transient_.begin(); it != transient_.end(); ++it) {
        if (it->kind == kind) {
          taken.push_back(*it);
          transient_.erase(it);
          break;
        }
      }
    }
    counters_.faults_applied += taken.size();
    return taken;
  }

 private:
  BoardCounters& counters_;
  mutable std::mutex mutex_;
  std::vector<Fault> transient_;
  std::vector<Fault> persistent_;
};

}  // namespace zynqnn::virtual_board
