#pragma once
// Test helpers: NHWC tensors (flat vectors) in and out of folded streams.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls_test {

template <typename T, int N, typename V>
void push_tensor(hls::stream<zynqnn_hls::word<T, N>>& s, const std::vector<V>& values) {
  for (std::size_t i = 0; i < values.size(); i += N) {
    zynqnn_hls::word<T, N> w;
    for (int j = 0; j < N; ++j) w.data[j] = static_cast<T>(values[i + j]);
    s.write(w);
  }
}

template <typename V, typename T, int N>
std::vector<V> pop_tensor(hls::stream<zynqnn_hls::word<T, N>>& s, std::size_t elements) {
  std::vector<V> values;
  values.reserve(elements);
  for (std::size_t i = 0; i < elements; i += N) {
    const auto w = s.read();
    for (int j = 0; j < N; ++j) values.push_back(static_cast<V>(w.data[j]));
  }
  return values;
}

inline std::vector<std::int64_t> random_ints(std::mt19937& rng, std::size_t count, int lo, int hi) {
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<std::int64_t> v(count);
  for (auto& x : v) x = dist(rng);
  return v;
}

inline std::vector<double> random_reals(std::mt19937& rng, std::size_t count, double lo, double hi) {
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> v(count);
  for (auto& x : v) x = static_cast<float>(dist(rng));  // representable in float exactly
  return v;
}

}  // namespace zynqnn_hls_test
