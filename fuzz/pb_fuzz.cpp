// libFuzzer target: arbitrary bytes as an ONNX TensorProto (.pb) file.
#include <cstddef>
#include <cstdint>
#include <span>

#include "zynqnn/io/tensor_proto.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto t = zynqnn::io::parse_tensor_proto(std::span(reinterpret_cast<const std::byte*>(data), size), "fuzz");
    if (t.tensor.bytes().size() != static_cast<std::size_t>(t.tensor.size()) * zynqnn::graph::dtype_size(t.tensor.dtype()))
      __builtin_trap();
  } catch (const zynqnn::Error&) {
  }
  return 0;
}
