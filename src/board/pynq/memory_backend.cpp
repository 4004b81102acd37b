#include "zynqnn/board/pynq/memory_backend.hpp"

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {

std::string_view to_string(MemoryBackend backend) noexcept {
  switch (backend) {
    case MemoryBackend::automatic: return "auto";
    case MemoryBackend::udmabuf: return "udmabuf";
    case MemoryBackend::xrt: return "xrt";
  }
  return "unknown";
}

MemoryBackend parse_memory_backend(std::string_view text, std::string_view where) {
  for (MemoryBackend backend : {MemoryBackend::automatic, MemoryBackend::udmabuf, MemoryBackend::xrt}) {
    if (text == to_string(backend)) return backend;
  }
  throw Error(ErrorCode::invalid_argument,
              fmt::format("unknown DMA memory backend '{}': expected auto, udmabuf or xrt", text), std::string(where));
}

MemoryBackend resolve_memory_backend(MemoryBackend requested, const std::filesystem::path& dev_root,
                                     const std::string& udmabuf_name) {
  if (requested != MemoryBackend::automatic) return requested;
  std::error_code ignored;
  return std::filesystem::exists(dev_root / udmabuf_name, ignored) ? MemoryBackend::udmabuf : MemoryBackend::xrt;
}

}  // namespace zynqnn::pynq_board
