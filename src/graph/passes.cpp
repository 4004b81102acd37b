#include "zynqnn/graph/passes.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "axes_ops.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::graph {
namespace {

// Replaces every read of `from` by `to`.
void rename_uses(Graph& graph, const std::string& from, const std::string& to) {
  for (auto& node : graph.nodes)
    for (auto& in : node.inputs)
      if (in == from) in = to;
}

// The single node reading `value`, if exactly one reads it and it is not a graph output.
std::optional<std::size_t> sole_consumer(const Graph& graph, const std::string& value) {
  if (graph.is_output(value)) return std::nullopt;
  const auto readers = graph.consumers(value);
  if (readers.size() != 1) return std::nullopt;
  std::size_t uses = 0;
  for (const auto& in : graph.nodes[readers[0]].inputs) uses += in == value ? 1 : 0;
  return uses == 1 ? std::optional<std::size_t>(readers[0]) : std::nullopt;
}

// Per-channel values of a constant that broadcasts as [C,1,...] against a rank-`rank` tensor
// with C channels on axis 1 (or as a scalar).
std::optional<std::vector<float>> per_channel(const Tensor& t, std::size_t rank, std::int64_t channels) {
  if (t.dtype() != DType::float32) return std::nullopt;
  const Shape& s = t.shape();
  if (t.size() == 1) return std::vector<float>(static_cast<std::size_t>(channels), t.data<float>()[0]);
  if (t.size() != channels || s.size() > rank) return std::nullopt;
  // The channel dimension must land on axis 1 after right-aligned broadcasting.
  const std::size_t offset = rank - s.size();
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool is_channel_axis = i + offset == 1;
    if (is_channel_axis ? s[i] != channels : s[i] != 1) return std::nullopt;
  }
  const auto d = t.data<float>();
  return std::vector<float>(d.begin(), d.end());
}

std::string fresh_name(const Graph& graph, const std::string& base) {
  std::string name = base;
  for (int k = 2; graph.find(name) != nullptr; ++k) name = base + "_" + std::to_string(k);
  return name;
}

void erase_nodes(Graph& graph, const std::set<std::size_t>& dead) {
  std::vector<Node> kept;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (dead.count(i) == 0) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
}

// A new int64 constant holding `shape`, named after `owner`; returns its name.
std::string shape_constant(Graph& graph, const std::string& owner, const Shape& shape) {
  const std::string name = fresh_name(graph, owner + "/shape");
  const auto n = static_cast<std::int64_t>(shape.size());
  graph.add_value({name, DType::int64, {n}, true, Tensor::from<std::int64_t>({n}, shape)});
  return name;
}

// Axes 2..rank-1: every spatial axis of an [N, C, ...] tensor.
bool spatial_axes(const std::vector<std::int64_t>& axes, std::size_t rank) {
  if (rank < 3 || axes.size() != rank - 2) return false;
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != static_cast<std::int64_t>(i + 2)) return false;
  return true;
}

// The constant axes of a ReduceMean, normalized and sorted (axes_ops.hpp); nullopt when they
// are a run-time input.
std::optional<std::vector<std::int64_t>> constant_reduce_axes(const Graph& graph, const Node& node, std::size_t rank) {
  std::vector<ValueInfo> inputs(node.inputs.size());
  for (std::size_t k = 0; k < node.inputs.size(); ++k) {
    const Value* v = node.inputs[k].empty() ? nullptr : graph.find(node.inputs[k]);
    if (v == nullptr) {
      inputs[k].present = false;
      continue;
    }
    inputs[k] = {v->dtype, v->shape, v->shape_known, v->constant ? &*v->constant : nullptr, true};
  }
  if (inputs.size() > 1 && inputs[1].present && inputs[1].data == nullptr) return std::nullopt;
  return reduce_mean_axes(node, inputs, graph.opset, rank);
}

}  // namespace

std::size_t remove_identities(Graph& graph) {
  std::set<std::size_t> dead;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (node.op != "Identity" && node.op != "Dropout") continue;
    if (node.outputs.size() != 1 || graph.is_output(node.outputs[0])) {
      if (node.op == "Dropout") node = Node{"Identity", node.name, {node.inputs[0]}, {node.outputs[0]}, {}};
      continue;
    }
    rename_uses(graph, node.outputs[0], node.inputs[0]);
    graph.erase_value(node.outputs[0]);
    dead.insert(i);
  }
  erase_nodes(graph, dead);
  return dead.size();
}

std::size_t fuse_conv_bias_add(Graph& graph) {
  std::size_t count = 0;
  std::set<std::size_t> dead;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& conv = graph.nodes[i];
    if (conv.op != "Conv" || dead.count(i)) continue;
    const auto next = sole_consumer(graph, conv.outputs[0]);
    if (!next || graph.nodes[*next].op != "Add") continue;
    Node& add = graph.nodes[*next];
    const std::string& other = add.inputs[0] == conv.outputs[0] ? add.inputs[1] : add.inputs[0];
    const Value& y = graph.value(conv.outputs[0]);
    if (!graph.is_constant(other) || !y.shape_known || y.shape.size() != 4) continue;
    if (graph.value(add.outputs[0]).shape != y.shape) continue;  // the Add must not broadcast y
    const auto values = per_channel(*graph.value(other).constant, 4, y.shape[1]);
    if (!values) continue;
    std::vector<float> bias = *values;
    if (conv.has_input(2)) {
      const auto old = graph.value(conv.input(2)).constant;
      if (!old) continue;
      for (std::size_t c = 0; c < bias.size(); ++c) bias[c] += old->data<float>()[c];
    }
    const std::string bias_name = fresh_name(graph, conv.name + "_bias");
    Tensor t = Tensor::from<float>({y.shape[1]}, bias);
    graph.add_value({bias_name, DType::float32, t.shape(), true, std::move(t)});
    conv.inputs.resize(3);
    conv.inputs[2] = bias_name;
    // The Conv now writes the Add's output; the old intermediate disappears.
    graph.erase_value(conv.outputs[0]);
    conv.outputs[0] = add.outputs[0];
    dead.insert(*next);
    ++count;
  }
  erase_nodes(graph, dead);
  return count;
}

std::size_t fold_batch_norm(Graph& graph) {
  std::size_t count = 0;
  std::set<std::size_t> dead;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& bn = graph.nodes[i];
    if (bn.op != "BatchNormalization") continue;
    bool constant = true;
    for (std::size_t k = 1; k < 5; ++k) constant = constant && graph.is_constant(bn.input(k));
    if (!constant) continue;
    const Value& x = graph.value(bn.input(0));
    if (!x.shape_known || x.shape.size() < 2) continue;
    const std::int64_t channels = x.shape[1];
    const float epsilon = bn.get_float("epsilon", 1e-5F);
    std::vector<float> scale(static_cast<std::size_t>(channels)), shift(scale.size());
    for (std::size_t c = 0; c < scale.size(); ++c) {
      const float s = graph.value(bn.input(1)).constant->data<float>()[c];
      const float b = graph.value(bn.input(2)).constant->data<float>()[c];
      const float mean = graph.value(bn.input(3)).constant->data<float>()[c];
      const float var = graph.value(bn.input(4)).constant->data<float>()[c];
      scale[c] = s / std::sqrt(var + epsilon);
      shift[c] = b - mean * scale[c];
    }
    const auto producer = graph.producer(bn.input(0));
    const auto consumer = sole_consumer(graph, bn.input(0));
    bool folded = false;
    if (producer && consumer && *consumer == i) {
      Node& prev = graph.nodes[*producer];
      const bool conv = prev.op == "Conv" && graph.is_constant(prev.input(1)) &&
                        (!prev.has_input(2) || graph.is_constant(prev.input(2)));
      bool gemm = prev.op == "Gemm" && graph.is_constant(prev.input(1)) &&
                  (!prev.has_input(2) || (graph.is_constant(prev.input(2)) &&
                                          (graph.value(prev.input(2)).constant->size() == 1 ||
                                           graph.value(prev.input(2)).constant->size() == channels)));
      if (gemm && prev.has_input(2) && graph.value(prev.input(2)).constant->size() == channels &&
          graph.value(prev.input(2)).shape.size() == 2 && graph.value(prev.input(2)).shape[0] != 1)
        gemm = false;  // a [M,1]-like bias is per row, not per channel
      if (conv || gemm) {
        Tensor w = *graph.value(prev.input(1)).constant;
        auto pw = w.data<float>();
        std::vector<float> bias(scale.size(), 0.0F);
        if (prev.has_input(2)) {
          const Tensor& b = *graph.value(prev.input(2)).constant;
          for (std::size_t c = 0; c < bias.size(); ++c) bias[c] = b.data<float>()[b.size() == 1 ? 0 : c];
        }
        if (conv) {
          const std::size_t per = static_cast<std::size_t>(w.size() / channels);
          for (std::size_t k = 0; k < pw.size(); ++k) pw[k] *= scale[k / per];
          for (std::size_t c = 0; c < bias.size(); ++c) bias[c] = bias[c] * scale[c] + shift[c];
        } else {
          const bool trans_b = prev.get_int("transB", 0) != 0;
          const float beta = prev.get_float("beta", 1.0F);
          const std::int64_t n = channels, k_dim = w.size() / channels;
          for (std::int64_t r = 0; r < (trans_b ? n : k_dim); ++r)
            for (std::int64_t c = 0; c < (trans_b ? k_dim : n); ++c)
              pw[static_cast<std::size_t>(r * (trans_b ? k_dim : n) + c)] *= scale[static_cast<std::size_t>(trans_b ? r : c)];
          for (std::size_t c = 0; c < bias.size(); ++c) bias[c] = beta * bias[c] * scale[c] + shift[c];
          prev.attributes["beta"] = 1.0F;
        }
        const std::string w_name = fresh_name(graph, prev.name + "_folded_weight");
        const std::string b_name = fresh_name(graph, prev.name + "_folded_bias");
        graph.add_value({w_name, DType::float32, w.shape(), true, w});
        Tensor bt = Tensor::from<float>({channels}, bias);
        graph.add_value({b_name, DType::float32, bt.shape(), true, std::move(bt)});
        prev.inputs.resize(3);
        prev.inputs[1] = w_name;
        prev.inputs[2] = b_name;
        graph.erase_value(prev.outputs[0]);
        prev.outputs[0] = bn.outputs[0];
        dead.insert(i);
        folded = true;
      }
    }
    if (!folded) {
      const std::string s_name = fresh_name(graph, bn.name + "_scale");
      const std::string t_name = fresh_name(graph, bn.name + "_shift");
      Tensor st = Tensor::from<float>({channels}, scale), tt = Tensor::from<float>({channels}, shift);
      graph.add_value({s_name, DType::float32, st.shape(), true, std::move(st)});
      graph.add_value({t_name, DType::float32, tt.shape(), true, std::move(tt)});
      bn = Node{"ChannelAffine", bn.name, {bn.input(0), s_name, t_name}, {bn.outputs[0]}, {}};
    }
    ++count;
  }
  erase_nodes(graph, dead);
  return count;
}

std::size_t matmul_to_gemm(Graph& graph) {
  std::size_t count = 0;
  std::set<std::size_t> dead;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& mm = graph.nodes[i];
    if (mm.op != "MatMul") continue;
    const Value& a = graph.value(mm.input(0));
    const Value& b = graph.value(mm.input(1));
    if (!a.shape_known || a.shape.size() != 2 || !b.constant || b.shape.size() != 2) continue;
    const std::int64_t n = b.shape[1];
    Node gemm{"Gemm", mm.name, {mm.input(0), mm.input(1)}, {mm.outputs[0]}, {}};
    if (const auto next = sole_consumer(graph, mm.outputs[0]); next && graph.nodes[*next].op == "Add") {
      Node& add = graph.nodes[*next];
      const std::string& other = add.inputs[0] == mm.outputs[0] ? add.inputs[1] : add.inputs[0];
      const Value* c = graph.find(other);
      if (c != nullptr && c->constant && c->dtype == DType::float32 &&
          (c->shape == Shape{n} || c->shape == Shape{1, n}) && graph.value(add.outputs[0]).shape == Shape{a.shape[0], n}) {
        gemm.inputs.push_back(other);
        graph.erase_value(mm.outputs[0]);
        gemm.outputs[0] = add.outputs[0];
        dead.insert(*next);
      }
    }
    mm = std::move(gemm);
    ++count;
  }
  erase_nodes(graph, dead);
  return count;
}

std::size_t squeeze_unsqueeze_to_reshape(Graph& graph) {
  std::size_t count = 0;
  for (auto& node : graph.nodes) {
    if (node.op != "Squeeze" && node.op != "Unsqueeze") continue;
    const Value& out = graph.value(node.outputs[0]);
    if (!out.shape_known) continue;
    const Shape shape = out.shape;
    node = Node{"Reshape", node.name, {node.input(0), shape_constant(graph, node.name, shape)}, {node.outputs[0]}, {}};
    ++count;
  }
  return count;
}

std::size_t reduce_mean_to_global_pool(Graph& graph) {
  std::size_t count = 0;
  std::set<std::size_t> dead;
  const std::size_t nodes = graph.nodes.size();
  for (std::size_t i = 0; i < nodes; ++i) {
    if (graph.nodes[i].op != "ReduceMean") continue;
    const Node reduce = graph.nodes[i];
    const Value& x = graph.value(reduce.input(0));
    const Value& y = graph.value(reduce.outputs[0]);
    if (!x.shape_known || !y.shape_known || x.dtype != DType::float32) continue;
    const auto axes = constant_reduce_axes(graph, reduce, x.shape.size());
    if (!axes || !spatial_axes(*axes, x.shape.size())) continue;
    // Through a Reshape/Flatten that keeps N and C (it only adds or drops spatial axes of size
    // 1, or regroups them): the mean over every spatial element of each (n, c) is the same.
    std::string pooled_input = reduce.input(0);
    if (const auto p = graph.producer(pooled_input); p && (graph.nodes[*p].op == "Reshape" || graph.nodes[*p].op == "Flatten")) {
      const Value& before = graph.value(graph.nodes[*p].input(0));
      if (before.shape_known && before.shape.size() >= 3 && before.shape[0] == x.shape[0] && before.shape[1] == x.shape[1] &&
          sole_consumer(graph, pooled_input)) {
        dead.insert(*p);
        pooled_input = graph.nodes[*p].input(0);
      }
    }
    Shape pooled_shape = graph.value(pooled_input).shape;
    std::fill(pooled_shape.begin() + 2, pooled_shape.end(), 1);
    if (pooled_shape == y.shape) {
      graph.nodes[i] = Node{"GlobalAveragePool", reduce.name, {pooled_input}, {reduce.outputs[0]}, {}};
    } else {
      const std::string pooled = fresh_name(graph, reduce.outputs[0] + "/pooled");
      graph.add_value({pooled, DType::float32, pooled_shape, true, std::nullopt});
      graph.nodes[i] = Node{"GlobalAveragePool", reduce.name, {pooled_input}, {pooled}, {}};
      graph.nodes.push_back(Node{"Reshape", reduce.name + "/reshape", {pooled, shape_constant(graph, reduce.name, y.shape)},
                                 {reduce.outputs[0]}, {}});
    }
    ++count;
  }
  erase_nodes(graph, dead);
  if (count > 0) graph.sort();
  return count;
}

std::size_t collapse_reshapes(Graph& graph) {
  std::size_t count = 0;
  std::set<std::size_t> dead;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& outer = graph.nodes[i];
    if (outer.op != "Reshape" || dead.count(i)) continue;
    const auto p = graph.producer(outer.input(0));
    if (!p || dead.count(*p) || (graph.nodes[*p].op != "Reshape" && graph.nodes[*p].op != "Flatten") ||
        !sole_consumer(graph, outer.input(0)))
      continue;
    const Value& out = graph.value(outer.outputs[0]);
    if (!out.shape_known) continue;
    const Shape shape = out.shape;
    outer.inputs = {graph.nodes[*p].input(0), shape_constant(graph, outer.name, shape)};
    dead.insert(*p);
    ++count;
  }
  erase_nodes(graph, dead);
  return count;
}

std::size_t remove_unused_values(Graph& graph) {
  std::set<std::string> used(graph.outputs.begin(), graph.outputs.end());
  used.insert(graph.inputs.begin(), graph.inputs.end());
  for (const auto& node : graph.nodes) {
    used.insert(node.inputs.begin(), node.inputs.end());
    used.insert(node.outputs.begin(), node.outputs.end());
  }
  std::vector<std::string> unused;
  for (const auto& [name, value] : graph.values())
    if (used.count(name) == 0) unused.push_back(name);
  for (const auto& name : unused) graph.erase_value(name);
  return unused.size();
}

Rewrites optimize(Graph& graph) {
  Rewrites total;
  for (int round = 0; round < 8; ++round) {
    Rewrites r;
    r.identities = remove_identities(graph);
    r.conv_bias_adds = fuse_conv_bias_add(graph);
    r.batch_norms = fold_batch_norm(graph);
    r.matmuls_to_gemm = matmul_to_gemm(graph);
    r.squeezes_to_reshape = squeeze_unsqueeze_to_reshape(graph);
    r.reduce_means_to_pool = reduce_mean_to_global_pool(graph);
    r.reshape_chains = collapse_reshapes(graph);
    total.identities += r.identities;
    total.conv_bias_adds += r.conv_bias_adds;
    total.batch_norms += r.batch_norms;
    total.matmuls_to_gemm += r.matmuls_to_gemm;
    total.squeezes_to_reshape += r.squeezes_to_reshape;
    total.reduce_means_to_pool += r.reduce_means_to_pool;
    total.reshape_chains += r.reshape_chains;
    if (r.identities + r.conv_bias_adds + r.batch_norms + r.matmuls_to_gemm + r.squeezes_to_reshape +
            r.reduce_means_to_pool + r.reshape_chains ==
        0)
      break;
  }
  total.unused_values = remove_unused_values(graph);
  return total;
}

}  // namespace zynqnn::graph
