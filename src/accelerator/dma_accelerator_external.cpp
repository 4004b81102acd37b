// DmaAccelerator's external buffers: caller-owned memory the DMA runs on directly.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "zynqnn/accelerator/dma_accelerator.hpp"
#include "zynqnn/core/dma_memory.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn {
namespace {

// The caller owns the memory and its cache maintenance (PynqBuffer.flush()/invalidate()):
// syncing is not this buffer's job.
class ExternalBuffer final : public DmaBuffer {
 public:
  ExternalBuffer(std::byte* data, std::size_t bytes, std::uint64_t physical) : DmaBuffer(data, bytes, physical) {}
  void sync_for_device(std::size_t, std::size_t) override {}
  void sync_for_cpu(std::size_t, std::size_t) override {}
};

bool overlaps(std::uint64_t begin, std::size_t bytes, const DmaBuffer& buffer) {
  return begin < buffer.physical_address() + buffer.size() && buffer.physical_address() < begin + bytes;
}

const char* direction_name(StreamDirection direction) { return direction == StreamDirection::input ? "input" : "output"; }

}  // namespace

DmaAccelerator::Port& DmaAccelerator::port_for(StreamDirection direction, std::size_t index, const char* what) {
  return const_cast<Port&>(std::as_const(*this).port_for(direction, index, what));
}

const DmaAccelerator::Port& DmaAccelerator::port_for(StreamDirection direction, std::size_t index,
                                                     const char* what) const {
  const std::vector<Port>& ports = direction == StreamDirection::input ? input_ports_ : output_ports_;
  if (index >= ports.size())
    throw Error(ErrorCode::out_of_range,
                fmt::format("{} stream index {} >= {}", direction_name(direction), index, ports.size()), what);
  return ports[index];
}

DmaBuffer* DmaAccelerator::find_external(const Port& port, const void* data) const noexcept {
  for (const auto& external : port.externals)
    if (external->data() == data) return external.get();
  return nullptr;
}

const DmaBuffer* DmaAccelerator::find_overlap(std::uint64_t begin, std::size_t bytes,
                                              const DmaBuffer* except) const noexcept {
  for (const std::vector<Port>* ports : {&input_ports_, &output_ports_, &constant_ports_}) {
    for (const Port& port : *ports) {
      if (overlaps(begin, bytes, *port.buffer)) return port.buffer.get();
      for (const auto& external : port.externals)
        if (external.get() != except && overlaps(begin, bytes, *external)) return external.get();
    }
  }
  return nullptr;
}

void DmaAccelerator::register_external_buffer(StreamDirection direction, std::size_t index, std::byte* data,
                                              std::size_t bytes, std::uint64_t physical_address) {
  Port& port = port_for(direction, index, "register_external_buffer");
  const StreamInfo& stream = (direction == StreamDirection::input ? inputs_ : outputs_)[index];
  const std::string where = fmt::format("stream '{}': external buffer at {:#x}", stream.name, physical_address);
  if (data == nullptr) throw Error(ErrorCode::invalid_argument, "the host pointer is NULL", where);
  if (bytes != port.bytes)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} bytes, the stream transfers {}", bytes, port.bytes), where);
  if (physical_address == 0) throw Error(ErrorCode::invalid_argument, "no physical address (0)", where);
  if (physical_address % dma_buffer_alignment != 0)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the physical address is not {}-byte aligned", dma_buffer_alignment), where);
  const unsigned width = port.dma->config().address_width;
  const std::uint64_t last = physical_address + (bytes - 1);
  if (last < physical_address || (width < 64 && (last >> width) != 0))
    throw Error(ErrorCode::out_of_range,
                fmt::format("[{:#x}, {:#x}] is beyond the {}-bit address space of {}", physical_address, last, width,
                            port.dma->config().name),
                where);
  // An entry this one supersedes: the same memory mapped anew (same physical range), or the
  // same host memory now backed elsewhere (same host pointer). One entry per stream is kept.
  auto same = std::find_if(port.externals.begin(), port.externals.end(), [&](const auto& external) {
    return external->data() == data ||
           (external->physical_address() == physical_address && external->size() == bytes);
  });
  const DmaBuffer* replaced = same != port.externals.end() ? same->get() : nullptr;
  if (const DmaBuffer* other = find_overlap(physical_address, bytes, replaced))
    throw Error(ErrorCode::invalid_argument,
                fmt::format("overlaps the buffer [{:#x}, {:#x}) already in use", other->physical_address(),
                            other->physical_address() + other->size()),
                where);
  auto external = std::make_unique<ExternalBuffer>(data, bytes, physical_address);
  if (replaced != nullptr) {
    port.dma->unregister_buffer(*replaced);
    if (port.next == replaced) port.next = nullptr;
    if (port.in_use == replaced) port.in_use = port.buffer.get();
    port.externals.erase(same);
  }
  port.dma->register_buffer(*external);
  port.externals.push_back(std::move(external));
}

void DmaAccelerator::unregister_external_buffer(StreamDirection direction, std::size_t index, const void* data) {
  Port& port = port_for(direction, index, "unregister_external_buffer");
  auto found = std::find_if(port.externals.begin(), port.externals.end(),
                            [&](const auto& external) { return external->data() == data; });
  if (found == port.externals.end())
    throw Error(ErrorCode::not_found, "no external buffer is registered at this host address",
                fmt::format("{} stream {}", direction_name(direction), index));
  port.dma->unregister_buffer(**found);
  if (port.next == found->get()) port.next = nullptr;
  if (port.in_use == found->get()) port.in_use = port.buffer.get();
  port.externals.erase(found);
}

bool DmaAccelerator::is_external_buffer(StreamDirection direction, std::size_t index,
                                        const void* data) const noexcept {
  const std::vector<Port>& ports = direction == StreamDirection::input ? input_ports_ : output_ports_;
  return index < ports.size() && data != nullptr && find_external(ports[index], data) != nullptr;
}

std::size_t DmaAccelerator::external_buffer_count(StreamDirection direction, std::size_t index) const {
  return port_for(direction, index, "external_buffer_count").externals.size();
}

void DmaAccelerator::use_external_for_next_call(StreamDirection direction, std::size_t index, const void* data) {
  Port& port = port_for(direction, index, "use_external_for_next_call");
  DmaBuffer* external = find_external(port, data);
  if (external == nullptr)
    throw Error(ErrorCode::not_found, "no external buffer is registered at this host address",
                fmt::format("{} stream {}", direction_name(direction), index));
  port.next = external;
}

void DmaAccelerator::use_own_buffers_for_next_call() noexcept {
  for (Port& port : input_ports_) port.next = nullptr;
  for (Port& port : output_ports_) port.next = nullptr;
}

}  // namespace zynqnn
