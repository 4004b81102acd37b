#pragma once
// A compiled network on the host: the runtime's runner (zynqnn/network/runner.hpp) fed from a
// lowered plan or from an output folder, with the accelerator opened by open_accelerator
// (board "virtual": the AXI DMA driver, the DMA register model, simulated DDR, the kernel's
// C-simulation on the PL thread, modeled time), or the kernel's host build called directly.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/network/contract.hpp"
#include "zynqnn/network/runner.hpp"

namespace zynqnn::compiler {

using network::encode_stream;
using network::NetworkRunner;
using network::PlRunner;
using network::read_stream_layouts;
using network::StreamLayout;

// The host contract of a lowered network (what compile writes as OUT/network.json).
network::NetworkContract network_contract(const LayerPlan& plan);

// The compiled kernel as a user's call runs it: open_accelerator(OUT/manifest.json, board).
// Each frame is one Accelerator::run with `deadline` (on the board's clock); a timeout, DMA
// error or short output is an Error (timeout / dma_error) naming the stream, after which the
// accelerator is aborted and usable.
std::unique_ptr<PlRunner> open_board_runner(const std::filesystem::path& output_dir, const std::string& board,
                                            std::chrono::nanoseconds deadline);

// The generated kernel's host build (OUT/sim/libkernel.so) called directly through the PL
// kernel ABI (zynqnn_pl_kernel_v1): words in, words out, TLAST checked; no DMA, no board
// model. Its one purpose is measuring the C-simulation's compute speed alone
// (bench/compiler_bench.cpp); conformance checks and tests go through open_board_runner.
std::unique_ptr<PlRunner> open_sim_library(const std::filesystem::path& output_dir);

// OUT (network.json, and manifest.json when the network has a PL part) on a board.
NetworkRunner open_network(const std::filesystem::path& output_dir, const std::string& board = "virtual",
                           std::chrono::nanoseconds deadline = std::chrono::seconds(1));

}  // namespace zynqnn::compiler
