#include "zynqnn/compiler/host_run.hpp"

#include <span>

#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/accelerator/sim_kernel_library.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;

// The kernel's host build through the PL kernel ABI (SimKernelLibrary), constant streams
// (weights in DDR) fed from their files as the accelerator would.
class SimLibrary final : public PlRunner {
 public:
  explicit SimLibrary(const fs::path& output_dir)
      : library_(manifest::load_manifest(output_dir / "manifest.json"), output_dir) {}

  void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) override {
    std::vector<std::span<const std::byte>> in(inputs.begin(), inputs.end());
    std::vector<std::span<std::byte>> out(outputs.begin(), outputs.end());
    library_.run_frame(in, out);
  }
  std::string where() const override { return "sim library (PL kernel ABI)"; }

 private:
  SimKernelLibrary library_;
};

std::string board_where(const std::string& board) { return board == "virtual" ? "virtual board" : "board " + board; }

}  // namespace

std::unique_ptr<PlRunner> open_board_runner(const fs::path& output_dir, const std::string& board,
                                            std::chrono::nanoseconds deadline) {
  if (deadline <= std::chrono::nanoseconds::zero())
    throw Error(ErrorCode::invalid_argument, "the call deadline must be positive", "board " + board);
  return std::make_unique<network::AcceleratorPlRunner>(open_accelerator((output_dir / "manifest.json").string(), board),
                                                        deadline, board_where(board));
}

std::unique_ptr<PlRunner> open_sim_library(const fs::path& output_dir) { return std::make_unique<SimLibrary>(output_dir); }

NetworkRunner open_network(const fs::path& output_dir, const std::string& board, std::chrono::nanoseconds deadline) {
  if (deadline <= std::chrono::nanoseconds::zero())
    throw Error(ErrorCode::invalid_argument, "the call deadline must be positive", "board " + board);
  return NetworkRunner::open(
      output_dir, [&](const fs::path& manifest) { return open_accelerator(manifest.string(), board); }, deadline,
      board_where(board));
}

}  // namespace zynqnn::compiler
