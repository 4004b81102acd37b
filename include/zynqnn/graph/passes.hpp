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
// Squeeze / Unsqueeze of a known shape become a Reshape (the same elements in the same order),
// which the compiler treats like any Reshape.
std::size_t squeeze_unsqueeze_to_reshape(Graph& graph);
// ReduceMean over every spatial axis (2..rank-1) of a float tensor becomes GlobalAveragePool
// (then a Reshape when keepdims=0), also through a Reshape/Flatten that keeps N and C before it
// (PyTorch's Unsqueeze → ReduceMean → Squeeze of a 1-D average): the same means, summed in the
// same order.
std::size_t reduce_mean_to_global_pool(Graph& graph);
// A Reshape/Flatten read only by a Reshape: one Reshape to the final shape.
std::size_t collapse_reshapes(Graph& graph);
// Drops values no node reads and no graph output names.
std::size_t remove_unused_values(Graph& graph);
// What optimize rewrote, by rewrite.
struct Rewrites {
  std::size_t identities = 0, conv_bias_adds = 0, batch_norms = 0, matmuls_to_gemm = 0, unused_values = 0;
  std::size_t squeezes_to_reshape = 0, reduce_means_to_pool = 0, reshape_chains = 0;
};
// All of the above until nothing changes.
Rewrites optimize(Graph& graph);

}  // namespace zynqnn::graph
