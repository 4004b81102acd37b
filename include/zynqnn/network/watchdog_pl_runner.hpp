#pragma once
// The PL part of a network through the watchdog (docs/watchdog.md): every frame is timed on
// the board's clock, a hung or failing call is aborted (or the PL reloaded) and retried as the
// config's ladder says, and reported. A frame the watchdog could not answer is an Error
// (timeout for a hang, dma_error, bad_state otherwise) with the failure's detail; the
// watchdog leaves the accelerator ready for the next frame.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "zynqnn/network/runner.hpp"
#include "zynqnn/watchdog/calibration.hpp"
#include "zynqnn/watchdog/config.hpp"
#include "zynqnn/watchdog/watchdog.hpp"

namespace zynqnn::network {

class WatchdogPlRunner final : public PlRunner {
 public:
  // `config` needs an expert threshold or a `calibration` (as the Watchdog itself).
  WatchdogPlRunner(std::unique_ptr<Accelerator> accelerator, watchdog::WatchdogConfig config,
                   std::optional<watchdog::Calibration> calibration, std::string where);
  void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) override;
  std::string where() const override { return where_; }

  // The watchdog's counters, failure records and alarms (sinks may be added).
  watchdog::Watchdog& watchdog() { return *watchdog_; }

 private:
  std::unique_ptr<Accelerator> accelerator_;
  std::unique_ptr<watchdog::Watchdog> watchdog_;
  std::string where_;
  std::uint64_t next_index_ = 0;
};

}  // namespace zynqnn::network
