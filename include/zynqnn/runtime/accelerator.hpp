#pragma once
// A kernel on a board, as its manifest describes it: named input and output streams, each
// with a DMA buffer, and one call = arm every receive, send every input, wait for all with a
// deadline. The watchdog, the C ABI and the CLI use this interface; the implementation binds
// the manifest's streams to AXI DMA channels on a Board.
//
// A call is either one step, run(timeout), or two, like XRT's xrt::run: start() arms and kicks
// the transfers and returns a Run at once; the host works meanwhile (fills the next batch,
// post-processes the last one); Run::wait_until(deadline) returns the result, or
// CallStatus::pending when the deadline came first (the call stays in flight: wait again, or
// abort). A wait never aborts; the caller decides.
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
  pending,    // Run::wait only: its deadline came first, the call is still in flight
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
  class Run;

  Accelerator() = default;
  Accelerator(const Accelerator&) = delete;
  Accelerator& operator=(const Accelerator&) = delete;
  // A Run still in flight is left unable to touch the accelerator (its waits are refused);
  // an implementation stops its own transfers before its buffers go.
  virtual ~Accelerator();

  virtual const std::vector<StreamInfo>& inputs() const = 0;
  virtual const std::vector<StreamInfo>& outputs() const = 0;
  // The DMA buffer of each stream: callers write inputs in place and read outputs in place.
  virtual std::span<std::byte> input_buffer(std::size_t index) = 0;
  virtual std::span<const std::byte> output_buffer(std::size_t index) const = 0;
  // The bus address the DMA uses for a stream's buffer (what pynq.allocate calls
  // physical_address); 0 when the accelerator has none to tell.
  virtual std::uint64_t buffer_physical_address(StreamDirection, std::size_t) const { return 0; }

  // Starts one call on the inputs in the input buffers (receives armed first, then the sends
  // kicked) and returns at once. The input buffers must not change and the output buffers are
  // not to be read until the Run's wait has returned the result. Error(bad_state) while another
  // started call is in flight; the driver's refusals as for run().
  Run start();
  // One call with a deadline of `timeout` from now: start(), then a wait to that deadline. When
  // the deadline comes first the result is CallStatus::timeout and the transfers stay in flight
  // (no abort here). Never blocks past the deadline (plus one poll interval). After a timeout or
  // an error the accelerator needs abort() before reuse. An override must keep this meaning.
  virtual CallResult run(Nanoseconds timeout);
  // Stops in-flight transfers (DMA soft reset) and re-initialises the driver; ends a started
  // call (its Run's waits are then refused).
  void abort();
  // Reloads the programmable logic, then re-initialises the drivers; ends a started call too.
  void reconfigure();

  virtual Board& board() = 0;

 protected:
  // The parts of a call each implementation provides. start_call arms and kicks the transfers
  // and returns the board-clock time of the first arm. wait_call waits for the call in flight
  // until `deadline`: its result, or status pending with the transfers left running (and the
  // detail naming what is not complete). wait_call is called again after a pending result.
  virtual Nanoseconds start_call() = 0;
  virtual CallResult wait_call(Nanoseconds deadline) = 0;
  virtual void abort_in_flight() = 0;
  virtual void reconfigure_pl() = 0;

  // Leaves a Run's call in flight without waiting or aborting it (what run() does at its
  // deadline): for wrappers that forward to another accelerator's Run.
  static void leave_in_flight(Run& run) noexcept;

 private:
  friend class Run;
  Run* started_ = nullptr;  // the Run of the call in flight, if one was started
};

// One started call (move-only). Not thread-safe: one thread at a time uses a Run and its
// accelerator. The accelerator must outlive the Run's use (a Run outliving it is inert).
class Accelerator::Run {
 public:
  Run() = default;  // no call
  Run(Run&& other) noexcept;
  Run& operator=(Run&& other) noexcept;  // a call this Run held in flight is aborted first
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  // A call still in flight is aborted: the DMA never keeps writing into buffers nobody awaits.
  ~Run();

  // Waits until `deadline` (board clock). The call's result when it ended (the Run is then
  // done; outputs are in the output buffers), or CallStatus::pending when the deadline came
  // first: the call is still in flight, wait again or abort(). Error(bad_state) on a Run that
  // is done, aborted or empty.
  CallResult wait_until(Nanoseconds deadline);
  // wait_until(now + timeout).
  CallResult wait(Nanoseconds timeout);
  // Stops the call in flight (the accelerator's abort()): the DMA is then ready for the next
  // call (words of a frame stopped inside the kernel stay there until reconfigure()). Nothing
  // to do on a Run that is done, aborted or empty.
  void abort();

  // Started and neither ended by a wait nor aborted.
  bool pending() const noexcept { return state_ == State::pending; }
  // The board-clock time of the call's first arm.
  Nanoseconds started() const noexcept { return started_; }

 private:
  friend class Accelerator;
  enum class State : std::uint8_t { empty, pending, done, aborted, left_in_flight };
  Run(Accelerator& accelerator, Nanoseconds started) noexcept;
  void take(Run& other) noexcept;
  void abort_quietly() noexcept;

  Accelerator* accelerator_ = nullptr;
  Nanoseconds started_{0};
  State state_ = State::empty;
};

}  // namespace zynqnn
