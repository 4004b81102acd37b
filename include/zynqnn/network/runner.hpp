#pragma once
// Runs a compiled network from its host contract (contract.hpp): the PS operators before the
// PL (reference kernels), the PL part on an accelerator, the PS operators after it. Inputs and
// outputs are tensors by value name; the host reorders NCHW <-> NHWC where a port says so and
// converts float values to the stream's element type (int8, fixed point) and back.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/network/contract.hpp"
#include "zynqnn/network/host_port.hpp"
#include "zynqnn/runtime/accelerator.hpp"

namespace zynqnn::network {

// One frame through the PL: input buffers in port order to output buffers in port order,
// each holding the stream's DMA bytes (elements packed in slots, whole words).
class PlRunner {
 public:
  virtual ~PlRunner() = default;
  virtual void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) = 0;
  virtual std::string where() const = 0;  // "virtual board", "sim library"
};

// The PL part on an Accelerator: each frame is one Accelerator::run with `deadline` (on the
// board's clock); a timeout, DMA error or short output is an Error (timeout / dma_error)
// naming the stream, after which the accelerator is aborted and usable for the next frame.
class AcceleratorPlRunner final : public PlRunner {
 public:
  AcceleratorPlRunner(std::unique_ptr<Accelerator> accelerator, Nanoseconds deadline, std::string where);
  void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) override;
  std::string where() const override { return where_; }

 private:
  std::unique_ptr<Accelerator> accelerator_;
  Nanoseconds deadline_;
  std::string where_;
};

// Opens the accelerator of OUT/manifest.json (e.g. open_accelerator(manifest, "virtual")).
using AcceleratorOpener = std::function<std::unique_ptr<Accelerator>(const std::filesystem::path& manifest)>;
// Makes the PL part's runner from OUT/manifest.json (an accelerator, a watchdog, a caller's step).
using PlRunnerOpener = std::function<std::unique_ptr<PlRunner>(const std::filesystem::path& manifest)>;

class NetworkRunner {
 public:
  // `inputs`/`outputs`: the stream layouts of the host-fed PL inputs and of the PL outputs, in
  // port order; `pl` may be null only when the network has no PL part.
  NetworkRunner(NetworkContract contract, std::vector<StreamLayout> inputs, std::vector<StreamLayout> outputs,
                std::unique_ptr<PlRunner> pl);
  // Reads OUT/network.json, and OUT/manifest.json when the network has a PL part (only then
  // is `open_accelerator` called). `where` names the accelerator in errors ("virtual board").
  static NetworkRunner open(const std::filesystem::path& output_dir, const AcceleratorOpener& open_accelerator,
                            Nanoseconds deadline, const std::string& where);
  // The same with any PL runner (called only when the network has a PL part).
  static NetworkRunner open(const std::filesystem::path& output_dir, const PlRunnerOpener& open_pl);

  // Every network input by name (type and known shape checked); returns the network outputs.
  graph::TensorMap run(const graph::TensorMap& inputs);
  // What run() would send to the PL for `inputs` (the PS part before the PL, then each
  // host-fed stream's DMA bytes, in port order), without running the PL: e.g. a watchdog's
  // calibration frames from the network's own inputs.
  std::vector<std::vector<std::byte>> pl_input_bytes(const graph::TensorMap& inputs) const;
  // The DMA byte counts of the host-fed PL input and of the PL output streams, in port order.
  std::vector<std::size_t> pl_input_sizes() const;
  std::vector<std::size_t> pl_output_sizes() const;

  const NetworkContract& contract() const { return contract_; }
  std::string pl_where() const { return pl_ ? pl_->where() : "none"; }

 private:
  void run_nodes(const std::vector<graph::Node>& nodes, graph::TensorMap& values) const;
  // Checks the inputs, runs the PS part before the PL on `values` and returns the PL input bytes.
  std::vector<std::vector<std::byte>> run_up_to_pl(graph::TensorMap& values) const;

  NetworkContract contract_;
  std::vector<StreamLayout> in_, out_;
  std::unique_ptr<PlRunner> pl_;
};

}  // namespace zynqnn::network
