#include <fmt/format.h>

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {
namespace {

// The seed paper's pass-through, written as the HLS code would be: read a word, write it.
class LoopbackKernel final : public PlKernel {
 public:
  LoopbackKernel(unsigned bits, std::size_t points) : bits_(bits), points_(points) {}

  void run_frame(std::span<AxisPort> inputs, std::span<AxisPort> outputs) override {
    if (bits_ == 32) pass(inputs[0].stream32(), outputs[0].stream32());
    else pass(inputs[0].stream64(), outputs[0].stream64());
  }
  unsigned input_bits(std::size_t) const override { return bits_; }
  unsigned output_bits(std::size_t) const override { return bits_; }

 private:
  template <typename Word>
  void pass(hls::stream<Word>& in, hls::stream<Word>& out) {
    if (points_ == 0) {
      for (;;) {
        Word word = in.read();
        out.write(word);
        if (word.last) return;
      }
    }
    for (std::size_t i = 0; i < points_; ++i) {
      Word word = in.read();
      word.last = i + 1 == points_ ? 1 : 0;
      out.write(word);
    }
  }
  unsigned bits_;
  std::size_t points_;
};

}  // namespace

std::shared_ptr<PlKernel> make_loopback_kernel(unsigned stream_bits, std::size_t points) {
  if (stream_bits != 32 && stream_bits != 64)
    throw Error(ErrorCode::unsupported, fmt::format("loopback stream width {}: only 32 and 64", stream_bits),
                "make_loopback_kernel");
  return std::make_shared<LoopbackKernel>(stream_bits, points);
}

const char* to_string(FaultKind kind) noexcept {
  switch (kind) {
    case FaultKind::hang: return "hang";
    case FaultKind::stall: return "stall";
    case FaultKind::missing_tlast: return "missing_tlast";
    case FaultKind::extra_words: return "extra_words";
    case FaultKind::corrupt_output: return "corrupt_output";
    case FaultKind::bus_error: return "bus_error";
    case FaultKind::early_tlast: return "early_tlast";
    case FaultKind::load_failure: return "load_failure";
  }
  return "unknown";
}

}  // namespace zynqnn::virtual_board
