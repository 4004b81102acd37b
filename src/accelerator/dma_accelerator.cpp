#include "zynqnn/accelerator/dma_accelerator.hpp"

#include <fmt/format.h>

#include <cstring>

#include "zynqnn/core/dma_memory.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn {
namespace {

std::string channel_name(const AxiDma& dma, DmaChannel channel) {
  return fmt::format("{}.{}", dma.config().name, to_string(channel));
}

}  // namespace

DmaAccelerator::DmaAccelerator(std::unique_ptr<Board> board, std::vector<AxiDmaConfig> dmas,
                               std::vector<StreamInfo> inputs, std::vector<StreamBinding> input_bindings,
                               std::vector<StreamInfo> outputs, std::vector<StreamBinding> output_bindings,
                               AxiDmaOptions options, std::vector<ConstantStream> constants)
    : board_(std::move(board)), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {
  if (!board_) throw Error(ErrorCode::invalid_argument, "no board", "DmaAccelerator");
  if (input_bindings.size() != inputs_.size() || output_bindings.size() != outputs_.size())
    throw Error(ErrorCode::internal, "one binding per stream is required", "DmaAccelerator");
  for (AxiDmaConfig& config : dmas) dmas_.push_back(std::make_unique<AxiDma>(*board_, std::move(config), options));

  std::vector<StreamBinding> constant_bindings;
  for (const ConstantStream& constant : constants) {
    if (constant.frame.size() != constant.info.bytes)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("constant frame of {} bytes, the stream has {}", constant.frame.size(), constant.info.bytes),
                  constant.info.name);
    constants_.push_back(constant.info);
    constant_bindings.push_back(constant.binding);
  }

  // Constant streams share the MM2S channels with the other inputs: one check of "no channel
  // serves two streams" across both lists.
  std::vector<bool> mm2s_used(dmas_.size(), false), s2mm_used(dmas_.size(), false);
  auto make_ports = [&](const std::vector<StreamInfo>& streams, const std::vector<StreamBinding>& bindings,
                        DmaChannel channel, std::vector<Port>& ports) {
    std::vector<bool>& used = channel == DmaChannel::mm2s ? mm2s_used : s2mm_used;
    for (std::size_t i = 0; i < streams.size(); ++i) {
      const StreamInfo& stream = streams[i];
      if (bindings[i].dma >= dmas_.size())
        throw Error(ErrorCode::internal, "binding names DMA #" + std::to_string(bindings[i].dma), stream.name);
      AxiDma& dma = *dmas_[bindings[i].dma];
      const bool present = channel == DmaChannel::mm2s ? dma.config().has_mm2s : dma.config().has_s2mm;
      if (!present)
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("bound to {}, which does not exist", channel_name(dma, channel)), stream.name);
      if (used[bindings[i].dma])
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("{} already serves another stream", channel_name(dma, channel)), stream.name);
      used[bindings[i].dma] = true;
      if (stream.bytes == 0) throw Error(ErrorCode::invalid_argument, "stream of 0 bytes", stream.name);
      Port port;
      port.dma = &dma;
      port.buffer = board_->memory().allocate(stream.bytes, dma_buffer_alignment);
      port.bytes = stream.bytes;
      dma.register_buffer(*port.buffer);
      ports.push_back(std::move(port));
    }
  };
  make_ports(inputs_, input_bindings, DmaChannel::mm2s, input_ports_);
  make_ports(outputs_, output_bindings, DmaChannel::s2mm, output_ports_);
  make_ports(constants_, constant_bindings, DmaChannel::mm2s, constant_ports_);
  // Filled once: nothing writes these buffers again, and MM2S only reads them.
  for (std::size_t c = 0; c < constant_ports_.size(); ++c) {
    Port& port = constant_ports_[c];
    std::memcpy(port.buffer->data(), constants[c].frame.data(), port.bytes);
    port.buffer->sync_for_device(0, port.bytes);
  }
  init_all();
}

DmaAccelerator::~DmaAccelerator() {
  // Leave no transfer running into memory that is about to be released.
  for (auto& dma : dmas_) {
    try {
      if (dma->in_flight(DmaChannel::mm2s) || dma->in_flight(DmaChannel::s2mm)) dma->abort();
    } catch (const Error&) {
      // A stale or unreachable engine: nothing more can be done from a destructor.
    }
  }
}

std::span<std::byte> DmaAccelerator::input_buffer(std::size_t index) {
  const Port& port = input_ports_.at(index);
  return {port.buffer->data(), port.bytes};
}

std::span<const std::byte> DmaAccelerator::output_buffer(std::size_t index) const {
  const Port& port = output_ports_.at(index);
  return {port.buffer->data(), port.bytes};
}

std::uint64_t DmaAccelerator::buffer_physical_address(StreamDirection direction, std::size_t index) const {
  const std::vector<Port>& ports = direction == StreamDirection::input ? input_ports_ : output_ports_;
  return ports.at(index).buffer->physical_address();
}

void DmaAccelerator::init_all() {
  for (auto& dma : dmas_) dma->init();
}

Nanoseconds DmaAccelerator::start_call() {
  call_.started = board_->clock().now();
  CallResult& result = call_.result;  // reset field by field: no temporary per call
  result.status = CallStatus::ok;
  result.dma_status = 0;
  result.detail.clear();
  result.output_bytes.assign(output_ports_.size(), 0);
  // Receive first, then send: the kernel's output must have somewhere to go before its input
  // arrives.
  // Each port's buffer for this call: an external one when asked for, for this call only.
  for (std::vector<Port>* ports : {&output_ports_, &input_ports_}) {
    for (Port& port : *ports) {
      port.in_use = port.next != nullptr ? port.next : port.buffer.get();
      port.next = nullptr;
    }
  }
  for (Port& port : output_ports_) {
    port.ended = false;
    port.dma->start_receive(*port.in_use, 0, port.bytes);
  }
  for (Port& port : input_ports_) {
    port.ended = false;
    port.dma->start_send(*port.in_use, 0, port.bytes);
  }
  for (Port& port : constant_ports_) {
    port.ended = false;
    port.dma->start_send(*port.buffer, 0, port.bytes);
  }
  return call_.started;
}

CallResult DmaAccelerator::wait_call(Nanoseconds deadline) {
  CallResult& ended = call_.result;
  LateChannel late;  // the first channel still running at the deadline
  // Waits for one channel of the call that has not ended yet; true when it ended now without
  // an error (an error is recorded in `ended`: the first one seen is the one reported).
  auto wait_channel = [&](Port& port, DmaChannel channel, const std::string& stream, DmaWaitResult& wait) {
    if (port.ended) return false;
    wait = port.dma->wait(channel, deadline);
    if (wait.outcome == DmaOutcome::timed_out) {
      if (late.port == nullptr) late = LateChannel{&port, channel, &stream, wait.status};
      return false;
    }
    port.ended = true;
    if (wait.outcome == DmaOutcome::done) return true;
    if (ended.status != CallStatus::dma_error) {
      ended.status = CallStatus::dma_error;
      ended.dma_status = wait.status;
      ended.detail = fmt::format("stream '{}' ({}): {}", stream, channel_name(*port.dma, channel),
                                 describe_dma_errors(wait.status));
    }
    return false;
  };
  DmaWaitResult wait;
  for (std::size_t j = 0; j < output_ports_.size(); ++j) {
    if (wait_channel(output_ports_[j], DmaChannel::s2mm, outputs_[j].name, wait)) {
      ended.output_bytes[j] = wait.bytes;
      output_ports_[j].in_use->sync_for_cpu(0, output_ports_[j].bytes);
    }
  }
  for (std::size_t i = 0; i < input_ports_.size(); ++i)
    wait_channel(input_ports_[i], DmaChannel::mm2s, inputs_[i].name, wait);
  for (std::size_t c = 0; c < constant_ports_.size(); ++c)
    wait_channel(constant_ports_[c], DmaChannel::mm2s, constants_[c].name, wait);

  const Nanoseconds now = board_->clock().now();
  // An error ends the call even with channels still running: they need the abort anyway.
  if (late.port != nullptr && ended.status != CallStatus::dma_error) {
    CallResult pending;
    pending.status = CallStatus::pending;
    pending.output_bytes = ended.output_bytes;
    pending.completed_at = now;
    pending.elapsed = now - call_.started;
    pending.dma_status = late.status;
    // A channel that never answered shows no status flag: nothing to add in parentheses.
    const std::string flags = describe_dma_status(late.status);
    pending.detail = fmt::format("stream '{}' ({}) not complete at the deadline{}", *late.stream,
                                 channel_name(*late.port->dma, late.channel), flags.empty() ? "" : " (" + flags + ")");
    return pending;
  }
  CallResult result = std::move(ended);
  result.completed_at = now;
  result.elapsed = now - call_.started;
  if (result.status == CallStatus::ok) {
    for (std::size_t j = 0; j < output_ports_.size(); ++j) {
      if (result.output_bytes[j] != output_ports_[j].bytes) {
        result.status = CallStatus::short_output;
        result.detail = fmt::format("stream '{}': {} bytes received, {} expected", outputs_[j].name,
                                    result.output_bytes[j], output_ports_[j].bytes);
        break;
      }
    }
  }
  return result;
}

void DmaAccelerator::abort_in_flight() {
  for (auto& dma : dmas_) dma->abort();
  init_all();
}

void DmaAccelerator::reconfigure_pl() {
  board_->reconfigure();
  init_all();
}

}  // namespace zynqnn
