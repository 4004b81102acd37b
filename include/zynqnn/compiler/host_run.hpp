#pragma once
// Runs a compiled network: the PS operators before the PL (reference kernels), the PL part on
// an accelerator (the generated kernel), the PS operators after it. Inputs and outputs are
// ONNX tensors by value name; the host reorders NCHW <-> NHWC where the plan says so and
// converts float to the stream's element type (int8 quantization, fixed point) and back.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/graph/executor.hpp"

namespace zynqnn::compiler {

// One frame through the PL: input buffers in port order to output buffers in port order,
// each holding the stream's DMA bytes (elements packed in slots, whole words).
class PlRunner {
 public:
  virtual ~PlRunner() = default;
  virtual void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) = 0;
  virtual std::string where() const = 0;  // "virtual board", "sim library"
};

// The compiled kernel as a user's call runs it: open_accelerator(OUT/manifest.json, board)
// (board "virtual": the AXI DMA driver, the DMA register model, simulated DDR, the kernel's
// C-simulation on the PL thread, modeled time). Each frame is one Accelerator::run with
// `deadline` (on the board's clock); a timeout, DMA error or short output is an Error
// (timeout / dma_error) naming the stream, after which the accelerator is aborted and usable.
std::unique_ptr<PlRunner> open_board_runner(const std::filesystem::path& output_dir, const std::string& board,
                                            std::chrono::nanoseconds deadline);

// The generated kernel's host build (OUT/sim/libkernel.so) called directly through the PL
// kernel ABI (zynqnn_pl_kernel_v1): words in, words out, TLAST checked; no DMA, no board
// model. Its one purpose is measuring the C-simulation's compute speed alone
// (bench/compiler_bench.cpp); conformance checks and tests go through open_board_runner.
std::unique_ptr<PlRunner> open_sim_library(const std::filesystem::path& output_dir);

struct StreamLayout {  // from the manifest
  int element_bits = 32;
  int stream_bits = 32;
  std::int64_t elements = 0;
  std::int64_t bytes = 0;
  int fraction_bits = 0;
};

class NetworkRunner {
 public:
  NetworkRunner(const LayerPlan& plan, std::vector<StreamLayout> inputs, std::vector<StreamLayout> outputs,
                std::unique_ptr<PlRunner> pl);
  // Opens OUT (manifest.json, plan.json, model.onnx) on a board (open_board_runner).
  static NetworkRunner open(const std::filesystem::path& output_dir, const std::string& board = "virtual",
                            std::chrono::nanoseconds deadline = std::chrono::seconds(1));

  graph::TensorMap run(const graph::TensorMap& inputs);
  const LayerPlan& plan() const { return *plan_; }
  std::string pl_where() const { return pl_ ? pl_->where() : "none"; }

 private:
  std::shared_ptr<const LayerPlan> owned_;
  const LayerPlan* plan_;
  std::vector<StreamLayout> in_, out_;
  std::unique_ptr<PlRunner> pl_;
};

// The DMA bytes of a stream whose elements are `values` (float32 bits, int8 quantized with
// the tensor's scale and zero point, or fixed point rounded half to even and saturated).
std::vector<std::byte> encode_stream(std::span<const float> values, const PlTensor& tensor, const StreamLayout& layout,
                                     const Precision& precision);

// Stream layouts of a manifest, in port order.
void read_stream_layouts(const std::filesystem::path& manifest, std::vector<StreamLayout>& inputs,
                         std::vector<StreamLayout>& outputs);

}  // namespace zynqnn::compiler
