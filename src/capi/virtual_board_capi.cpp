// The C ABI's virtual board as a bus (zynqnn_virtual_board_*): the manifest's design on the
// virtual board with no zynqnn driver on it, driven register by register by another driver
// (PYNQ's own code through zynqnn.pynq_device). Every call holds the handle's lock.
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "accelerator/board_from_manifest.hpp"
#include "capi/last_error.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/runtime/register_space.hpp"
#include "zynqnn/zynqnn.h"

namespace {

struct Window {
  std::string name;
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  std::unique_ptr<zynqnn::RegisterSpace> registers;
};

// A part of the design the virtual board does not model (the kernel's s_axilite control
// window, the interrupt controller): named in the error when an access lands there.
struct UnmodeledWindow {
  std::string what;
  std::uint64_t base = 0;
  std::uint64_t size = 0;
};

}  // namespace

struct zynqnn_virtual_board {
  mutable std::mutex lock;
  std::unique_ptr<zynqnn::virtual_board::VirtualBoard> board;  // null after shutdown
  std::vector<Window> windows;
  std::vector<UnmodeledWindow> unmodeled;
  std::map<std::uint64_t, std::unique_ptr<zynqnn::DmaBuffer>> buffers;  // by physical address
  std::uint64_t ddr_base = 0;
  std::uint64_t ddr_bytes = 0;
};

namespace {

using zynqnn::Error;
using zynqnn::ErrorCode;
using zynqnn::capi::guarded_call;
using zynqnn::capi::set_error;

constexpr std::string_view kWhere = "virtual board";

int null_argument(const char* name) { return set_error(ZYNQNN_INVALID_ARGUMENT, fmt::format("{} is NULL", name)); }

// The board of an open handle (the caller holds the lock); Error bad_state after shutdown.
zynqnn::virtual_board::VirtualBoard& open_board(const zynqnn_virtual_board* handle) {
  if (!handle->board) throw Error(ErrorCode::bad_state, "the virtual board is shut down", std::string(kWhere));
  return *handle->board;
}

std::string windows_text(const zynqnn_virtual_board* handle) {
  std::string text;
  for (const Window& window : handle->windows)
    text += fmt::format("{}{} [{:#x}, {:#x})", text.empty() ? "" : ", ", window.name, window.base,
                        window.base + window.size);
  return text.empty() ? "none" : text;
}

// The register at `address`: its window and offset. Error out_of_range naming the address and
// the windows when no window covers it (on a board the access would hang the bus).
std::pair<Window*, std::uint32_t> route(zynqnn_virtual_board* handle, std::uint64_t address, const char* access) {
  for (Window& window : handle->windows)
    if (address >= window.base && address - window.base < window.size)
      return {&window, static_cast<std::uint32_t>(address - window.base)};
  std::string unmodeled;
  for (const UnmodeledWindow& window : handle->unmodeled)
    if (address >= window.base && address - window.base < window.size)
      unmodeled = fmt::format(" ({:#x} is in {} [{:#x}, {:#x}), which the virtual board does not model)", address,
                              window.what, window.base, window.base + window.size);
  throw Error(ErrorCode::out_of_range,
              fmt::format("{} at physical address {:#x}: no device's register window covers it{}; the board's windows: "
                          "{} (on a board this access would hang the bus)",
                          access, address, unmodeled, windows_text(handle)),
              std::string(kWhere));
}

zynqnn::virtual_board::TimeMode time_mode(const char* text) {
  if (!text) throw Error(ErrorCode::invalid_argument, "options.time_mode is NULL", std::string(kWhere));
  const std::string_view mode(text);
  if (mode == "modeled") return zynqnn::virtual_board::TimeMode::modeled;
  if (mode == "real") return zynqnn::virtual_board::TimeMode::real;
  throw Error(ErrorCode::invalid_argument, fmt::format("options.time_mode must be \"modeled\" or \"real\", got \"{}\"", mode),
              std::string(kWhere));
}

void add_windows(zynqnn_virtual_board* handle, const zynqnn::manifest::Manifest& manifest) {
  for (const zynqnn::manifest::DmaInfo& dma : manifest.dmas) {
    Window window{dma.name, dma.base_address, dma.address_range, nullptr};
    window.registers = handle->board->map_registers(dma.base_address, static_cast<std::size_t>(dma.address_range));
    handle->windows.push_back(std::move(window));
  }
  const zynqnn::manifest::ControlInfo& control = manifest.control;
  if (control.base_address && control.address_range)
    handle->unmodeled.push_back({fmt::format("the kernel's control window ({})", control.instance),
                                 *control.base_address, *control.address_range});
  if (manifest.interrupt_controller)
    handle->unmodeled.push_back({fmt::format("the interrupt controller ({})", manifest.interrupt_controller->name),
                                 manifest.interrupt_controller->base_address,
                                 manifest.interrupt_controller->address_range});
}

}  // namespace

extern "C" {

int zynqnn_virtual_board_options_init(zynqnn_virtual_board_options* options) {
  if (!options) return null_argument("options");
  options->time_mode = "modeled";
  options->pl_clock_mhz = 0;
  options->seed = 1;
  return ZYNQNN_OK;
}

int zynqnn_virtual_board_open(const char* manifest_path, const zynqnn_virtual_board_options* options,
                              zynqnn_virtual_board** out) {
  if (!out) return null_argument("out");
  *out = nullptr;
  if (!manifest_path) return null_argument("manifest_path");
  return guarded_call([&] {
    zynqnn_virtual_board_options defaults;
    zynqnn_virtual_board_options_init(&defaults);
    const zynqnn_virtual_board_options& chosen = options ? *options : defaults;
    const std::filesystem::path path(manifest_path);
    const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    zynqnn::manifest::verify_folder_stamp(folder);
    const zynqnn::manifest::Manifest manifest = zynqnn::manifest::load_manifest(path);

    zynqnn::virtual_board::VirtualBoardConfig config = zynqnn::virtual_board_config(manifest);
    config.time = time_mode(chosen.time_mode);
    if (chosen.pl_clock_mhz < 0 || chosen.pl_clock_mhz != chosen.pl_clock_mhz || chosen.pl_clock_mhz > 1000)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("options.pl_clock_mhz must be 0 (the manifest's) or in (0, 1000], got {}", chosen.pl_clock_mhz),
                  std::string(kWhere));
    if (chosen.pl_clock_mhz > 0) config.pl_clock_mhz = chosen.pl_clock_mhz;
    config.seed = chosen.seed;

    auto handle = std::make_unique<zynqnn_virtual_board>();
    handle->board = zynqnn::make_virtual_board(config, manifest, folder);
    handle->ddr_base = config.ddr_base;
    handle->ddr_bytes = config.ddr_bytes;
    add_windows(handle.get(), manifest);
    *out = handle.release();
    return ZYNQNN_OK;
  });
}

int zynqnn_virtual_board_read32(zynqnn_virtual_board* board, uint64_t address, uint32_t* value) {
  if (!board) return null_argument("board");
  if (!value) return null_argument("value");
  return guarded_call([&] {
    std::lock_guard lock(board->lock);
    open_board(board);
    auto [window, offset] = route(board, address, "read");
    *value = window->registers->read32(offset);
    return ZYNQNN_OK;
  });
}

int zynqnn_virtual_board_write32(zynqnn_virtual_board* board, uint64_t address, uint32_t value) {
  if (!board) return null_argument("board");
  return guarded_call([&] {
    std::lock_guard lock(board->lock);
    open_board(board);
    auto [window, offset] = route(board, address, "write");
    window->registers->write32(offset, value);
    return ZYNQNN_OK;
  });
}

int zynqnn_virtual_board_window_count(const zynqnn_virtual_board* board, size_t* count) {
  if (!board) return null_argument("board");
  if (!count) return null_argument("count");
  std::lock_guard lock(board->lock);
  *count = board->windows.size();
  return ZYNQNN_OK;
}

int zynqnn_virtual_board_window_get(const zynqnn_virtual_board* board, size_t index, zynqnn_register_window* window) {
  if (!board) return null_argument("board");
  if (!window) return null_argument("window");
  std::lock_guard lock(board->lock);
  if (index >= board->windows.size())
    return set_error(ZYNQNN_OUT_OF_RANGE,
                     fmt::format("register window {} does not exist (the board has {})", index, board->windows.size()));
  const Window& found = board->windows[index];
  window->name = found.name.c_str();
  window->base = found.base;
  window->size = found.size;
  return ZYNQNN_OK;
}

int zynqnn_virtual_board_allocate(zynqnn_virtual_board* board, size_t bytes, size_t alignment, void** data,
                                  uint64_t* physical_address) {
  if (!board) return null_argument("board");
  if (!data) return null_argument("data");
  if (!physical_address) return null_argument("physical_address");
  return guarded_call([&] {
    std::lock_guard lock(board->lock);
    std::unique_ptr<zynqnn::DmaBuffer> buffer = open_board(board).memory().allocate(bytes, alignment);
    *data = buffer->data();
    *physical_address = buffer->physical_address();
    board->buffers.emplace(buffer->physical_address(), std::move(buffer));
    return ZYNQNN_OK;
  });
}

int zynqnn_virtual_board_free(zynqnn_virtual_board* board, uint64_t physical_address) {
  if (!board) return null_argument("board");
  std::lock_guard lock(board->lock);
  if (board->buffers.erase(physical_address) == 0)
    return set_error(ZYNQNN_NOT_FOUND,
                     fmt::format("no DMA memory was allocated at physical address {:#x} (or it was freed already)",
                                 physical_address));
  return ZYNQNN_OK;
}

int zynqnn_virtual_board_memory_range(const zynqnn_virtual_board* board, uint64_t* base, uint64_t* bytes) {
  if (!board) return null_argument("board");
  if (!base) return null_argument("base");
  if (!bytes) return null_argument("bytes");
  *base = board->ddr_base;
  *bytes = board->ddr_bytes;
  return ZYNQNN_OK;
}

int zynqnn_virtual_board_now(const zynqnn_virtual_board* board, int64_t* now_ns) {
  if (!board) return null_argument("board");
  if (!now_ns) return null_argument("now_ns");
  return guarded_call([&] {
    std::lock_guard lock(board->lock);
    *now_ns = open_board(board).clock().now().count();
    return ZYNQNN_OK;
  });
}

int zynqnn_virtual_board_reconfigure(zynqnn_virtual_board* board) {
  if (!board) return null_argument("board");
  return guarded_call([&] {
    std::lock_guard lock(board->lock);
    open_board(board).reconfigure();
    return ZYNQNN_OK;
  });
}

int zynqnn_virtual_board_stats_get(const zynqnn_virtual_board* board, zynqnn_virtual_board_stats* stats) {
  if (!board) return null_argument("board");
  if (!stats) return null_argument("stats");
  return guarded_call([&] {
    std::lock_guard lock(board->lock);
    const zynqnn::virtual_board::Stats counted = open_board(board).stats();
    std::memset(stats, 0, sizeof *stats);
    stats->frames = counted.frames;
    stats->reconfigurations = counted.reconfigurations;
    stats->mm2s_transfers = counted.mm2s_transfers;
    stats->s2mm_transfers = counted.s2mm_transfers;
    stats->bytes_moved = counted.bytes_moved;
    stats->dma_errors = counted.dma_errors;
    stats->soft_resets = counted.soft_resets;
    stats->kernel_errors = counted.kernel_errors;
    stats->register_reads = counted.register_reads;
    stats->register_writes = counted.register_writes;
    for (const auto& [address, buffer] : board->buffers) stats->bytes_allocated += buffer->size();
    return ZYNQNN_OK;
  });
}

int zynqnn_virtual_board_shutdown(zynqnn_virtual_board* board) {
  if (!board) return null_argument("board");
  return guarded_call([&] {
    std::lock_guard lock(board->lock);
    for (Window& window : board->windows) window.registers.reset();
    board->board.reset();  // the buffers keep the simulated DDR alive
    return ZYNQNN_OK;
  });
}

void zynqnn_virtual_board_close(zynqnn_virtual_board* board) {
  if (!board) return;
  zynqnn_virtual_board_shutdown(board);
  delete board;
}

}  // extern "C"
