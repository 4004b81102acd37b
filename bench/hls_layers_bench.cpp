// C-simulation throughput of library layers (frames per second on the host CPU, each frame
// pushed into the input stream, computed, and drained from the output stream). This measures
// the simulation, the virtual board's compute path, not the FPGA; the FPGA's throughput is
// what the estimator predicts (cycles per frame at the PL clock).
#include <benchmark/benchmark.h>

#include <memory>
#include <random>

#include "zynqnn_layers.h"

namespace {

namespace zh = zynqnn_hls;
using i8 = ap_int<8>;
using i32 = ap_int<32>;

template <typename T>
void fill_random(T* values, std::size_t count, std::mt19937& rng) {
  std::uniform_int_distribution<int> dist(-128, 127);
  for (std::size_t i = 0; i < count; ++i) values[i] = static_cast<T>(dist(rng));
}

// conv 3x3, pad 1: 32x32x16 -> 32 channels, int8, SIMD 4, PE 8.
void BM_Conv2dInt8_32x32x16to32(benchmark::State& state) {
  using window = zh::window_config<32, 32, 16, 4, 3, 3, 1, 1, 1, 1, 1, 1>;
  using mvu = zh::conv_mvu_config<window, 32, 8>;
  struct params_t {
    i8 weights[8][mvu::TILES][4];
    i32 bias[8][mvu::NF];
  };
  auto params = std::make_unique<params_t>();
  std::mt19937 rng(1);
  fill_random(&params->weights[0][0][0], sizeof(params->weights) / sizeof(i8), rng);
  fill_random(&params->bias[0][0], sizeof(params->bias) / sizeof(i32), rng);
  std::vector<zh::word<i8, 4>> frame(32 * 32 * 4);
  for (auto& w : frame) fill_random(w.data, 4, rng);
  hls::stream<zh::word<i8, 4>> in;
  hls::stream<zh::word<i32, 8>> out;
  for (auto _ : state) {
    for (const auto& w : frame) in.write(w);
    zh::conv2d<window, 32, 8, i8, i8, i32>(in, out, params->weights, params->bias, i8(0));
    for (int i = 0; i < 32 * 32 * 4; ++i) benchmark::DoNotOptimize(out.read());
  }
  state.counters["images_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
  state.counters["macs_per_frame"] = 32.0 * 32 * 9 * 16 * 32;
}
BENCHMARK(BM_Conv2dInt8_32x32x16to32)->Unit(benchmark::kMillisecond);

// fully connected 512 -> 256, int8, SIMD 16, PE 16 (one matrix-vector product per frame).
void BM_MvuInt8_512to256(benchmark::State& state) {
  using mvu = zh::mvu_config<1, 512, 256, 1, 1, 16, 16>;
  struct params_t {
    i8 weights[16][mvu::TILES][16];
    i32 bias[16][mvu::NF];
  };
  auto params = std::make_unique<params_t>();
  std::mt19937 rng(2);
  fill_random(&params->weights[0][0][0], sizeof(params->weights) / sizeof(i8), rng);
  fill_random(&params->bias[0][0], sizeof(params->bias) / sizeof(i32), rng);
  std::vector<zh::word<i8, 16>> frame(512 / 16);
  for (auto& w : frame) fill_random(w.data, 16, rng);
  hls::stream<zh::word<i8, 16>> in;
  hls::stream<zh::word<i32, 16>> out;
  for (auto _ : state) {
    for (const auto& w : frame) in.write(w);
    zh::matrix_vector_unit<mvu, i8, i8, i32>(in, out, params->weights, params->bias);
    for (int i = 0; i < 256 / 16; ++i) benchmark::DoNotOptimize(out.read());
  }
  state.counters["images_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
  state.counters["macs_per_frame"] = 512.0 * 256;
}
BENCHMARK(BM_MvuInt8_512to256)->Unit(benchmark::kMicrosecond);

// The same convolution in float.
void BM_Conv2dFloat_32x32x16to32(benchmark::State& state) {
  using window = zh::window_config<32, 32, 16, 4, 3, 3, 1, 1, 1, 1, 1, 1>;
  using mvu = zh::conv_mvu_config<window, 32, 8>;
  struct params_t {
    float weights[8][mvu::TILES][4];
    float bias[8][mvu::NF];
  };
  auto params = std::make_unique<params_t>();
  std::mt19937 rng(3);
  fill_random(&params->weights[0][0][0], sizeof(params->weights) / sizeof(float), rng);
  fill_random(&params->bias[0][0], sizeof(params->bias) / sizeof(float), rng);
  std::vector<zh::word<float, 4>> frame(32 * 32 * 4);
  for (auto& w : frame) fill_random(w.data, 4, rng);
  hls::stream<zh::word<float, 4>> in;
  hls::stream<zh::word<float, 8>> out;
  for (auto _ : state) {
    for (const auto& w : frame) in.write(w);
    zh::conv2d<window, 32, 8, float, float, float>(in, out, params->weights, params->bias, 0.0f);
    for (int i = 0; i < 32 * 32 * 4; ++i) benchmark::DoNotOptimize(out.read());
  }
  state.counters["images_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Conv2dFloat_32x32x16to32)->Unit(benchmark::kMillisecond);

}  // namespace
