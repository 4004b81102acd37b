// The reference kernels: straightforward loops, no tiling, no vectorization; clarity first.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "axes_ops.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/infer.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::graph {
namespace {

using std::int64_t;

[[noreturn]] void bad(const Node& node, const std::string& why) {
  throw Error(ErrorCode::invalid_argument, why, node.where());
}

template <class F>
void dispatch(DType dtype, F&& f) {
  switch (dtype) {
    case DType::float32: f(float{}); return;
    case DType::uint8: f(std::uint8_t{}); return;
    case DType::int8: f(std::int8_t{}); return;
    case DType::uint16: f(std::uint16_t{}); return;
    case DType::int16: f(std::int16_t{}); return;
    case DType::int32: f(std::int32_t{}); return;
    case DType::int64: f(std::int64_t{}); return;
    case DType::boolean: f(bool{}); return;
  }
}

std::vector<int64_t> strides_of(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

// Strides of `in` seen through a broadcast to `out` (0 along broadcast axes).
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> result(out.size(), 0);
  const auto own = strides_of(in);
  const std::size_t offset = out.size() - in.size();
  for (std::size_t i = 0; i < in.size(); ++i) result[i + offset] = in[i] == 1 ? 0 : own[i];
  return result;
}

// Calls f(out_index, offset_a, offset_b) for every element of `out`.
template <class F>
void for_each_broadcast(const Shape& out, const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, F&& f) {
  const int64_t total = element_count(out, "broadcast");
  std::vector<int64_t> index(out.size(), 0);
  int64_t a = 0, b = 0;
  for (int64_t i = 0; i < total; ++i) {
    f(i, a, b);
    for (std::size_t d = out.size(); d-- > 0;) {
      ++index[d];
      a += sa[d];
      b += sb[d];
      if (index[d] < out[d]) break;
      a -= sa[d] * out[d];
      b -= sb[d] * out[d];
      index[d] = 0;
    }
  }
}

// The operator definitions give NaN no integer value and a NaN cast is undefined behaviour:
// NaN becomes 0 here, so the reference executor stays defined on any input.
template <class T>
T saturate(double v) {
  static_assert(std::is_integral_v<T>, "saturate converts to an integer type");
  if (std::isnan(v)) return T{0};
  // Compared, not clamped: a 64-bit T's max rounds up to 2^63 as a double, which no cast takes.
  if (v <= static_cast<double>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
  if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

// ---- element-wise -------------------------------------------------------------------------

void binary(const Node& node, const Tensor& a, const Tensor& b, Tensor& y) {
  dispatch(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      bad(node, "bool arithmetic");
    } else {
      const auto pa = a.data<T>();
      const auto pb = b.data<T>();
      auto py = y.data<T>();
      const bool add = node.op == "Add";
      for_each_broadcast(y.shape(), broadcast_strides(a.shape(), y.shape()),
                         broadcast_strides(b.shape(), y.shape()), [&](int64_t i, int64_t ia, int64_t ib) {
                           if constexpr (std::is_floating_point_v<T>) {
                             py[i] = add ? pa[ia] + pb[ib] : pa[ia] * pb[ib];
                           } else {
                             // Integer arithmetic wraps, as ONNX runtimes do.
                             using Wide = std::conditional_t<std::is_signed_v<T>, int64_t, std::uint64_t>;
                             const Wide r = add ? static_cast<Wide>(pa[ia]) + static_cast<Wide>(pb[ib])
                                                : static_cast<Wide>(static_cast<std::uint64_t>(pa[ia]) *
                                                                    static_cast<std::uint64_t>(pb[ib]));
                             py[i] = static_cast<T>(r);
                           }
                         });
    }
  });
}

void unary_float(const Node& node, const Tensor& x, Tensor& y) {
  const auto px = x.data<float>();
  auto py = y.data<float>();
  if (node.op == "Sigmoid") {
    for (std::size_t i = 0; i < px.size(); ++i)
      py[i] = px[i] >= 0 ? 1.0F / (1.0F + std::exp(-px[i])) : std::exp(px[i]) / (1.0F + std::exp(px[i]));
  } else if (node.op == "Tanh") {
    for (std::size_t i = 0; i < px.size(); ++i) py[i] = std::tanh(px[i]);
  } else if (node.op == "HardSwish") {  // x * max(0, min(1, alpha * x + beta)), alpha = 1/6, beta = 0.5
    for (std::size_t i = 0; i < px.size(); ++i) py[i] = px[i] * std::max(0.0F, std::min(1.0F, px[i] * (1.0F / 6.0F) + 0.5F));
  } else if (node.op == "HardSigmoid") {  // max(0, min(1, alpha * x + beta)), ONNX's defaults 0.2, 0.5
    const float alpha = node.get_float("alpha", 0.2F), beta = node.get_float("beta", 0.5F);
    for (std::size_t i = 0; i < px.size(); ++i) py[i] = std::max(0.0F, std::min(1.0F, alpha * px[i] + beta));
  } else {  // LeakyRelu
    const float alpha = node.get_float("alpha", 0.01F);
    for (std::size_t i = 0; i < px.size(); ++i) py[i] = px[i] >= 0 ? px[i] : px[i] * alpha;
  }
}

void relu(const Tensor& x, Tensor& y) {
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const auto px = x.data<T>();
    auto py = y.data<T>();
    for (std::size_t i = 0; i < px.size(); ++i) py[i] = px[i] > T{} ? px[i] : T{};
  });
}

void clip(const Node& node, std::span<const Tensor* const> in, int64_t opset, Tensor& y) {
  dispatch(in[0]->dtype(), [&](auto tag) {
    using T = decltype(tag);
    T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
    if (opset < 11) {
      // The float attributes' defaults (±FLT_MAX) do not fit an integer T: saturate, never cast.
      const double min = node.get_float("min", -std::numeric_limits<float>::max());
      const double max = node.get_float("max", std::numeric_limits<float>::max());
      if constexpr (std::is_floating_point_v<T>) {
        lo = static_cast<T>(min);
        hi = static_cast<T>(max);
      } else {
        lo = saturate<T>(min);
        hi = saturate<T>(max);
      }
    } else {
      if (in.size() > 1 && in[1] != nullptr) lo = in[1]->data<T>()[0];
      if (in.size() > 2 && in[2] != nullptr) hi = in[2]->data<T>()[0];
    }
    const auto px = in[0]->data<T>();
    auto py = y.data<T>();
    // ONNX: min(max(x, lo), hi), so hi wins when lo > hi.
    for (std::size_t i = 0; i < px.size(); ++i) py[i] = std::min(std::max(px[i], lo), hi);
  });
}

// ---- convolution and matrix products ------------------------------------------------------

template <class X, class W>
std::vector<int64_t> conv_accumulate(const ConvParams& p, std::span<const X> x, std::span<const W> w,
                                     int64_t x_zero, const std::vector<int64_t>& w_zero) {
  using Acc = std::conditional_t<std::is_floating_point_v<X>, double, int64_t>;
  (void)sizeof(Acc);
  std::vector<int64_t> out(static_cast<std::size_t>(p.batch * p.out_channels * p.out_h * p.out_w));
  const int64_t cin = p.in_channels / p.group, cout = p.out_channels / p.group;
  std::size_t o = 0;
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t m = 0; m < p.out_channels; ++m) {
      const int64_t g = m / cout;
      const int64_t wz = w_zero.size() == 1 ? w_zero[0] : w_zero[m];
      for (int64_t oy = 0; oy < p.out_h; ++oy)
        for (int64_t ox = 0; ox < p.out_w; ++ox, ++o) {
          int64_t acc = 0;
          for (int64_t c = 0; c < cin; ++c)
            for (int64_t ky = 0; ky < p.kernel_h; ++ky) {
              const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
              if (iy < 0 || iy >= p.in_h) continue;
              for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
                if (ix < 0 || ix >= p.in_w) continue;
                const int64_t xv = x[((n * p.in_channels + g * cin + c) * p.in_h + iy) * p.in_w + ix];
                const int64_t wv = w[((m * cin + c) * p.kernel_h + ky) * p.kernel_w + kx];
                acc += (xv - x_zero) * (wv - wz);
              }
            }
          out[o] = acc;
        }
    }
  return out;
}

void conv_float(const ConvParams& p, const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) {
  const auto px = x.data<float>();
  const auto pw = w.data<float>();
  auto py = y.data<float>();
  const int64_t cin = p.in_channels / p.group, cout = p.out_channels / p.group;
  std::size_t o = 0;
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t m = 0; m < p.out_channels; ++m) {
      const int64_t g = m / cout;
      const float bias = b != nullptr ? b->data<float>()[m] : 0.0F;
      for (int64_t oy = 0; oy < p.out_h; ++oy)
        for (int64_t ox = 0; ox < p.out_w; ++ox, ++o) {
          float acc = 0.0F;
          for (int64_t c = 0; c < cin; ++c)
            for (int64_t ky = 0; ky < p.kernel_h; ++ky) {
              const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
              if (iy < 0 || iy >= p.in_h) continue;
              for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
                if (ix < 0 || ix >= p.in_w) continue;
                acc += px[((n * p.in_channels + g * cin + c) * p.in_h + iy) * p.in_w + ix] *
                       pw[((m * cin + c) * p.kernel_h + ky) * p.kernel_w + kx];
              }
            }
          py[o] = acc + bias;
        }
    }
}

int64_t scalar_int(const Tensor* t, int64_t fallback) {
  return t == nullptr ? fallback : t->to_int64s().at(0);
}
std::vector<int64_t> per_channel_ints(const Tensor* t) {
  return t == nullptr ? std::vector<int64_t>{0} : t->to_int64s();
}

// Accumulates an integer/quantized convolution over any mix of int8/uint8 operands.
std::vector<int64_t> conv_integer(const ConvParams& p, const Tensor& x, const Tensor& w, int64_t x_zero,
                                  const std::vector<int64_t>& w_zero) {
  std::vector<int64_t> acc;
  dispatch(x.dtype(), [&](auto xt) {
    dispatch(w.dtype(), [&](auto wt) {
      using X = decltype(xt);
      using W = decltype(wt);
      if constexpr (std::is_integral_v<X> && std::is_integral_v<W> && sizeof(X) == 1 && sizeof(W) == 1 &&
                    !std::is_same_v<X, bool> && !std::is_same_v<W, bool>)
        acc = conv_accumulate<X, W>(p, x.data<X>(), w.data<W>(), x_zero, w_zero);
    });
  });
  return acc;
}

// Batched matrix product of int64-widened operands with broadcasting batch axes.
template <class Get>
void matmul_generic(const Shape& a_shape, const Shape& b_shape, const Shape& y_shape, Get&& emit,
                    const std::function<double(int64_t)>& a_at, const std::function<double(int64_t)>& b_at) {
  Shape a = a_shape, b = b_shape;
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back(), n = b.back();
  Shape batch(y_shape.begin(), y_shape.end() - static_cast<std::ptrdiff_t>((a_shape.size() == 1 ? 0 : 1) + (b_shape.size() == 1 ? 0 : 1)));
  const Shape a_batch(a.begin(), a.end() - 2), b_batch(b.begin(), b.end() - 2);
  auto sa = broadcast_strides(a_batch, batch), sb = broadcast_strides(b_batch, batch);
  for (auto& s : sa) s *= m * k;
  for (auto& s : sb) s *= k * n;
  if (batch.empty()) {
    batch = {1};
    sa = {0};
    sb = {0};
  }
  for_each_broadcast(batch, sa, sb, [&](int64_t bi, int64_t ao, int64_t bo) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) emit(bi * m * n + i * n + j, ao + i * k, bo + j, k, n);
  });
  (void)a_at;
  (void)b_at;
}

// The output stage of QLinearConv / QLinearMatMul (and of QLinearRequantize, the same stage
// alone): y = saturate(round_half_even((acc + bias[c]) * (x_scale * w_scale[c] / y_scale) + y_zero)),
// the multiplier in float32 as the operators' reference computes it, the rest in double.
// Channel c of element i is (i / inner) % channels.
void requantize_qlinear(const std::vector<int64_t>& acc, const Tensor* bias, float x_scale, std::span<const float> w_scale,
                        float y_scale, int64_t y_zero, int64_t channels, int64_t inner, Tensor& y) {
  dispatch(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T> && sizeof(T) == 1 && !std::is_same_v<T, bool>) {
      auto py = y.data<T>();
      for (std::size_t i = 0; i < acc.size(); ++i) {
        const auto c = static_cast<std::size_t>((static_cast<int64_t>(i) / inner) % channels);
        const int64_t a = acc[i] + (bias != nullptr ? bias->data<std::int32_t>()[c] : 0);
        const float multiplier = x_scale * w_scale[w_scale.size() == 1 ? 0 : c] / y_scale;
        py[i] = saturate<T>(std::nearbyint(static_cast<double>(a) * multiplier + static_cast<double>(y_zero)));
      }
    }
  });
}

void matmul(const Node& node, std::span<const Tensor* const> in, Tensor& y) {
  const bool quantized = node.op == "QLinearMatMul";
  const Tensor& a = *in[0];
  const Tensor& b = *in[quantized ? 3 : 1];
  if (node.op == "MatMul") {
    const auto pa = a.data<float>();
    const auto pb = b.data<float>();
    auto py = y.data<float>();
    matmul_generic(a.shape(), b.shape(), y.shape(),
                   [&](int64_t o, int64_t ao, int64_t bo, int64_t k, int64_t n) {
                     float acc = 0.0F;
                     for (int64_t t = 0; t < k; ++t) acc += pa[ao + t] * pb[bo + t * n];
                     py[o] = acc;
                   }, {}, {});
    return;
  }
  const auto av = a.to_int64s();
  const auto bv = b.to_int64s();
  const std::size_t azp = quantized ? 2 : 2, bzp = quantized ? 5 : 3;
  const int64_t a_zero = scalar_int(in.size() > azp ? in[azp] : nullptr, 0);
  const auto b_zero = per_channel_ints(in.size() > bzp ? in[bzp] : nullptr);
  std::vector<int64_t> acc(static_cast<std::size_t>(y.size()));
  matmul_generic(a.shape(), b.shape(), y.shape(),
                 [&](int64_t o, int64_t ao, int64_t bo, int64_t k, int64_t n) {
                   int64_t sum = 0;
                   const int64_t j = bo % n;
                   const int64_t bz = b_zero.size() == 1 ? b_zero[0] : b_zero.at(static_cast<std::size_t>(j));
                   for (int64_t t = 0; t < k; ++t) sum += (av[ao + t] - a_zero) * (bv[bo + t * n] - bz);
                   acc[o] = sum;
                 }, {}, {});
  if (!quantized) {
    auto py = y.data<std::int32_t>();
    for (std::size_t i = 0; i < acc.size(); ++i) py[i] = static_cast<std::int32_t>(acc[i]);
    return;
  }
  if (in[1]->size() != 1 || in[4]->size() != 1)
    throw_unsupported(node, "per-axis scales");
  requantize_qlinear(acc, nullptr, in[1]->data<float>()[0], in[4]->data<float>(), in[6]->data<float>()[0],
                     scalar_int(in[7], 0), 1, 1, y);
}

void gemm(const Node& node, std::span<const Tensor* const> in, Tensor& y) {
  const GemmParams p = gemm_params(node, in[0]->shape(), in[1]->shape());
  const auto pa = in[0]->data<float>();
  const auto pb = in[1]->data<float>();
  auto py = y.data<float>();
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      float acc = 0.0F;
      for (int64_t t = 0; t < p.k; ++t)
        acc += pa[p.trans_a ? t * p.m + i : i * p.k + t] * pb[p.trans_b ? j * p.k + t : t * p.n + j];
      py[i * p.n + j] = p.alpha * acc;
    }
  if (in.size() > 2 && in[2] != nullptr) {
    const auto pc = in[2]->data<float>();
    for_each_broadcast(y.shape(), strides_of(y.shape()), broadcast_strides(in[2]->shape(), y.shape()),
                       [&](int64_t, int64_t iy, int64_t ic) { py[iy] += p.beta * pc[ic]; });
  }
}

// ---- zynqnn integer operators (quantizer output) ------------------------------------------

// Requantizes int32 accumulators per output channel: see requantize() in ops.hpp.
void requantize_channels(const Node& node, const std::vector<int64_t>& acc, const Tensor* bias,
                         const Tensor& multiplier, const Tensor& shift, int64_t channels, int64_t inner,
                         Tensor& y) {
  const auto pm = multiplier.data<std::int32_t>();
  const auto ps = shift.data<std::int32_t>();
  const int64_t out_zero = node.get_int("output_zero_point", 0);
  const int64_t lo = node.get_int("clamp_min", -128), hi = node.get_int("clamp_max", 127);
  for (std::size_t c = 0; c < pm.size(); ++c)
    if (pm[c] < 0 || ps[c] < 1 || ps[c] > 62) bad(node, "requantization multiplier or shift out of range");
  auto py = y.data<std::int8_t>();
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const auto c = static_cast<std::size_t>((static_cast<int64_t>(i) / inner) % channels);
    int64_t a = acc[i] + (bias != nullptr ? bias->data<std::int32_t>()[c] : 0);
    const auto acc32 = static_cast<std::int32_t>(a);  // the accelerator's int32 accumulator wraps
    const std::size_t qc = pm.size() == 1 ? 0 : c;
    const int64_t v = requantize(acc32, pm[qc], ps[pm.size() == 1 ? 0 : qc]) + out_zero;
    py[i] = static_cast<std::int8_t>(std::clamp(v, lo, hi));
  }
}

// ---- pooling --------------------------------------------------------------------------------

void pool(const Node& node, const Tensor& x, Tensor& y) {
  const PoolParams p = pool_params(node, x.shape());
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      const auto px = x.data<T>();
      auto py = y.data<T>();
      std::size_t o = 0;
      for (int64_t nc = 0; nc < p.batch * p.channels; ++nc)
        for (int64_t oy = 0; oy < p.out_h; ++oy)
          for (int64_t ox = 0; ox < p.out_w; ++ox, ++o) {
            double sum = 0.0;
            T best = std::numeric_limits<T>::lowest();
            int64_t valid = 0, padded = 0;
            for (int64_t ky = 0; ky < p.kernel_h; ++ky) {
              const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
              for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
                if (iy < p.in_h + p.pad_bottom && ix < p.in_w + p.pad_right) ++padded;
                if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
                const T v = px[(nc * p.in_h + iy) * p.in_w + ix];
                best = std::max(best, v);
                sum += static_cast<double>(v);
                ++valid;
              }
            }
            if (p.is_max) {
              py[o] = best;
            } else {
              const int64_t count = p.count_include_pad ? padded : valid;
              py[o] = static_cast<T>(count == 0 ? 0.0 : sum / static_cast<double>(count));
            }
          }
    }
  });
}

// ---- normalization and softmax --------------------------------------------------------------

void channel_affine(const Node& node, std::span<const Tensor* const> in, Tensor& y) {
  const Tensor& x = *in[0];
  const int64_t channels = x.shape()[1];
  int64_t inner = 1;
  for (std::size_t i = 2; i < x.rank(); ++i) inner *= x.shape()[i];
  std::vector<float> scale(static_cast<std::size_t>(channels)), shift(scale.size());
  if (node.op == "ChannelAffine") {
    std::copy_n(in[1]->data<float>().begin(), channels, scale.begin());
    std::copy_n(in[2]->data<float>().begin(), channels, shift.begin());
  }
  const float epsilon = node.get_float("epsilon", 1e-5F);
  const auto px = x.data<float>();
  auto py = y.data<float>();
  for (int64_t i = 0; i < x.size(); ++i) {
    const auto c = static_cast<std::size_t>((i / inner) % channels);
    if (node.op == "ChannelAffine") {
      py[i] = px[i] * scale[c] + shift[c];
    } else {
      const float mean = in[3]->data<float>()[c], var = in[4]->data<float>()[c];
      py[i] = (px[i] - mean) / std::sqrt(var + epsilon) * in[1]->data<float>()[c] + in[2]->data<float>()[c];
    }
  }
}

void softmax(const Node& node, int64_t opset, const Tensor& x, Tensor& y) {
  const auto rank = static_cast<int64_t>(x.rank());
  int64_t axis = node.get_int("axis", opset < 13 ? 1 : -1);
  if (axis < 0) axis += rank;
  int64_t outer = 1, length = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) {
    const int64_t d = x.shape()[static_cast<std::size_t>(i)];
    if (i < axis) outer *= d;
    else if (i == axis || opset < 13) length *= d;  // before opset 13: flattened to 2-D at axis
    else inner *= d;
  }
  const auto px = x.data<float>();
  auto py = y.data<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const int64_t base = o * length * inner + in;
      float top = -std::numeric_limits<float>::infinity();
      for (int64_t l = 0; l < length; ++l) top = std::max(top, px[base + l * inner]);
      double sum = 0.0;
      for (int64_t l = 0; l < length; ++l) {
        py[base + l * inner] = std::exp(px[base + l * inner] - top);
        sum += py[base + l * inner];
      }
      for (int64_t l = 0; l < length; ++l) py[base + l * inner] = static_cast<float>(py[base + l * inner] / sum);
    }
}

// ---- data movement (element type agnostic) --------------------------------------------------

void transpose(const Node& node, const Tensor& x, Tensor& y) {
  const std::size_t rank = x.rank();
  std::vector<int64_t> reverse(rank);
  for (std::size_t i = 0; i < rank; ++i) reverse[i] = static_cast<int64_t>(rank - 1 - i);
  const auto perm = node.get_ints("perm", reverse);
  const auto in_strides = strides_of(x.shape());
  std::vector<int64_t> permuted(rank);
  for (std::size_t i = 0; i < rank; ++i) permuted[i] = in_strides[static_cast<std::size_t>(perm[i])];
  const std::size_t size = dtype_size(x.dtype());
  const auto src = x.bytes();
  auto dst = y.bytes();
  for_each_broadcast(y.shape(), strides_of(y.shape()), permuted, [&](int64_t, int64_t o, int64_t i) {
    std::memcpy(dst.data() + o * size, src.data() + i * size, size);
  });
}

void concat(const Node& node, std::span<const Tensor* const> in, Tensor& y) {
  auto axis = node.get_int("axis", 0);
  if (axis < 0) axis += static_cast<int64_t>(y.rank());
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= y.shape()[static_cast<std::size_t>(i)];
  const std::size_t size = dtype_size(y.dtype());
  auto dst = y.bytes().data();
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor* t : in) {
      const std::size_t chunk = static_cast<std::size_t>(t->size() / std::max<int64_t>(outer, 1)) * size;
      if (outer == 0) break;
      if (chunk == 0) continue;
      std::memcpy(dst, t->bytes().data() + static_cast<std::size_t>(o) * chunk, chunk);
      dst += chunk;
    }
}

void pad(const Node& node, std::span<const Tensor* const> in, int64_t opset, Tensor& y) {
  const Tensor& x = *in[0];
  const std::size_t rank = x.rank();
  const std::string mode = node.get_string("mode", "constant");
  std::vector<int64_t> begin(rank, 0);
  if (opset < 11) {
    const auto pads = node.get_ints("pads", {});
    for (std::size_t i = 0; i < rank; ++i) begin[i] = pads[i];
  } else {
    const auto pads = in[1]->to_int64s();
    if (in.size() > 3 && in[3] != nullptr) {
      const auto axes = in[3]->to_int64s();
      for (std::size_t i = 0; i < axes.size(); ++i)
        begin[static_cast<std::size_t>(axes[i] < 0 ? axes[i] + static_cast<int64_t>(rank) : axes[i])] = pads[i];
    } else {
      for (std::size_t i = 0; i < rank; ++i) begin[i] = pads[i];
    }
  }
  // The fill value, in the tensor's own element type.
  Tensor fill(x.dtype(), {});
  if (opset < 11) {
    const float v = node.get_float("value", 0.0F);
    dispatch(x.dtype(), [&](auto tag) { fill.data<decltype(tag)>()[0] = static_cast<decltype(tag)>(v); });
  } else if (in.size() > 2 && in[2] != nullptr && in[2]->size() > 0) {
    std::memcpy(fill.bytes().data(), in[2]->bytes().data(), dtype_size(x.dtype()));
  }
  const std::size_t size = dtype_size(x.dtype());
  const auto in_strides = strides_of(x.shape());
  std::vector<int64_t> index(rank, 0);
  auto dst = y.bytes();
  for (int64_t o = 0; o < y.size(); ++o) {
    int64_t src = 0;
    bool inside = true;
    for (std::size_t d = 0; d < rank; ++d) {
      const int64_t n = x.shape()[d];
      int64_t s = index[d] - begin[d];
      if (s < 0 || s >= n) {
        if (mode == "constant") inside = false;
        else if (mode == "edge") s = std::clamp<int64_t>(s, 0, n - 1);
        else s = s < 0 ? -s : 2 * (n - 1) - s;  // reflect, pads < n checked by inference
      }
      src += s * in_strides[d];
    }
    std::memcpy(dst.data() + o * static_cast<int64_t>(size),
                inside ? x.bytes().data() + src * static_cast<int64_t>(size) : fill.bytes().data(), size);
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < y.shape()[d]) break;
      index[d] = 0;
    }
  }
  (void)node;
}

// ---- quantize / dequantize ------------------------------------------------------------------

// Index of the scale for element i: per-tensor or along `axis`.
struct AxisMap {
  int64_t inner = 1, length = 1;
  std::size_t operator()(int64_t i) const { return static_cast<std::size_t>((i / inner) % length); }
};
AxisMap axis_map(const Node& node, const Shape& shape, const Tensor& scale) {
  AxisMap map;
  if (scale.size() == 1 && scale.rank() <= 1) return map;
  int64_t axis = node.get_int("axis", 1);
  if (axis < 0) axis += static_cast<int64_t>(shape.size());
  map.length = shape[static_cast<std::size_t>(axis)];
  for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < shape.size(); ++d) map.inner *= shape[d];
  return map;
}

void quantize(const Node& node, std::span<const Tensor* const> in, Tensor& y) {
  const Tensor& x = *in[0];
  const auto scale = in[1]->data<float>();
  const std::vector<int64_t> zero = per_channel_ints(in.size() > 2 ? in[2] : nullptr);
  const AxisMap map = axis_map(node, x.shape(), *in[1]);
  const std::vector<double> xv = x.to_doubles();
  dispatch(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T> && sizeof(T) == 1 && !std::is_same_v<T, bool>) {
      auto py = y.data<T>();
      for (int64_t i = 0; i < x.size(); ++i) {
        const std::size_t c = map(i);
        // float32 division then round half to even (the default rounding mode), as ONNX does.
        const float q = static_cast<float>(xv[i]) / scale[scale.size() == 1 ? 0 : c];
        // NaN becomes the zero point, as in the quantizer (zynqnn::quant::quantize_int8).
        const double rounded = std::isnan(q) ? 0.0 : static_cast<double>(std::nearbyint(q));
        py[i] = saturate<T>(rounded + static_cast<double>(zero[zero.size() == 1 ? 0 : c]));
      }
    }
  });
}

void dequantize(const Node& node, std::span<const Tensor* const> in, Tensor& y) {
  const Tensor& x = *in[0];
  const auto scale = in[1]->data<float>();
  const std::vector<int64_t> zero = per_channel_ints(in.size() > 2 ? in[2] : nullptr);
  const AxisMap map = axis_map(node, x.shape(), *in[1]);
  const auto xv = x.to_int64s();
  auto py = y.data<float>();
  for (int64_t i = 0; i < x.size(); ++i) {
    const std::size_t c = map(i);
    py[i] = (static_cast<float>(xv[i]) - static_cast<float>(zero[zero.size() == 1 ? 0 : c])) * scale[scale.size() == 1 ? 0 : c];
  }
}

void copy_elements(const Tensor& x, Tensor& y) {
  if (!x.bytes().empty()) std::memcpy(y.bytes().data(), x.bytes().data(), x.bytes().size());
}

}  // namespace

std::vector<Tensor> run_node(const Node& node, std::span<const Tensor* const> inputs, int64_t opset) {
  std::vector<ValueInfo> infos(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == nullptr) {
      infos[i].present = false;
      continue;
    }
    infos[i] = {inputs[i]->dtype(), inputs[i]->shape(), true, inputs[i], true};
  }
  const auto out_infos = infer_node(node, infos, opset);
  std::vector<Tensor> outputs;
  for (const auto& info : out_infos) outputs.emplace_back(info.dtype, info.shape);
  Tensor& y = outputs[0];
  const std::string& op = node.op;
  const Tensor& x = *inputs[0];

  if (op == "Add" || op == "Mul") binary(node, x, *inputs[1], y);
  else if (op == "Relu") relu(x, y);
  else if (op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh" || op == "HardSwish" || op == "HardSigmoid")
    unary_float(node, x, y);
  else if (op == "Clip") clip(node, inputs, opset, y);
  else if (op == "Identity" || op == "Dropout" || op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
           op == "Unsqueeze")
    copy_elements(x, y);
  else if (op == "ReduceMean")
    reduce_mean(x, *reduce_mean_axes(node, infos, opset, x.shape().size()), y);
  else if (op == "Conv") {
    conv_float(conv_params(node, x.shape(), inputs[1]->shape()), x, *inputs[1],
               inputs.size() > 2 ? inputs[2] : nullptr, y);
  } else if (op == "ConvInteger" || op == "QLinearConv" || op == "QConv") {
    const bool qlinear = op == "QLinearConv";
    const Tensor& w = *inputs[qlinear ? 3 : 1];
    const ConvParams p = conv_params(node, x.shape(), w.shape());
    const int64_t x_zero = op == "QConv" ? node.get_int("input_zero_point", 0)
                                         : scalar_int(inputs.size() > 2 ? inputs[2] : nullptr, 0);
    const auto w_zero = op == "QConv" ? std::vector<int64_t>{0}
                                      : per_channel_ints(inputs.size() > (qlinear ? 5U : 3U) ? inputs[qlinear ? 5 : 3] : nullptr);
    auto acc = conv_integer(p, x, w, x_zero, w_zero);
    const int64_t inner = p.out_h * p.out_w;
    if (op == "ConvInteger") {
      auto py = y.data<std::int32_t>();
      for (std::size_t i = 0; i < acc.size(); ++i) py[i] = static_cast<std::int32_t>(acc[i]);
    } else if (op == "QConv") {
      requantize_channels(node, acc, inputs[2], *inputs[3], *inputs[4], p.out_channels, inner, y);
    } else {
      requantize_qlinear(acc, inputs.size() > 8 ? inputs[8] : nullptr, inputs[1]->data<float>()[0], inputs[4]->data<float>(),
                         inputs[6]->data<float>()[0], scalar_int(inputs[7], 0), p.out_channels, inner, y);
    }
  } else if (op == "QGemm") {
    const GemmParams p = gemm_params(node, x.shape(), inputs[1]->shape());
    const auto px = x.data<std::int8_t>();
    const auto pw = inputs[1]->data<std::int8_t>();
    const int64_t x_zero = node.get_int("input_zero_point", 0);
    std::vector<int64_t> acc(static_cast<std::size_t>(p.m * p.n));
    for (int64_t i = 0; i < p.m; ++i)
      for (int64_t j = 0; j < p.n; ++j) {
        int64_t sum = 0;
        for (int64_t t = 0; t < p.k; ++t) sum += (px[i * p.k + t] - x_zero) * pw[j * p.k + t];
        acc[static_cast<std::size_t>(i * p.n + j)] = sum;
      }
    requantize_channels(node, acc, inputs[2], *inputs[3], *inputs[4], p.n, 1, y);
  } else if (op == "Gemm") gemm(node, inputs, y);
  else if (op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul") matmul(node, inputs, y);
  else if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" || op == "GlobalMaxPool") pool(node, x, y);
  else if (op == "BatchNormalization" || op == "ChannelAffine") channel_affine(node, inputs, y);
  else if (op == "Softmax") softmax(node, opset, x, y);
  else if (op == "Transpose") transpose(node, x, y);
  else if (op == "Concat") concat(node, inputs, y);
  else if (op == "Pad") pad(node, inputs, opset, y);
  else if (op == "QuantizeLinear") quantize(node, inputs, y);
  else if (op == "DequantizeLinear") dequantize(node, inputs, y);
  else if (op == "QLinearRequantize") {
    // (acc int32, x_scale, w_scale, y_scale, y_zero_point[, bias int32]); channels on axis 1.
    const auto acc = x.to_int64s();
    const auto w_scale = inputs[2]->data<float>();
    const int64_t channels = x.shape().size() >= 2 ? x.shape()[1] : 1;
    int64_t inner = 1;
    for (std::size_t d = 2; d < x.shape().size(); ++d) inner *= x.shape()[d];
    requantize_qlinear(acc, inputs.size() > 5 ? inputs[5] : nullptr, inputs[1]->data<float>()[0], w_scale,
                       inputs[3]->data<float>()[0], scalar_int(inputs[4], 0), channels, inner, y);
  } else throw_unsupported(node, "operator not implemented");
  return outputs;
}

}  // namespace zynqnn::graph
