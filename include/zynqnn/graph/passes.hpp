#pragma once
// Graph rewrites that keep the graph's results (up to float rounding) and make it simpler
// for code generators. Each returns the number of rewrites it made.
#include <cstddef>

#include "zynqnn/graph/graph.hpp"

namespace zynqnn::graph {

// Identity and inference-mode Dropout disappear (unless they produce a graph output).
std::size_t remove_identities(Graph& graph);
// Conv followed by Add of a per-channel constant: the constant joins the Conv bias.
std::size_t fuse_conv_bias_add(Graph& graph);
// BatchNormalization with constant parameters after a Conv/Gemm it alone reads: folded into
// the weights and bias; otherwise (constant parameters) replaced by ChannelAffine.
std::size_t fold_batch_norm(Graph& graph);
// 2-D MatMul with a constant right operand (and a following Add of a constant [N] or [1,N]
// bias) becomes Gemm.
std::size_t matmul_to_gemm(Graph& graph);
// Drops values no node reads and no graph output names.
std::size_t remove_unused_values(Graph& graph);
// What optimize rewrote, by rewrite.
struct Rewrites {
  std::size_t identities = 0, conv_bias_adds = 0, batch_norms = 0, matmuls_to_gemm = 0, unused_values = 0;
};
// All of the above until nothing changes.
Rewrites optimize(Graph& graph);

}  // namespace zynqnn::graph
