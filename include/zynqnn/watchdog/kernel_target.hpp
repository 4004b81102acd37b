#pragma once
// A fault campaign on a generated or compiled kernel folder (manifest.json + the C-simulation
// library written by `zynqnn generate` / `zynqnn compile`), run on the virtual board through
// the real DMA driver (open_accelerator(manifest, "virtual")). The campaign's faults are the
// virtual board's own (hang, stall, missing_tlast, extra_words, corrupt_output, bus_error,
// early_tlast; persistent, and persistent across reconfiguration). Inputs are seeded and
// valid for each stream's type; the expected outputs and the CPU fallback are the kernel's
// own HLS C++ run on the host (cpu_fallback_from_manifest).
//
// Host and board-native build only (it opens manifests and libraries); not part of the
// runtime-only watchdog.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "zynqnn/watchdog/campaign.hpp"

namespace zynqnn::watchdog {

struct ValueRange {
  double min = 0;
  double max = 0;
};

struct KernelTargetConfig {
  std::filesystem::path folder;            // holds manifest.json
  Nanoseconds latency_jitter{100};         // the virtual board's normal jitter (standard deviation)
  // The driver's wait: 0 = interrupts (the UIO wait of the board: the completion is seen when
  // it happens); otherwise DMASR is polled this often (modeled time; every poll costs real
  // time, so a long wait, e.g. the capped PYNQ-style wait of policy none, is slow to simulate).
  Nanoseconds poll_interval{0};
  // Every input element is drawn uniformly from this range (clipped to its type); default: the
  // whole range of an integer or fixed-point type, [-1, 1) for float32.
  std::optional<ValueRange> input_range;
  // Declared range of every output whose elements the watchdog can read (adaptive policy).
  std::optional<ValueRange> output_range;
};

// Error(not_found / invalid_argument) naming the folder or the option when the folder has no
// manifest or library, or a range is empty or not finite.
TargetFactory kernel_folder_target(KernelTargetConfig config);

// Fills `inputs` (one byte vector per input stream of `manifest_path`, resized here) with the
// seeded, type-valid input of call `index`; the calibrate verb uses it too.
class KernelInputs {
 public:
  KernelInputs(const std::filesystem::path& manifest_path, std::optional<ValueRange> range, std::uint64_t seed);
  ~KernelInputs();
  KernelInputs(KernelInputs&&) noexcept;
  KernelInputs& operator=(KernelInputs&&) noexcept;
  void make(std::uint64_t index, std::vector<std::vector<std::byte>>& inputs) const;

 private:
  struct Stream;
  std::vector<Stream> streams_;
  std::uint64_t seed_;
};

}  // namespace zynqnn::watchdog
