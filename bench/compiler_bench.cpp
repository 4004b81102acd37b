// Inferences per second of mnist-8 compiled for the PL (float32 and int8), run on this CPU
// through the generated kernel's host build (C-simulation of the HLS C++, PS operators
// around it). Build with -DZYNQNN_BENCH=ON; the first run compiles the kernels into
// build/bench-compiler/ (that build time is reported separately by the compile result).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "zynqnn/compiler/compile.hpp"
#include "zynqnn/compiler/host_run.hpp"
#include "zynqnn/io/tensor_proto.hpp"
#include "zynqnn/onnx/import.hpp"

namespace {

namespace fs = std::filesystem;
using namespace zynqnn;

void run_mnist(benchmark::State& state, const char* precision) {
  const fs::path dir = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8";
  graph::Graph g = onnx_import::import_file(dir / "model.onnx");
  graph::TensorMap input;
  input.emplace(g.inputs[0], io::read_tensor_proto_file(dir / "test_data_set_0" / "input_0.pb").tensor);
  compiler::CompileOptions o;
  o.model = dir / "model.onnx";
  o.output_dir = fs::path(ZYNQNN_BINARY_DIR) / "bench-compiler" / precision;
  o.precision = compiler::Precision::parse(precision);
  o.calibration = {input};
  o.hls_include_dir = ZYNQNN_HLS_INCLUDE_DIR_DEFAULT;
  o.hls_layers_dir = ZYNQNN_HLS_LAYERS_DIR_DEFAULT;
  const auto compiled = compiler::compile_graph(g, o);
  std::vector<compiler::StreamLayout> in, out;
  compiler::read_stream_layouts(o.output_dir / "manifest.json", in, out);
  compiler::NetworkRunner runner(compiled.plan, in, out, compiler::open_sim_library(o.output_dir));
  state.counters["sim_build_s"] = compiled.sim_build_seconds;
  for (auto _ : state) benchmark::DoNotOptimize(runner.run(input));
  state.counters["inferences_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Mnist8Float32(benchmark::State& state) { run_mnist(state, "float32"); }
void BM_Mnist8Int8(benchmark::State& state) { run_mnist(state, "int8"); }
BENCHMARK(BM_Mnist8Float32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mnist8Int8)->Unit(benchmark::kMillisecond);

}  // namespace
