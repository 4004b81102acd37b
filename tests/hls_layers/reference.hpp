#pragma once
// Straightforward reference implementations (NHWC, no folding, no streams) the layers are
// checked against. V is int64_t for integer paths (exact) or double for float paths.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace zynqnn_hls_test {

struct conv_shape {
  int in_h, in_w, channels, out_channels, k_h, k_w;
  int stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1, groups = 1;
  int out_h() const { return (in_h + pad_top + pad_bottom - dilation_h * (k_h - 1) - 1) / stride_h + 1; }
  int out_w() const { return (in_w + pad_left + pad_right - dilation_w * (k_w - 1) - 1) / stride_w + 1; }
};

// weights in ONNX OIHW order: [o][c_in_group][ky][kx]; pad_value fills outside the input.
template <typename V>
std::vector<V> conv_reference(const conv_shape& s, const std::vector<V>& input, const std::vector<V>& weights,
                              const std::vector<V>& bias, V pad_value) {
  const int oh = s.out_h(), ow = s.out_w();
  const int cg = s.channels / s.groups, og = s.out_channels / s.groups;
  std::vector<V> out(static_cast<std::size_t>(oh) * ow * s.out_channels);
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox)
      for (int o = 0; o < s.out_channels; ++o) {
        const int g = o / og;
        V acc = bias[o];
        for (int c = 0; c < cg; ++c)
          for (int ky = 0; ky < s.k_h; ++ky)
            for (int kx = 0; kx < s.k_w; ++kx) {
              const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
              const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
              const bool inside = iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w;
              const V x = inside ? input[(static_cast<std::size_t>(iy) * s.in_w + ix) * s.channels + g * cg + c] : pad_value;
              acc += x * weights[((static_cast<std::size_t>(o) * cg + c) * s.k_h + ky) * s.k_w + kx];
            }
        out[(static_cast<std::size_t>(oy) * ow + ox) * s.out_channels + o] = acc;
      }
  return out;
}

// Max or average pooling; average divides by the kernel size or the inside count.
template <typename V>
std::vector<V> pool_sums_reference(const conv_shape& s, const std::vector<V>& input, bool is_max,
                                   std::vector<int>& counts) {
  const int oh = s.out_h(), ow = s.out_w();
  std::vector<V> out(static_cast<std::size_t>(oh) * ow * s.channels);
  counts.assign(static_cast<std::size_t>(oh) * ow, 0);
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox)
      for (int c = 0; c < s.channels; ++c) {
        V acc = is_max ? std::numeric_limits<V>::lowest() : V(0);
        int count = 0;
        for (int ky = 0; ky < s.k_h; ++ky)
          for (int kx = 0; kx < s.k_w; ++kx) {
            const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
            const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
            if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) continue;
            const V x = input[(static_cast<std::size_t>(iy) * s.in_w + ix) * s.channels + c];
            acc = is_max ? std::max(acc, x) : acc + x;
            ++count;
          }
        out[(static_cast<std::size_t>(oy) * ow + ox) * s.channels + c] = acc;
        counts[static_cast<std::size_t>(oy) * ow + ox] = count;
      }
  return out;
}

// round_half_even(num / den) for den > 0.
inline std::int64_t divide_round_half_even(std::int64_t num, std::int64_t den) {
  std::int64_t q = num / den, r = num % den;
  if (r < 0) { q -= 1; r += den; }
  if (2 * r > den || (2 * r == den && (q % 2 != 0))) q += 1;
  return q;
}

// round_half_even(acc * m / 2^r), |acc * m| < 2^62, 1 <= r <= 62, by truncating division
// and a symmetric tie rule (a different route from the library's floor-and-remainder).
inline std::int64_t reference_scaled(std::int64_t acc, std::int32_t m, int r) {
  const std::int64_t value = acc * m;
  const std::int64_t divisor = std::int64_t{1} << r;
  std::int64_t q = value / divisor;  // toward zero
  const std::int64_t rem = value % divisor;
  const std::int64_t twice = 2 * (rem < 0 ? -rem : rem);
  const std::int64_t away = value < 0 ? -1 : 1;
  if (twice > divisor || (twice == divisor && q % 2 != 0)) q += away;
  return q;
}

}  // namespace zynqnn_hls_test
