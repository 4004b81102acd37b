// The PL part of a network on an Accelerator: one Accelerator::run per frame, with a deadline.
#include <cstring>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/network/runner.hpp"

namespace zynqnn::network {

AcceleratorPlRunner::AcceleratorPlRunner(std::unique_ptr<Accelerator> accelerator, Nanoseconds deadline, std::string where)
    : accelerator_(std::move(accelerator)), deadline_(deadline), where_(std::move(where)) {
  if (!accelerator_) throw Error(ErrorCode::invalid_argument, "no accelerator given", where_);
  if (deadline <= Nanoseconds::zero()) throw Error(ErrorCode::invalid_argument, "the call deadline must be positive", where_);
}

// Inputs copied into the DMA buffers, every receive armed, every send started, all waited for
// with one deadline.
void AcceleratorPlRunner::run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) {
  Accelerator& acc = *accelerator_;
  if (inputs.size() != acc.inputs().size() || outputs.size() != acc.outputs().size())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("accelerator has {} inputs and {} outputs, given {} and {}", acc.inputs().size(),
                            acc.outputs().size(), inputs.size(), outputs.size()),
                where());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::span<std::byte> buffer = acc.input_buffer(i);
    if (buffer.size() != inputs[i].size())
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("{} bytes prepared for a DMA buffer of {}", inputs[i].size(), buffer.size()), acc.inputs()[i].name);
    if (!buffer.empty()) std::memcpy(buffer.data(), inputs[i].data(), buffer.size());
  }
  const CallResult result = acc.run(deadline_);
  if (result.status != CallStatus::ok) {
    const ErrorCode code = result.status == CallStatus::timeout ? ErrorCode::timeout : ErrorCode::dma_error;
    const std::string detail = result.detail;
    acc.abort();  // the next frame starts from a clean engine
    throw Error(code, detail, where());
  }
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    const std::span<const std::byte> buffer = acc.output_buffer(j);
    if (buffer.size() != outputs[j].size())
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("{} bytes expected from a DMA buffer of {}", outputs[j].size(), buffer.size()), acc.outputs()[j].name);
    if (!buffer.empty()) std::memcpy(outputs[j].data(), buffer.data(), buffer.size());
  }
}

}  // namespace zynqnn::network
