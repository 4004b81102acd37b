#pragma once
// Where a PynqBoard's DMA buffers come from. A PYNQ 3.x image allocates through XRT (zocl:
// /dev/dri/renderD*) and has no u-dma-buf; a u-dma-buf region exists only where someone built
// and loaded that module, which is then the deliberate choice. Hence the automatic rule:
// u-dma-buf when its device file exists, XRT otherwise.
#include <filesystem>
#include <string>
#include <string_view>

namespace zynqnn::pynq_board {

enum class MemoryBackend {
  automatic,  // u-dma-buf if /dev/<udmabuf_name> exists, else XRT
  udmabuf,    // UdmabufMemory (udmabuf_memory.hpp)
  xrt,        // XrtMemory (xrt_memory.hpp)
};

std::string_view to_string(MemoryBackend backend) noexcept;
// "auto", "udmabuf" or "xrt"; Error(invalid_argument) naming `where` otherwise.
MemoryBackend parse_memory_backend(std::string_view text, std::string_view where);
// The backend `requested` stands for: itself, or for `automatic` the rule above.
MemoryBackend resolve_memory_backend(MemoryBackend requested, const std::filesystem::path& dev_root,
                                     const std::string& udmabuf_name);

}  // namespace zynqnn::pynq_board
