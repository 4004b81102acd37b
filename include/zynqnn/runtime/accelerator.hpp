#pragma once
// A kernel on a board, as its manifest describes it: named input and output streams, each
// with a DMA buffer, and one call = arm every receive, send every input, wait for all with a
// deadline. The watchdog, the C ABI and the CLI use this interface; the implementation binds
// the manifest's streams to AXI DMA channels on a Board.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/runtime/board.hpp"

namespace zynqnn {

enum class StreamDirection { input, output };

// What the runtime knows of a stream (a view of the manifest's entry).
struct StreamInfo {
  std::string name;
  StreamDirection direction = StreamDirection::input;
  std::string dtype;               // "int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "fixed<W,I>"
  std::vector<std::int64_t> shape;
  std::size_t element_bits = 0;    // bits of one element as packed in a DMA word
  std::size_t elements = 0;        // product of shape
  std::size_t bytes = 0;           // bytes of one DMA transfer for this stream (whole words)
};

enum class CallStatus {
  ok,         // every channel completed and every output has its expected byte count
  timeout,    // the deadline passed before every channel completed
  dma_error,  // a channel reported DMAIntErr / DMASlvErr / DMADecErr
  short_output,  // an output completed with fewer bytes than the manifest says (early TLAST)
};

struct CallResult {
  CallStatus status = CallStatus::ok;
  Nanoseconds elapsed{0};                 // on the board's clock, from first arm to last completion
  // The board-clock time of that last completion, when the accelerator read it: a caller
  // timing the whole call can end its measurement here instead of reading the clock again.
  std::optional<Nanoseconds> completed_at;
  std::vector<std::size_t> output_bytes;  // bytes received per output stream
  std::uint32_t dma_status = 0;           // raw DMASR of the failing channel, if any
  std::string detail;                     // which stream/channel failed and the decoded status
};

class Accelerator {
 public:
  virtual ~Accelerator() = default;

  virtual const std::vector<StreamInfo>& inputs() const = 0;
  virtual const std::vector<StreamInfo>& outputs() const = 0;
  // The DMA buffer of each stream: callers write inputs in place and read outputs in place.
  virtual std::span<std::byte> input_buffer(std::size_t index) = 0;
  virtual std::span<const std::byte> output_buffer(std::size_t index) const = 0;
  // The bus address the DMA uses for a stream's buffer (what pynq.allocate calls
  // physical_address); 0 when the accelerator has none to tell.
  virtual std::uint64_t buffer_physical_address(StreamDirection, std::size_t) const { return 0; }

  // One call with a deadline of `timeout` from now. Never blocks past the deadline (plus one
  // poll interval). After a timeout or an error the accelerator needs abort() before reuse.
  virtual CallResult run(Nanoseconds timeout) = 0;
  // Stops in-flight transfers (DMA soft reset) and re-initialises the driver.
  virtual void abort() = 0;
  // Reloads the programmable logic, then re-initialises the drivers.
  virtual void reconfigure() = 0;

  virtual Board& board() = 0;
};

}  // namespace zynqnn
