#pragma once
// Loads bitstreams through the Linux FPGA manager (sysfs firmware interface, as on the PYNQ
// Zynq-7000 images): the .bin goes to the firmware directory, flags selects a full (0) or
// partial (1) load, writing the file name to `firmware` starts the load, and `state` must
// then read "operating". The wait for that is bounded by a deadline on the given Clock.
#include <chrono>
#include <filesystem>
#include <string>

#include "zynqnn/core/clock.hpp"

namespace zynqnn::pynq_board {

struct FpgaManagerOptions {
  std::filesystem::path sys_root = "/sys";
  std::filesystem::path firmware_dir = "/lib/firmware";
  std::string manager = "fpga0";
  Nanoseconds timeout = std::chrono::seconds(10);
  Nanoseconds poll_interval = std::chrono::milliseconds(5);
};

class FpgaManager {
 public:
  FpgaManager(FpgaManagerOptions options, Clock& clock);

  // Full reconfiguration from a .bit (converted) or .bin (used as is). Resets the PL.
  void load_full(const std::filesystem::path& bitstream);
  // Partial reconfiguration of one region from its partial .bit or .bin.
  void load_partial(const std::filesystem::path& bitstream);

  // The manager's current state ("operating", "write error", ...).
  std::string state() const;
  const std::filesystem::path& manager_dir() const noexcept { return manager_dir_; }

 private:
  void load(const std::filesystem::path& bitstream, bool partial);
  void wait_until_operating(const std::string& firmware_name);

  FpgaManagerOptions options_;
  Clock& clock_;
  std::filesystem::path manager_dir_;
};

}  // namespace zynqnn::pynq_board
