#include "accelerator/board_from_manifest.hpp"

#include "accelerator/board_from_hwh.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/null_board.hpp"

namespace zynqnn {

std::vector<AxiDmaConfig> dma_configs(const manifest::Manifest& manifest) {
  std::vector<AxiDmaConfig> dmas;
  for (const manifest::DmaInfo& dma : manifest.dmas) {
    AxiDmaConfig config;
    config.name = dma.name;
    config.base = dma.base_address;
    config.has_mm2s = dma.include_mm2s;
    config.has_s2mm = dma.include_s2mm;
    config.mm2s_stream_bits = static_cast<unsigned>(dma.include_mm2s ? dma.mm2s_bits : 32);
    config.s2mm_stream_bits = static_cast<unsigned>(dma.include_s2mm ? dma.s2mm_bits : 32);
    config.length_width = static_cast<unsigned>(dma.length_width);
    config.scatter_gather = dma.include_sg;
    dmas.push_back(config);
  }
  return dmas;
}

virtual_board::VirtualBoardConfig virtual_board_config(const manifest::Manifest& manifest) {
  virtual_board::VirtualBoardConfig config;
  config.dmas.clear();
  for (const manifest::DmaInfo& dma : manifest.dmas) {
    virtual_board::DmaConfig model;
    model.name = dma.name;
    model.base = dma.base_address;
    model.has_mm2s = dma.include_mm2s;
    model.has_s2mm = dma.include_s2mm;
    model.mm2s_stream_bits = static_cast<unsigned>(dma.include_mm2s ? dma.mm2s_bits : 32);
    model.s2mm_stream_bits = static_cast<unsigned>(dma.include_s2mm ? dma.s2mm_bits : 32);
    model.length_width = static_cast<unsigned>(dma.length_width);
    config.dmas.push_back(model);
  }
  config.pl_clock_mhz = manifest.clock_mhz;
  return config;
}

std::unique_ptr<virtual_board::VirtualBoard> make_virtual_board(const virtual_board::VirtualBoardConfig& config,
                                                               const manifest::Manifest& manifest,
                                                               const std::filesystem::path& manifest_folder) {
  if (manifest.artifacts.sim_library.empty())
    throw Error(ErrorCode::not_found, "the manifest names no C-simulation library (artifacts.sim_library)",
                "virtual board");
  const std::filesystem::path library = manifest_folder / manifest.artifacts.sim_library;
  if (!std::filesystem::exists(library))
    throw Error(ErrorCode::not_found,
                "C-simulation library " + library.string() + " does not exist (run `zynqnn generate` again)",
                "virtual board");
  return std::make_unique<virtual_board::VirtualBoard>(config, virtual_board::load_kernel_library(library.string()));
}

namespace {

std::unique_ptr<Board> virtual_board_with(const manifest::Manifest& manifest, const std::filesystem::path& manifest_folder,
                                          std::optional<Nanoseconds> latency_jitter, std::optional<std::uint64_t> seed) {
  virtual_board::VirtualBoardConfig config = virtual_board_config(manifest);
  if (latency_jitter) {
    if (latency_jitter->count() < 0) throw Error(ErrorCode::invalid_argument, "negative latency jitter", "virtual board");
    config.latency_jitter = *latency_jitter;
  }
  if (seed) config.seed = *seed;
  return make_virtual_board(config, manifest, manifest_folder);
}

}  // namespace

BoardAndDmas open_board(const manifest::Manifest& manifest, const std::filesystem::path& manifest_folder,
                        const std::string& board_name, std::optional<Nanoseconds> latency_jitter,
                        std::optional<std::uint64_t> seed) {
  BoardAndDmas result;
  if (board_name == "virtual") {
    result.board = virtual_board_with(manifest, manifest_folder, latency_jitter, seed);
    result.dmas = dma_configs(manifest);
    result.options.wait_strategy = WaitStrategy::poll_with_backoff;
  } else if (board_name == "null") {
    result.board = std::make_unique<NullBoard>();
    result.dmas = dma_configs(manifest);
    result.options.wait_strategy = WaitStrategy::busy_poll;
  } else if (board_name.ends_with(".hwh")) {
    result = open_board_from_hwh(manifest, manifest_folder, board_name);
  } else {
    throw Error(ErrorCode::invalid_argument,
                "board must be \"virtual\", \"null\" or the path of a .hwh file, got \"" + board_name + "\"",
                "open_accelerator");
  }
  return result;
}

}  // namespace zynqnn
