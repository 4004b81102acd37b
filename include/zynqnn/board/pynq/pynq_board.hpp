#pragma once
// The real PYNQ-Z1/Z2 board under Linux (PYNQ 3.1 image, armhf): registers through /dev/mem
// or UIO, DMA memory from XRT buffer objects or u-dma-buf (memory_backend.hpp), interrupts
// from UIO devices, bitstreams through the FPGA manager. Every filesystem root is configurable so that the same code runs against a
// directory tree of stand-in files in tests. It does not need the `pynq` Python package and
// can run beside it (it only reads sysfs and maps devices).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/board/pynq/fpga_manager.hpp"
#include "zynqnn/board/pynq/memory_backend.hpp"
#include "zynqnn/board/pynq/udmabuf_memory.hpp"
#include "zynqnn/board/pynq/xrt_memory.hpp"
#include "zynqnn/runtime/board.hpp"

namespace zynqnn::pynq_board {

enum class RegisterAccess {
  dev_mem,  // mmap of /dev/mem at the physical address (root)
  uio,      // mmap of the UIO device whose map covers the address (generic-uio nodes)
};

// Which UIO device carries interrupt `line` of the device at `base`.
struct InterruptBinding {
  std::uint64_t base = 0;
  unsigned line = 0;  // for an AXI DMA: 0 = mm2s_introut, 1 = s2mm_introut
  std::string uio_name;
};

struct PynqBoardConfig {
  std::string name = "pynq-z2";
  std::filesystem::path dev_root = "/dev";
  std::filesystem::path sys_root = "/sys";
  std::filesystem::path firmware_dir = "/lib/firmware";
  RegisterAccess register_access = RegisterAccess::dev_mem;
  // Where DMA buffers come from; automatic: u-dma-buf if /dev/<udmabuf_name> exists, else XRT.
  MemoryBackend memory_backend = MemoryBackend::automatic;
  std::string udmabuf_name = "udmabuf0";
  bool udmabuf_cached = true;
  XrtOptions xrt;  // the XRT backend's library, device, memory group and flags
  std::string fpga_manager = "fpga0";
  std::filesystem::path bitstream;  // full .bit (or .bin); empty: the PL is left as it is
  bool load_bitstream_on_open = true;
  std::map<std::string, std::filesystem::path> partial_bitstreams;  // region name -> partial .bit/.bin
  // Set: reconfigure() reloads this region of partial_bitstreams alone (the kernel's
  // partition; the static part with the DMAs stays). Empty: the full bitstream.
  std::string reload_region;
  std::vector<InterruptBinding> interrupts;
  Nanoseconds load_timeout = std::chrono::seconds(10);
};

// Applies the environment's choices, for callers that open a board from a .hwh (the C ABI,
// Python): ZYNQNN_DMA_MEMORY (auto, udmabuf or xrt) sets memory_backend, ZYNQNN_XRT_LIBRARY
// the XRT library's name or path. Error(invalid_argument) for an unknown backend.
void apply_memory_environment(PynqBoardConfig& config);

class PynqBoard final : public Board {
 public:
  explicit PynqBoard(PynqBoardConfig config);
  ~PynqBoard() override;

  std::string name() const override { return config_.name; }
  std::unique_ptr<InterruptLine> open_interrupt(std::uint64_t base, unsigned line) override;
  DmaMemory& memory() override { return *memory_; }
  Clock& clock() override;
  // Partial reconfiguration of `region` (a key of config.partial_bitstreams). Also counts
  // as a reconfiguration: the kernel behind the region's streams changed. The PL is down
  // meanwhile, as in reconfigure().
  void reconfigure_region(const std::string& region);

  const PynqBoardConfig& config() const noexcept { return config_; }
  // The backend the memory comes from (never automatic).
  MemoryBackend memory_backend() const noexcept { return memory_backend_; }

 protected:
  std::unique_ptr<RegisterSpace> map_device_registers(std::uint64_t base, std::size_t size) override;
  // Reloads config.reload_region when set, else the full config.bitstream.
  void load_configuration() override;
  void check_load_possible() const override;

 private:
  void check_region(const std::string& region) const;
  FpgaManager& fpga_manager();

  PynqBoardConfig config_;
  MemoryBackend memory_backend_;
  std::unique_ptr<DmaMemory> memory_;
  std::optional<FpgaManager> fpga_manager_;
};

}  // namespace zynqnn::pynq_board
