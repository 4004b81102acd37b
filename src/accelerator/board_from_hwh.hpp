#pragma once
// The real board: DMAs, addresses and widths from the .hwh of the loaded design, each
// manifest stream bound to its DMA channel by following the stream peers.
#include <filesystem>
#include <string>

#include "accelerator/board_from_manifest.hpp"

namespace zynqnn {

BoardAndDmas open_board_from_hwh(const manifest::Manifest& manifest, const std::filesystem::path& manifest_folder,
                                 const std::string& hwh_path);

}  // namespace zynqnn
