#pragma once
// Opens the kernel a manifest describes on a board: "virtual" (the virtual board running the
// manifest's C-simulation library) or the path of a .hwh of the design loaded on a real board.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/runtime/axi_dma.hpp"

namespace zynqnn {

std::unique_ptr<Accelerator> open_accelerator(const std::string& manifest_path, const std::string& board);

// What may differ from the defaults when opening a kernel (e.g. for a fault campaign).
struct OpenOptions {
  // Virtual board: the standard deviation of its seeded normal latency jitter, and the seed.
  std::optional<Nanoseconds> latency_jitter;
  std::optional<std::uint64_t> seed;
  // The driver's wait (default: the board's usual one).
  std::optional<AxiDmaOptions> dma;
};
std::unique_ptr<Accelerator> open_accelerator(const std::string& manifest_path, const std::string& board,
                                              const OpenOptions& options);

}  // namespace zynqnn
