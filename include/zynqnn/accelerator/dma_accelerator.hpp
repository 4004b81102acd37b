#pragma once
// An Accelerator made of AXI DMA channels on a Board: each input stream is fed by an MM2S
// channel, each output stream drains into an S2MM channel, each stream has its own DMA
// buffer. One call arms every receive, then starts every send (start_call), then waits for all
// of them with one deadline (wait_call), as the bare-metal driver of the seed paper does. A
// wait that reaches its deadline leaves the channels still running in flight, so that the
// next wait picks up where it stopped.
//
// Constant streams are inputs the caller never fills: their frame is copied once into their
// own DMA buffer (in DDR: it survives PL reconfiguration, and MM2S only reads it) when the
// accelerator is built, and every call sends it with the other inputs. inputs() and
// input_buffer() cover only the streams the caller fills.
//
// External buffers: memory the caller owns and the DMA can reach (a pynq.allocate buffer: a
// host pointer, its size and its physical address) may be registered for a stream, after
// checks (size, alignment, the DMA's address width, no overlap with any other buffer). A call
// then runs the stream's DMA straight on it when asked to (use_external_for_next_call), with
// no copy. The caller keeps the memory alive while it is registered and does its cache
// maintenance (PynqBuffer.flush() before, invalidate() after): the accelerator syncs only
// its own buffers.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/runtime/axi_dma.hpp"

namespace zynqnn {

// Which DMA (index into the accelerator's DMA list) serves a stream.
struct StreamBinding {
  std::size_t dma = 0;
};

// An input stream fed from a frame the accelerator holds: `frame` has exactly info.bytes.
struct ConstantStream {
  StreamInfo info;
  StreamBinding binding;
  std::vector<std::byte> frame;
};

class DmaAccelerator final : public Accelerator {
 public:
  DmaAccelerator(std::unique_ptr<Board> board, std::vector<AxiDmaConfig> dmas, std::vector<StreamInfo> inputs,
                 std::vector<StreamBinding> input_bindings, std::vector<StreamInfo> outputs,
                 std::vector<StreamBinding> output_bindings, AxiDmaOptions options = {},
                 std::vector<ConstantStream> constants = {});
  ~DmaAccelerator() override;

  const std::vector<StreamInfo>& inputs() const override { return inputs_; }
  const std::vector<StreamInfo>& outputs() const override { return outputs_; }
  std::span<std::byte> input_buffer(std::size_t index) override;
  std::span<const std::byte> output_buffer(std::size_t index) const override;
  std::uint64_t buffer_physical_address(StreamDirection direction, std::size_t index) const override;
  Board& board() override { return *board_; }

  const AxiDma& dma(std::size_t index) const { return *dmas_.at(index); }

  // Registers [data, data+bytes) at `physical_address` for stream `index` of `direction`.
  // Error(invalid_argument) when bytes is not the stream's byte count, the address is 0 or
  // not aligned to dma_buffer_alignment, or the range overlaps another buffer of the
  // accelerator (its own or registered); Error(out_of_range) when the range does not fit the
  // DMA's address width. Registering the same physical range, or the same host pointer, for
  // the same stream again replaces that entry (memory mapped anew, or remapped).
  void register_external_buffer(StreamDirection direction, std::size_t index, std::byte* data, std::size_t bytes,
                                std::uint64_t physical_address);
  // Error(not_found) when no buffer at `data` is registered for the stream.
  void unregister_external_buffer(StreamDirection direction, std::size_t index, const void* data);
  // The registered buffer of the stream whose host memory starts at `data`, if any.
  bool is_external_buffer(StreamDirection direction, std::size_t index, const void* data) const noexcept;
  std::size_t external_buffer_count(StreamDirection direction, std::size_t index) const;
  // The next call (only) runs the stream's DMA on the registered buffer at `data` instead of the
  // stream's own buffer. Error(not_found) when `data` is not registered for the stream.
  void use_external_for_next_call(StreamDirection direction, std::size_t index, const void* data);
  // Withdraws every use_external_for_next_call not yet taken by a call.
  void use_own_buffers_for_next_call() noexcept;
  // The constant streams (not among inputs()), in the order given.
  const std::vector<StreamInfo>& constant_inputs() const { return constants_; }

 protected:
  Nanoseconds start_call() override;
  CallResult wait_call(Nanoseconds deadline) override;
  void abort_in_flight() override;
  void reconfigure_pl() override;

 private:
  struct Port {
    AxiDma* dma = nullptr;
    std::unique_ptr<DmaBuffer> buffer;
    std::size_t bytes = 0;
    bool ended = false;  // in the call in flight: the channel's wait returned
    std::vector<std::unique_ptr<DmaBuffer>> externals;  // registered caller-owned buffers
    DmaBuffer* next = nullptr;    // the next call's buffer when not the own one
    DmaBuffer* in_use = nullptr;  // the call in flight's buffer
  };
  // The call in flight: what has ended so far, across waits.
  struct CallInFlight {
    Nanoseconds started{0};
    CallResult result;  // an error once seen stays; output_bytes as channels complete
  };
  // The first channel of a wait still running at its deadline.
  struct LateChannel {
    const Port* port = nullptr;
    DmaChannel channel = DmaChannel::s2mm;
    const std::string* stream = nullptr;
    std::uint32_t status = 0;
  };
  void init_all();
  Port& port_for(StreamDirection direction, std::size_t index, const char* what);
  const Port& port_for(StreamDirection direction, std::size_t index, const char* what) const;
  DmaBuffer* find_external(const Port& port, const void* data) const noexcept;
  // The first buffer of the accelerator (own or registered, except `except`) overlapping the range.
  const DmaBuffer* find_overlap(std::uint64_t begin, std::size_t bytes, const DmaBuffer* except) const noexcept;

  CallInFlight call_;
  std::unique_ptr<Board> board_;
  std::vector<std::unique_ptr<AxiDma>> dmas_;
  std::vector<StreamInfo> inputs_;
  std::vector<StreamInfo> outputs_;
  std::vector<StreamInfo> constants_;
  std::vector<Port> input_ports_;
  std::vector<Port> constant_ports_;
  std::vector<Port> output_ports_;
};

}  // namespace zynqnn
