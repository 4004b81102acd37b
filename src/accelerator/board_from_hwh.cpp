#include "accelerator/board_from_hwh.hpp"

#include <fmt/format.h>

#include <map>

#include "zynqnn/board/pynq/pynq_board.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/hwh/binding.hpp"
#include "zynqnn/hwh/design.hpp"

namespace zynqnn {

BoardAndDmas open_board_from_hwh(const manifest::Manifest& manifest, const std::filesystem::path& manifest_folder,
                                 const std::string& hwh_path) {
  const hwh::Design design = hwh::read_hwh(hwh_path);

  std::vector<hwh::KernelStream> streams;
  for (const manifest::StreamInfo& stream : manifest.streams) {
    hwh::KernelStream kernel_stream;
    kernel_stream.name = stream.name;
    kernel_stream.direction = stream.direction == "in" ? hwh::StreamDirection::in : hwh::StreamDirection::out;
    kernel_stream.width_bits = static_cast<unsigned>(stream.stream_bits);
    kernel_stream.kernel_instance = manifest.control.instance;
    streams.push_back(kernel_stream);
  }
  const std::vector<hwh::StreamBinding> bindings = hwh::bind_streams(design, streams);

  // One AxiDmaConfig per DMA the streams reach, as the hardware handoff describes it; named
  // as the manifest expects so that the accelerator finds each stream's DMA.
  std::map<std::string, AxiDmaConfig> by_instance;
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    const hwh::StreamBinding& binding = bindings[i];
    const hwh::Dma* dma = nullptr;
    for (const hwh::Dma& candidate : design.dmas)
      if (candidate.name == binding.dma) dma = &candidate;
    if (!dma) throw Error(ErrorCode::internal, "binding names an unknown DMA " + binding.dma, hwh_path);
    if (manifest.streams[i].dma != binding.dma)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("the manifest expects DMA '{}' but the design connects '{}'", manifest.streams[i].dma,
                              binding.dma),
                  hwh_path + ": stream " + manifest.streams[i].name);
    AxiDmaConfig& config = by_instance[binding.dma];
    config.name = binding.dma;
    config.base = binding.dma_base;
    config.has_mm2s = dma->mm2s.has_value();
    config.has_s2mm = dma->s2mm.has_value();
    if (dma->mm2s) {
      config.mm2s_stream_bits = dma->mm2s->stream_width_bits;
      config.mm2s_memory_bits = dma->mm2s->mem_width_bits;
      config.mm2s_realignment = dma->mm2s->realignment;
    }
    if (dma->s2mm) {
      config.s2mm_stream_bits = dma->s2mm->stream_width_bits;
      config.s2mm_memory_bits = dma->s2mm->mem_width_bits;
      config.s2mm_realignment = dma->s2mm->realignment;
    }
    config.length_width = dma->length_width;
    config.scatter_gather = dma->scatter_gather;
  }

  pynq_board::PynqBoardConfig board_config;
  board_config.name = manifest.board;
  // DMA memory: u-dma-buf where its device exists, else XRT (a stock PYNQ 3.x image); the
  // environment may force either (docs/board.md).
  pynq_board::apply_memory_environment(board_config);
  if (!manifest.artifacts.bitstream.empty()) {
    board_config.bitstream = manifest_folder / manifest.artifacts.bitstream;
    // The design the .hwh describes is already loaded (by zynqnn or by a pynq.Overlay); the
    // bitstream is what a reconfiguration reloads.
    board_config.load_bitstream_on_open = false;
  }
  if (!manifest.reconfigurable_region.empty()) {
    // Recovery reloads the kernel's partition alone; the DMAs in the static part stay.
    board_config.partial_bitstreams[manifest.reconfigurable_region] =
        manifest_folder / manifest.artifacts.partial_bitstream;
    board_config.reload_region = manifest.reconfigurable_region;
  }
  BoardAndDmas result;
  result.board = std::make_unique<pynq_board::PynqBoard>(board_config);
  for (auto& [name, config] : by_instance) result.dmas.push_back(config);
  result.options.wait_strategy = WaitStrategy::poll_with_backoff;
  return result;
}

}  // namespace zynqnn
