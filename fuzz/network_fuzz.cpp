// Fuzzes the network contract reader (network.json). The tensor files it may refer to (0..2)
// are written once into a scratch folder. Property: an accepted contract, written again and
// read back, is accepted and writes the same network.json.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"
#include "zynqnn/network/contract.hpp"

namespace {

namespace fs = std::filesystem;

fs::path scratch(const char* name) {
  return fs::temp_directory_path() / ("zynqnn-network-fuzz-" + std::to_string(getpid())) / name;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using zynqnn::io::NpyArray;
  const fs::path tensors = scratch("in") / zynqnn::network::kContractTensorFolder;
  fs::create_directories(tensors);
  zynqnn::io::save_npy(tensors / "0.npy", NpyArray{"float32", {1, 2, 1, 1}, std::vector<std::uint8_t>(8)});
  zynqnn::io::save_npy(tensors / "1.npy", NpyArray{"float32", {}, std::vector<std::uint8_t>(4)});
  zynqnn::io::save_npy(tensors / "2.npy", NpyArray{"int64", {2}, std::vector<std::uint8_t>(16)});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  zynqnn::network::NetworkContract contract;
  try {
    contract = zynqnn::network::parse_contract(text, scratch("in"), "fuzz");
  } catch (const zynqnn::Error&) {
    return 0;
  }
  const fs::path once = scratch("once"), twice = scratch("twice");
  fs::remove_all(once);
  fs::remove_all(twice);
  try {
    zynqnn::network::write_contract(contract, once);
    zynqnn::network::write_contract(zynqnn::network::read_contract(once), twice);
  } catch (const zynqnn::Error&) {
    std::abort();
  }
  if (read_text(once / zynqnn::network::kContractFile) != read_text(twice / zynqnn::network::kContractFile)) std::abort();
  return 0;
}
