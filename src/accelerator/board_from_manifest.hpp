#pragma once
// The board a manifest's kernel runs on, and the DMA configurations to drive it with:
// "virtual" (the virtual board running the manifest's C-simulation library), "null" (a
// board whose transfers complete at once, for measuring software cost) or a .hwh path
// (the real board; DMAs and addresses from the hardware handoff).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/runtime/axi_dma.hpp"
#include "zynqnn/runtime/board.hpp"

namespace zynqnn {

struct BoardAndDmas {
  std::unique_ptr<Board> board;
  std::vector<AxiDmaConfig> dmas;  // named as in the manifest
  AxiDmaOptions options;
};

// The DMA configurations the manifest expects (before any .hwh is consulted).
std::vector<AxiDmaConfig> dma_configs(const manifest::Manifest& manifest);

// The virtual board's DMA models and PL clock as the manifest describes them.
virtual_board::VirtualBoardConfig virtual_board_config(const manifest::Manifest& manifest);

// The virtual board with `config` (virtual_board_config's, adjusted by the caller) running the
// manifest's C-simulation library (artifacts.sim_library under `manifest_folder`); Error
// not_found when the manifest names none or the file is missing.
std::unique_ptr<virtual_board::VirtualBoard> make_virtual_board(const virtual_board::VirtualBoardConfig& config,
                                                               const manifest::Manifest& manifest,
                                                               const std::filesystem::path& manifest_folder);

// `latency_jitter` and `seed` apply to the virtual board only.
BoardAndDmas open_board(const manifest::Manifest& manifest, const std::filesystem::path& manifest_folder,
                        const std::string& board_name, std::optional<Nanoseconds> latency_jitter = {},
                        std::optional<std::uint64_t> seed = {});

}  // namespace zynqnn
