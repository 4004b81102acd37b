// libFuzzer target: arbitrary bytes as an ONNX model. Import must end in a graph or a
// zynqnn::Error; every imported graph is lowered for the PL (the compiler's placement of each
// node), and a small one is also run on zero inputs and quantized to int8 with them as
// calibration. Each step ends in a result or a zynqnn::Error.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/onnx/import.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace {
constexpr std::int64_t kMaxRunElements = std::int64_t{1} << 12;

bool small_enough(const zynqnn::graph::Graph& g) {
  if (g.nodes.size() > 64) return false;
  for (const auto& [name, v] : g.values())
    if (!v.shape_known || zynqnn::graph::element_count(v.shape, name) > kMaxRunElements) return false;
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    zynqnn::onnx_import::ImportOptions options;
    options.max_file_bytes = 1 << 20;
    const auto g = zynqnn::onnx_import::import_bytes(bytes, options, "fuzz");
    try {
      (void)zynqnn::compiler::lower(g, zynqnn::compiler::Precision{}, "fuzz");
    } catch (const zynqnn::Error&) {
      // An operator the PL cannot run: refused with a reason.
    }
    if (!small_enough(g)) return 0;
    zynqnn::graph::TensorMap inputs;
    for (const auto& name : g.inputs) {
      const auto& v = g.value(name);
      inputs.emplace(name, zynqnn::graph::Tensor(v.dtype, v.shape));
    }
    (void)zynqnn::graph::Executor(g).run(inputs);
    const std::vector<zynqnn::graph::TensorMap> calibration{inputs};
    (void)zynqnn::quant::quantize_int8(g, calibration);
  } catch (const zynqnn::Error&) {
    // Refusing bad input with a clear error is the expected outcome.
  }
  return 0;
}
