#include "zynqnn/accelerator/open_accelerator.hpp"

#include <filesystem>

#include "accelerator/board_from_manifest.hpp"
#include "zynqnn/accelerator/dma_accelerator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn {
namespace {

StreamInfo stream_info(const manifest::StreamInfo& stream) {
  StreamInfo info;
  info.name = stream.name;
  info.direction = stream.direction == "in" ? StreamDirection::input : StreamDirection::output;
  info.dtype = stream.dtype;
  info.shape = stream.shape;
  info.element_bits = static_cast<std::size_t>(stream.element_bits);
  info.elements = static_cast<std::size_t>(stream.elements);
  info.bytes = static_cast<std::size_t>(stream.bytes);
  return info;
}

std::size_t dma_index(const std::vector<AxiDmaConfig>& dmas, const manifest::StreamInfo& stream) {
  for (std::size_t i = 0; i < dmas.size(); ++i)
    if (dmas[i].name == stream.dma) return i;
  throw Error(ErrorCode::not_found, "stream is bound to DMA '" + stream.dma + "', which the board does not have",
              stream.name);
}

}  // namespace

std::unique_ptr<Accelerator> open_accelerator(const std::string& manifest_path, const std::string& board_name) {
  return open_accelerator(manifest_path, board_name, OpenOptions{});
}

std::unique_ptr<Accelerator> open_accelerator(const std::string& manifest_path, const std::string& board_name,
                                              const OpenOptions& options) {
  const std::filesystem::path folder = std::filesystem::path(manifest_path).parent_path();
  // A generated folder runs only whole: its files must be the ones its stamp lists.
  manifest::verify_folder_stamp(folder.empty() ? std::filesystem::path(".") : folder);
  const manifest::Manifest manifest = manifest::load_manifest(manifest_path);
  // Constant frames first: a missing or wrong-sized file is refused before a board is opened.
  std::vector<ConstantStream> constants;
  for (const manifest::StreamInfo* stream : manifest.constant_inputs()) {
    constants.push_back({stream_info(*stream), {}, manifest::load_constant_frame(*stream, folder)});
  }
  BoardAndDmas board = open_board(manifest, folder, board_name, options.latency_jitter, options.seed);
  if (options.dma) board.options = *options.dma;

  std::vector<StreamInfo> inputs, outputs;
  std::vector<StreamBinding> input_bindings, output_bindings;
  // The caller fills the user inputs; the constant streams are the accelerator's own.
  for (const manifest::StreamInfo* stream : manifest.inputs()) {
    inputs.push_back(stream_info(*stream));
    input_bindings.push_back({dma_index(board.dmas, *stream)});
  }
  for (const manifest::StreamInfo* stream : manifest.outputs()) {
    outputs.push_back(stream_info(*stream));
    output_bindings.push_back({dma_index(board.dmas, *stream)});
  }
  for (std::size_t c = 0; c < constants.size(); ++c) {
    constants[c].binding = {dma_index(board.dmas, *manifest.constant_inputs()[c])};
  }
  return std::make_unique<DmaAccelerator>(std::move(board.board), std::move(board.dmas), std::move(inputs),
                                          std::move(input_bindings), std::move(outputs),
                                          std::move(output_bindings), board.options, std::move(constants));
}

}  // namespace zynqnn
