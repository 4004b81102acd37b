#include "zynqnn/watchdog/loopback_fallback.hpp"

#include <fmt/format.h>

#include <cstring>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {

void loopback_kernel(hls::stream<LoopbackWord>& in, hls::stream<LoopbackWord>& out) {
  LoopbackWord word;
  do {
    word = in.read();
    out.write(word);
  } while (!word.last);
}

CpuFallback loopback_fallback() {
  return [](const InputViews& inputs, const OutputViews& outputs) {
    if (inputs.size() != 1 || outputs.size() != 1 || inputs[0].size() != outputs[0].size() ||
        inputs[0].size() % 4 != 0 || inputs[0].empty()) {
      throw Error(ErrorCode::invalid_argument,
                  "the loopback fallback takes one input and one output of the same non-zero multiple of 4 bytes",
                  "loopback_fallback");
    }
    const std::size_t words = inputs[0].size() / 4;
    hls::stream<LoopbackWord> in("loopback_in");
    hls::stream<LoopbackWord> out("loopback_out");
    for (std::size_t k = 0; k < words; ++k) {
      std::uint32_t value;
      std::memcpy(&value, inputs[0].data() + 4 * k, 4);
      LoopbackWord word;
      word.data = value;
      word.keep = 0xF;
      word.last = k + 1 == words ? 1 : 0;
      in.write(word);
    }
    loopback_kernel(in, out);
    for (std::size_t k = 0; k < words; ++k) {
      const LoopbackWord word = out.read();
      const auto value = static_cast<std::uint32_t>(word.data.to_uint64());
      std::memcpy(outputs[0].data() + 4 * k, &value, 4);
    }
  };
}

}  // namespace zynqnn::watchdog
