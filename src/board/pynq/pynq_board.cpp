#include "zynqnn/board/pynq/pynq_board.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "zynqnn/board/pynq/mmap_register_space.hpp"
#include "zynqnn/board/pynq/uio.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

UdmabufOptions udmabuf_options(const PynqBoardConfig& config) {
  UdmabufOptions options;
  options.name = config.udmabuf_name;
  options.dev_root = config.dev_root;
  options.sys_root = config.sys_root;
  options.cached = config.udmabuf_cached;
  return options;
}

std::unique_ptr<DmaMemory> open_memory(const PynqBoardConfig& config, MemoryBackend backend) {
  if (backend == MemoryBackend::udmabuf) return std::make_unique<UdmabufMemory>(udmabuf_options(config));
  if (config.memory_backend != MemoryBackend::automatic) return std::make_unique<XrtMemory>(config.xrt);
  try {
    return std::make_unique<XrtMemory>(config.xrt);
  } catch (const Error& error) {
    // Chosen by the rule: say that u-dma-buf was looked for too.
    throw Error(error.code(),
                fmt::format("no DMA memory: no u-dma-buf device {} and XRT: {}",
                            (config.dev_root / config.udmabuf_name).string(), error.message()),
                error.where());
  }
}

}  // namespace

void apply_memory_environment(PynqBoardConfig& config) {
  if (const char* backend = std::getenv("ZYNQNN_DMA_MEMORY"); backend != nullptr && *backend != '\0') {
    config.memory_backend = parse_memory_backend(backend, "ZYNQNN_DMA_MEMORY");
  }
  if (const char* library = std::getenv("ZYNQNN_XRT_LIBRARY"); library != nullptr && *library != '\0') {
    config.xrt.library = library;
  }
}

PynqBoard::PynqBoard(PynqBoardConfig config)
    : config_(std::move(config)),
      memory_backend_(resolve_memory_backend(config_.memory_backend, config_.dev_root, config_.udmabuf_name)),
      memory_(open_memory(config_, memory_backend_)) {
  if (!config_.bitstream.empty() && config_.load_bitstream_on_open) {
    run_load([this] { fpga_manager().load_full(config_.bitstream); }, /*counts=*/false);
  }
}

PynqBoard::~PynqBoard() = default;

Clock& PynqBoard::clock() { return steady_clock(); }

FpgaManager& PynqBoard::fpga_manager() {
  if (!fpga_manager_) {
    FpgaManagerOptions options;
    options.sys_root = config_.sys_root;
    options.firmware_dir = config_.firmware_dir;
    options.manager = config_.fpga_manager;
    options.timeout = config_.load_timeout;
    fpga_manager_.emplace(options, clock());
  }
  return *fpga_manager_;
}

std::unique_ptr<RegisterSpace> PynqBoard::map_device_registers(std::uint64_t base, std::size_t size) {
  if (config_.register_access == RegisterAccess::dev_mem) {
    return MmapRegisterSpace::map_physical(config_.dev_root / "mem", base, size);
  }
  auto mapping = find_uio_covering(config_.sys_root, config_.dev_root, base, size);
  if (!mapping) {
    throw Error(ErrorCode::not_found,
                fmt::format("no UIO device maps [{:#x}, {:#x})", base, base + size),
                (config_.sys_root / "class" / "uio").string());
  }
  return MmapRegisterSpace::map_uio(mapping->device.device, mapping->map_index, mapping->offset_in_map, size);
}

std::unique_ptr<InterruptLine> PynqBoard::open_interrupt(std::uint64_t base, unsigned line) {
  for (const auto& binding : config_.interrupts) {
    if (binding.base == base && binding.line == line) {
      auto device = find_uio_by_name(config_.sys_root, config_.dev_root, binding.uio_name);
      return UioInterruptLine::open(device.device, clock());
    }
  }
  return nullptr;  // not wired: the driver polls the status register instead
}

void PynqBoard::check_load_possible() const {
  if (!config_.reload_region.empty()) {
    check_region(config_.reload_region);
  } else if (config_.bitstream.empty()) {
    throw Error(ErrorCode::bad_state, "cannot reconfigure: no bitstream is configured", config_.name);
  }
}

void PynqBoard::load_configuration() {
  if (!config_.reload_region.empty()) {
    fpga_manager().load_partial(config_.partial_bitstreams.at(config_.reload_region));
  } else {
    fpga_manager().load_full(config_.bitstream);
  }
}

void PynqBoard::check_region(const std::string& region) const {
  if (!config_.partial_bitstreams.contains(region)) {
    throw Error(ErrorCode::not_found, fmt::format("no partial bitstream for region '{}'", region), config_.name);
  }
}

void PynqBoard::reconfigure_region(const std::string& region) {
  check_region(region);  // refused before the PL goes down
  run_load([&] { fpga_manager().load_partial(config_.partial_bitstreams.at(region)); });
}

}  // namespace zynqnn::pynq_board
