#include "zynqnn/board/pynq/fpga_manager.hpp"

#include <fmt/format.h>
#include <fstream>
#include <vector>

#include "board/pynq/sysfs.hpp"
#include "zynqnn/board/pynq/bitstream.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

// Writes through a temporary name and renames, so the manager never reads a partial file.
void write_firmware(const std::filesystem::path& target, const std::vector<std::byte>& bin) {
  auto temporary = target;
  temporary += ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(ErrorCode::io, "cannot create the firmware file", temporary.string());
    out.write(reinterpret_cast<const char*>(bin.data()), static_cast<std::streamsize>(bin.size()));
    if (!out.flush()) throw Error(ErrorCode::io, "cannot write the firmware file", temporary.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw Error(ErrorCode::io, fmt::format("cannot install the firmware file: {}", error.message()), target.string());
  }
}

}  // namespace

FpgaManager::FpgaManager(FpgaManagerOptions options, Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      manager_dir_(options_.sys_root / "class" / "fpga_manager" / options_.manager) {
  if (!std::filesystem::is_directory(manager_dir_)) {
    throw Error(ErrorCode::not_found, fmt::format("no FPGA manager '{}'", options_.manager), manager_dir_.string());
  }
  if (options_.timeout.count() <= 0) {
    throw Error(ErrorCode::invalid_argument, "the load timeout must be positive", manager_dir_.string());
  }
}

void FpgaManager::load_full(const std::filesystem::path& bitstream) { load(bitstream, false); }
void FpgaManager::load_partial(const std::filesystem::path& bitstream) { load(bitstream, true); }

std::string FpgaManager::state() const { return detail::read_attribute(manager_dir_ / "state"); }

void FpgaManager::load(const std::filesystem::path& bitstream, bool partial) {
  std::vector<std::byte> bin;
  if (bitstream.extension() == ".bin") {
    bin = read_bitstream_bytes(bitstream);
    if (bin.empty() || bin.size() % 4 != 0) {
      throw Error(ErrorCode::parse, fmt::format("a .bin bitstream must be a non-empty whole number of 32-bit "
                                                "words; this one is {} bytes", bin.size()),
                  bitstream.string());
    }
  } else {
    bin = read_bit_file(bitstream).bin;
  }
  const std::string firmware_name = bitstream.stem().string() + ".bin";
  write_firmware(options_.firmware_dir / firmware_name, bin);
  detail::write_attribute(manager_dir_ / "flags", partial ? "1" : "0");
  // The kernel loads synchronously inside this write and reports a failed load as its error.
  detail::write_attribute(manager_dir_ / "firmware", firmware_name);
  wait_until_operating(firmware_name);
}

void FpgaManager::wait_until_operating(const std::string& firmware_name) {
  const Nanoseconds deadline = clock_.now() + options_.timeout;
  for (;;) {
    const std::string current = state();
    if (current == "operating") return;
    if (current.find("error") != std::string::npos) {
      throw Error(ErrorCode::io, fmt::format("loading {} failed: the FPGA manager state is '{}'", firmware_name, current),
                  manager_dir_.string());
    }
    const Nanoseconds now = clock_.now();
    if (now >= deadline) {
      throw Error(ErrorCode::timeout,
                  fmt::format("loading {}: the FPGA manager state is still '{}' after {} ms", firmware_name, current,
                              std::chrono::duration_cast<std::chrono::milliseconds>(options_.timeout).count()),
                  manager_dir_.string());
    }
    clock_.sleep_for(std::min(options_.poll_interval, deadline - now));
  }
}

}  // namespace zynqnn::pynq_board
