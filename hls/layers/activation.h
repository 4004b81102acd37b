#pragma once
// Elementwise activations over a folded stream: ReLU, LeakyReLU, Clip, Sigmoid, Tanh (exact in
// floating point, or a lookup table indexed by the raw bits of a narrow integer input, which
// the code generator fills from the quantized sigmoid or any other function).
// Cycles per frame: PIXELS * FOLDS.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "hls_stream.h"
#include "layout.h"

namespace zynqnn_hls {

template <typename T>
struct relu_op {
  T operator()(const T& x) const { return x < T(0) ? T(0) : x; }
};

template <typename T>
struct leaky_relu_op {
  T alpha;
  T operator()(const T& x) const { return x < T(0) ? static_cast<T>(x * alpha) : x; }
};

template <typename T>
struct clip_op {
  T lo;
  T hi;
  T operator()(const T& x) const { return x < lo ? lo : (hi < x ? hi : x); }
};

// Exact sigmoid for float/double (the float path; not for fixed point).
template <typename T>
struct sigmoid_op {
  T operator()(const T& x) const { return T(1) / (T(1) + std::exp(-x)); }
};

// Hyperbolic tangent: std::tanh of the element (float: the float overload, as the reference
// executor; ap_fixed: through double, rounded to the format).
template <typename T>
struct tanh_op {
  T operator()(const T& x) const { return of(x, std::integral_constant<bool, std::is_floating_point<T>::value>()); }

 private:
  static T of(const T& x, std::true_type /*floating*/) { return std::tanh(x); }
  // An explicit double: Xilinx's ap_fixed converts to several arithmetic types, so std::tanh
  // of it is ambiguous.
  static T of(const T& x, std::false_type /*fixed*/) { return T(std::tanh(static_cast<double>(x))); }
};

// HardSwish as ONNX defines it: x * max(0, min(1, alpha * x + beta)), alpha = 1/6, beta = 1/2.
// float: the reference executor's float32 expression, step for step; ap_fixed: computed in
// double and rounded to the format once (a fixed-point product of the wide accumulator types
// would exceed 64 bits).
template <typename T>
struct hardswish_op {
  T operator()(const T& x) const { return of(x, std::integral_constant<bool, std::is_floating_point<T>::value>()); }

 private:
  static T of(const T& x, std::true_type /*floating*/) {
    const T gate = std::max(T(0), std::min(T(1), x * (T(1) / T(6)) + T(0.5)));
    return x * gate;
  }
  static T of(const T& x, std::false_type /*fixed*/) {
    const double v = static_cast<double>(x);
    const double gate = std::max(0.0, std::min(1.0, v / 6.0 + 0.5));
    return T(v * gate);
  }
};

// HardSigmoid as ONNX defines it: max(0, min(1, alpha * x + beta)). float: the reference
// executor's float32 expression; ap_fixed: computed in double, rounded to the format once.
template <typename T>
struct hard_sigmoid_op {
  T alpha;
  T beta;
  T operator()(const T& x) const { return of(x, std::integral_constant<bool, std::is_floating_point<T>::value>()); }

 private:
  T of(const T& x, std::true_type /*floating*/) const { return std::max(T(0), std::min(T(1), alpha * x + beta)); }
  T of(const T& x, std::false_type /*fixed*/) const {
    const double v = static_cast<double>(alpha) * static_cast<double>(x) + static_cast<double>(beta);
    return T(std::max(0.0, std::min(1.0, v)));
  }
};

// Applies `op` to every element: the same op for all channels.
template <typename SHAPE, typename TI, typename TO, typename Op>
void activation(hls::stream<word<TI, SHAPE::SIMD>>& in, hls::stream<word<TO, SHAPE::SIMD>>& out,
                const Op op) {
elements:
  for (int i = 0; i < SHAPE::PIXELS * SHAPE::FOLDS; ++i) {
#pragma HLS PIPELINE II = 1
    const word<TI, SHAPE::SIMD> x = in.read();
    word<TO, SHAPE::SIMD> y;
    for (int s = 0; s < SHAPE::SIMD; ++s) {
#pragma HLS UNROLL
      y.data[s] = static_cast<TO>(op(x.data[s]));
    }
    out.write(y);
  }
}

// Lookup-table activation for an integer input of IN_BITS bits: out = table[raw bits of x].
// The table (2^IN_BITS entries, two's complement order: index 0 is x = 0, index 2^IN_BITS-1
// is x = -1 for a signed input) is a ROM; SIMD lookups per cycle need SIMD read ports, so
// the generated top partitions or replicates it.
template <typename SHAPE, int IN_BITS, typename TI, typename TO>
void lut_activation(hls::stream<word<TI, SHAPE::SIMD>>& in, hls::stream<word<TO, SHAPE::SIMD>>& out,
                    const TO (&table)[1 << IN_BITS]) {
  static_assert(IN_BITS > 0 && IN_BITS <= 12, "a lookup table of at most 4096 entries");
elements:
  for (int i = 0; i < SHAPE::PIXELS * SHAPE::FOLDS; ++i) {
#pragma HLS PIPELINE II = 1
    const word<TI, SHAPE::SIMD> x = in.read();
    word<TO, SHAPE::SIMD> y;
    for (int s = 0; s < SHAPE::SIMD; ++s) {
#pragma HLS UNROLL
      const unsigned index = static_cast<unsigned>(static_cast<long long>(x.data[s])) & ((1u << IN_BITS) - 1);
      y.data[s] = table[index];
    }
    out.write(y);
  }
}

}  // namespace zynqnn_hls
