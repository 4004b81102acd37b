// Host packing of run-time operands: what the PS does to a tensor before the PL streams it.
#include <fmt/format.h>

#include "weight_layout.h"
#include "zynqnn/core/error.hpp"
#include "zynqnn/network/host_port.hpp"

namespace zynqnn::network {

std::vector<float> pack_mvu_weights(const HostPacking& p, const std::vector<float>& onnx) {
  const std::int64_t oc = p.out_c, ic = p.in_c, kh = p.conv ? p.kernel_h : 1, kw = p.conv ? p.kernel_w : 1;
  if (static_cast<std::int64_t>(onnx.size()) != oc * ic * kh * kw)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} weights given, the layer takes {}", onnx.size(), oc * ic * kh * kw), "weights");
  if (p.pe <= 0 || p.simd <= 0 || oc % p.pe != 0 || ic % p.simd != 0)
    throw Error(ErrorCode::internal, "folding does not divide the layer", "weights");
  const std::int64_t tiles = (oc / p.pe) * (kh * kw * ic / p.simd);
  std::vector<float> packed(static_cast<std::size_t>(p.pe * tiles * p.simd), 0.0F);
  for (std::int64_t o = 0; o < oc; ++o)
    for (std::int64_t j = 0; j < ic; ++j)
      for (std::int64_t y = 0; y < kh; ++y)
        for (std::int64_t x = 0; x < kw; ++x) {
          std::size_t src = 0;
          if (p.conv) {
            src = static_cast<std::size_t>(((o * ic + j) * kh + y) * kw + x);
          } else {  // dense: stream column j is ONNX column k of B
            const std::int64_t k = p.columns.onnx_index(j);
            src = static_cast<std::size_t>(p.trans_b ? o * ic + k : k * oc + o);
          }
          const auto pos = zynqnn_hls::mvu_weight_position(static_cast<int>(oc), static_cast<int>(ic), static_cast<int>(kh),
                                                           static_cast<int>(kw), 1, p.pe, p.simd, static_cast<int>(o),
                                                           static_cast<int>(j), static_cast<int>(y), static_cast<int>(x));
          packed[static_cast<std::size_t>((pos.pe * tiles + pos.tile) * p.simd + pos.lane)] = p.factor * onnx[src];
        }
  return packed;
}

std::vector<float> host_prepare(const graph::Tensor& x, const HostPort& t) {
  std::vector<float> values;
  if (x.dtype() == graph::DType::float32) {
    const auto v = x.data<float>();
    values.assign(v.begin(), v.end());
  } else {  // integer operands (8/16-bit) are exact as float
    for (double d : x.to_doubles()) values.push_back(static_cast<float>(d));
  }
  switch (t.packing.kind) {
    case HostPacking::Kind::none: {
      if (x.size() != t.elements())
        throw Error(ErrorCode::invalid_argument, fmt::format("{} elements given, the accelerator takes {}", x.size(), t.elements()),
                    t.value);
      std::vector<float> out(values.size());
      for (std::int64_t j = 0; j < t.elements(); ++j) out[static_cast<std::size_t>(j)] = values[static_cast<std::size_t>(t.order.onnx_index(j))];
      return out;
    }
    case HostPacking::Kind::mvu_weights: return pack_mvu_weights(t.packing, values);
    case HostPacking::Kind::transpose: {
      if (x.rank() != 2) throw Error(ErrorCode::invalid_argument, "a 2-D tensor expected", t.value);
      const std::int64_t rows = x.shape()[0], cols = x.shape()[1];
      std::vector<float> out(values.size());
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) out[static_cast<std::size_t>(c * rows + r)] = values[static_cast<std::size_t>(r * cols + c)];
      return out;
    }
    case HostPacking::Kind::broadcast: {
      const auto& to = t.packing.shape;
      const auto& from = x.shape();
      if (from.size() > to.size()) throw Error(ErrorCode::invalid_argument, "cannot broadcast to a lower rank", t.value);
      std::int64_t total = 1;
      for (auto d : to) total *= d;
      const std::size_t offset = to.size() - from.size();
      for (std::size_t i = 0; i < from.size(); ++i)
        if (from[i] != 1 && from[i] != to[offset + i])
          throw Error(ErrorCode::invalid_argument, "shape does not broadcast", t.value);
      std::vector<float> out(static_cast<std::size_t>(total));
      for (std::int64_t i = 0; i < total; ++i) {
        std::int64_t rem = i, src = 0, stride = 1;
        for (std::size_t a = to.size(); a-- > 0;) {
          const std::int64_t idx = rem % to[a];
          rem /= to[a];
          if (a >= offset) {
            const std::int64_t d = from[a - offset];
            src += (d == 1 ? 0 : idx) * stride;
            stride *= d;
          }
        }
        out[static_cast<std::size_t>(i)] = t.packing.factor * values[static_cast<std::size_t>(src)];
      }
      return out;
    }
  }
  return values;
}

}  // namespace zynqnn::network
