// Inferences per second of mnist-8 compiled for the PL (float32, int8, fixed<16,6>; unfolded
// and folded for 2000 frames/s), run on this CPU through the generated kernel's host build
// (C-simulation of the HLS C++, PS operators around it). Build with -DZYNQNN_BENCH=ON. Each
// run rebuilds the kernel's host library (g++ at the sim/build.sh default optimization) into
// build/bench-compiler/ and reports its wall and CPU seconds (sim_build_s, sim_build_cpu_s).
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <filesystem>

#include "zynqnn/compiler/compile.hpp"
#include "zynqnn/compiler/host_run.hpp"
#include "zynqnn/io/tensor_proto.hpp"
#include "zynqnn/onnx/import.hpp"

namespace {

namespace fs = std::filesystem;
using namespace zynqnn;

double children_cpu_seconds() {
  rusage r{};
  getrusage(RUSAGE_CHILDREN, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + 1e-6 * static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

void run_mnist(benchmark::State& state, const char* precision, double target_fps) {
  const fs::path dir = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8";
  graph::Graph g = onnx_import::import_file(dir / "model.onnx");
  graph::TensorMap input;
  input.emplace(g.inputs[0], io::read_tensor_proto_file(dir / "test_data_set_0" / "input_0.pb").tensor);
  compiler::CompileOptions o;
  o.model = dir / "model.onnx";
  o.output_dir = fs::path(ZYNQNN_BINARY_DIR) / "bench-compiler" /
                 (std::string(precision == std::string("fixed<16,6>") ? "fixed16_6" : precision) + (target_fps > 0 ? "-folded" : ""));
  o.target_fps = target_fps;
  std::filesystem::remove(o.output_dir / "sim" / "libkernel.so.sources");  // measure the build every run
  o.precision = compiler::Precision::parse(precision);
  o.calibration = {input};
  o.hls_include_dir = ZYNQNN_HLS_INCLUDE_DIR_DEFAULT;
  o.hls_layers_dir = ZYNQNN_HLS_LAYERS_DIR_DEFAULT;
  const double cpu_before = children_cpu_seconds();
  const auto compiled = compiler::compile_graph(g, o);
  state.counters["sim_build_cpu_s"] = children_cpu_seconds() - cpu_before;
  state.counters["interval_cycles_estimate"] = static_cast<double>(compiled.estimate.interval_cycles);
  std::vector<compiler::StreamLayout> in, out;
  compiler::read_stream_layouts(o.output_dir / "manifest.json", in, out);
  compiler::NetworkRunner runner(compiler::network_contract(compiled.plan), in, out,
                                   compiler::open_sim_library(o.output_dir));
  state.counters["sim_build_s"] = compiled.sim_build_seconds;
  for (auto _ : state) benchmark::DoNotOptimize(runner.run(input));
  state.counters["inferences_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Mnist8Float32(benchmark::State& state) { run_mnist(state, "float32", 0); }
void BM_Mnist8Int8(benchmark::State& state) { run_mnist(state, "int8", 0); }
void BM_Mnist8Fixed16_6(benchmark::State& state) { run_mnist(state, "fixed<16,6>", 0); }
void BM_Mnist8Float32Folded(benchmark::State& state) { run_mnist(state, "float32", 2000); }
void BM_Mnist8Int8Folded(benchmark::State& state) { run_mnist(state, "int8", 2000); }
void BM_Mnist8Fixed16_6Folded(benchmark::State& state) { run_mnist(state, "fixed<16,6>", 2000); }
BENCHMARK(BM_Mnist8Float32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mnist8Int8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mnist8Fixed16_6)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mnist8Float32Folded)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mnist8Int8Folded)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mnist8Fixed16_6Folded)->Unit(benchmark::kMillisecond);

}  // namespace
