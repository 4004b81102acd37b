#pragma once
// Where each weight of a (grouped) convolution or fully connected layer sits in the folded
// arrays the matrix-vector unit reads. Used by the code generator and the tests to pack
// ONNX weights (OIHW: out channel, in channel within group, ky, kx) into
//
//   weights[PE][TILES][SIMD],  TILES = GROUPS * NF * SF,
//   NF = (OUT_CHANNELS/GROUPS)/PE  (neuron folds),  SF = K_H*K_W*(IN_CHANNELS/GROUPS)/SIMD
//
// Output channel o = g*(OUT_CHANNELS/GROUPS) + nf*PE + p; the synapse fold sf enumerates
// (ky, kx, cf) with cf the channel fold within the group, matching the sliding-window
// order; lane s holds input channel g*(IN_CHANNELS/GROUPS) + cf*SIMD + s.
// The tile index is (g*NF + nf)*SF + sf. Bias: bias[PE][GROUPS*NF] at [p][g*NF + nf].
// For a weight stream (weights too large for on-chip memory) the words come in tile order,
// once per output pixel, each word holding PE*SIMD weights at lane p*SIMD + s.

namespace zynqnn_hls {

struct weight_position {
  int pe;
  int tile;
  int lane;
};

// The folded position of ONNX weight [o][c_in_group][ky][kx].
constexpr weight_position mvu_weight_position(int out_channels, int in_channels, int k_h, int k_w,
                                              int groups, int pe, int simd, int o, int c_in_group,
                                              int ky, int kx) {
  const int out_per_group = out_channels / groups;
  const int in_folds_per_group = (in_channels / groups) / simd;
  const int nf_count = out_per_group / pe;
  const int sf_count = k_h * k_w * in_folds_per_group;
  const int g = o / out_per_group;
  const int o_in_group = o % out_per_group;
  const int nf = o_in_group / pe;
  const int cf = c_in_group / simd;
  const int sf = (ky * k_w + kx) * in_folds_per_group + cf;
  return weight_position{o_in_group % pe, (g * nf_count + nf) * sf_count + sf, c_in_group % simd};
}

}  // namespace zynqnn_hls
