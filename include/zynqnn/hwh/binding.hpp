#pragma once
// Binds a kernel's streams to DMA channels of a design: each channel's stream is followed
// from the DMA port through pass-through AXI4-Stream IPs (one stream in, one stream out:
// FIFOs, width converters, register slices) to the endpoint that consumes or produces it.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zynqnn/hwh/design.hpp"

namespace zynqnn::hwh {

enum class StreamDirection {
  in,   // into the kernel: fed by a DMA's MM2S channel
  out,  // out of the kernel: drained by a DMA's S2MM channel
};

struct KernelStream {
  std::string name;  // also the kernel's port name unless `port` says otherwise
  StreamDirection direction = StreamDirection::in;
  unsigned width_bits = 0;
  std::string kernel_instance;  // the kernel IP's INSTANCE when known, else empty
  std::string port;             // the kernel IP's port name when it differs from `name`
};

enum class DmaChannelKind { mm2s, s2mm };

struct StreamBinding {
  std::string stream;
  std::string dma;  // INSTANCE of the DMA
  std::uint64_t dma_base = 0;
  DmaChannelKind channel = DmaChannelKind::mm2s;
  unsigned dma_stream_width_bits = 0;
  unsigned length_width = 0;
  std::optional<Endpoint> endpoint;  // the kernel-side end the stream reaches
  std::vector<std::string> through;  // pass-through IPs between the DMA and the endpoint
};

// One binding per stream, in the order given. Error(not_found) when no channel fits a
// stream, Error(invalid_argument) on a width mismatch or when several channels fit.
std::vector<StreamBinding> bind_streams(const Design& design, std::span<const KernelStream> streams);

}  // namespace zynqnn::hwh
