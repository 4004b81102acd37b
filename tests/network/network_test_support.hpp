#pragma once
// A small network contract (Relu + Add before the PL, Mul after it, an NCHW image through
// the PL) and an accelerator that loops its one input stream back to its one output, with
// failures on demand: what the runner is tested with where no kernel is built (armhf, qemu).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "zynqnn/network/contract.hpp"
#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/runtime/null_board.hpp"

namespace zynqnn::network::testing {

inline const graph::Shape kImage{1, 2, 2, 2};  // NCHW: 2 channels of 2 x 2 pixels

inline HostPort image_port(const std::string& value) {
  HostPort p;
  p.value = value;
  p.shape = kImage;
  p.pixels = 4;
  p.channels = 2;
  p.order = {2, 4};  // NCHW <-> NHWC
  p.scale = 0.5F;
  return p;
}

inline graph::Node node(std::string op, std::string name, std::vector<std::string> inputs, std::vector<std::string> outputs) {
  graph::Node n;
  n.op = std::move(op);
  n.name = std::move(name);
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  return n;
}

// y = (relu(x) + bias) * 2 with the sum through the PL (a loopback there).
inline NetworkContract sample_contract(const Precision& precision = {}) {
  NetworkContract c;
  c.kernel = "loop";
  c.precision = precision;
  c.inputs = {{"x", graph::DType::float32, kImage}};
  c.outputs = {{"y", graph::DType::float32, kImage}};
  c.constants.emplace("bias", graph::Tensor::from<float>({1, 2, 1, 1}, {0.25F, -1.0F}));
  c.constants.emplace("two", graph::Tensor::scalar<float>(2.0F));
  c.ps_before_pl = {node("Relu", "relu", {"x"}, {"r"}), node("Add", "add", {"r", "bias"}, {"a"})};
  c.uses_pl = true;
  c.pl_inputs = {image_port("a")};
  c.pl_outputs = {image_port("p")};
  c.ps_after_pl = {node("Mul", "mul", {"p", "two"}, {"y"})};
  return c;
}

inline StreamLayout float_layout(std::int64_t elements) { return {32, 32, elements, elements * 4, 0}; }
inline StreamLayout int8_layout(std::int64_t elements) { return {8, 32, elements, (elements + 3) / 4 * 4, 0}; }

enum class Failure { none, timeout, dma_error };

// One input stream copied to one output stream, `fail` on the next call if set.
class LoopbackAccelerator final : public Accelerator {
 public:
  explicit LoopbackAccelerator(std::size_t bytes) : in_(1), out_(1), input_(bytes), output_(bytes) {
    in_[0].name = "in";
    in_[0].bytes = bytes;
    out_[0].name = "out";
    out_[0].direction = StreamDirection::output;
    out_[0].bytes = bytes;
  }
  const std::vector<StreamInfo>& inputs() const override { return in_; }
  const std::vector<StreamInfo>& outputs() const override { return out_; }
  std::span<std::byte> input_buffer(std::size_t) override { return input_; }
  std::span<const std::byte> output_buffer(std::size_t) const override { return output_; }
  CallResult run(Nanoseconds timeout) override {
    last_timeout = timeout;
    return Accelerator::run(timeout);
  }
  Board& board() override { return board_; }

  Failure fail = Failure::none;
  bool fail_always = false;
  bool needs_abort = false;
  int calls = 0, aborts = 0, reconfigurations = 0;
  Nanoseconds last_timeout{0};
  std::vector<std::byte> last_input;

 private:
  // The whole call happens at its start; the wait reports it.
  Nanoseconds start_call() override {
    ++calls;
    last_input = input_;
    result_ = CallResult{};
    if (needs_abort) {
      result_.status = CallStatus::dma_error;
      result_.detail = "run without abort after a failure";
    } else if (fail != Failure::none) {
      result_.status = fail == Failure::timeout ? CallStatus::timeout : CallStatus::dma_error;
      result_.detail = fail == Failure::timeout ? "s2mm: no completion before the deadline" : "mm2s: DMASlvErr";
      if (!fail_always) fail = Failure::none;
      needs_abort = true;
    } else {
      std::copy(input_.begin(), input_.end(), output_.begin());
      result_.output_bytes = {output_.size()};
    }
    return Nanoseconds{0};
  }
  CallResult wait_call(Nanoseconds) override { return result_; }
  void abort_in_flight() override {
    ++aborts;
    needs_abort = false;
  }
  void reconfigure_pl() override {
    ++reconfigurations;
    needs_abort = false;
  }

  CallResult result_;
  std::vector<StreamInfo> in_, out_;
  std::vector<std::byte> input_, output_;
  NullBoard board_;
};

// A fresh, empty folder under the system's temporary folder (the process id keeps builds
// that run the same test at once apart).
inline std::filesystem::path fresh_folder(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("zynqnn-network-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace zynqnn::network::testing
