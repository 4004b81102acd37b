#include "zynqnn/compiler/partition.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/layers/registry.hpp"
#include "zynqnn/graph/infer.hpp"

namespace zynqnn::compiler {
namespace {

using graph::Graph;
using graph::Node;

// Operators that only move data, convert it or finish the result: the PS runs them (with the
// reference kernels) before the first or after the last PL layer.
const std::set<std::string, std::less<>> kHostOps = {"Reshape",   "Flatten",         "Transpose",
                                                     "Identity",  "Dropout",         "Softmax",
                                                     "LogSoftmax", "QuantizeLinear", "DequantizeLinear",
                                                     "Cast",      "Squeeze",         "Unsqueeze",
                                                     "QLinearRequantize"};

std::string why_not_on_pl(const Node& node) {
  if (!graph::is_supported_op(node.op)) return "operator not supported";
  if (node.op == "QLinearConv" || node.op == "QLinearMatMul")
    return "its weights, scales or zero points are run-time inputs: the int8 layers' requantization "
           "(M, R) and weights are fixed when the PL is built; with constant ones it runs on the PL";
  return "no PL layer for this operator";
}

class Partitioner {
 public:
  explicit Partitioner(const Graph& g) : g_(g) {}

  Partition run() {
    for (std::size_t index : g_.topological_order()) {
      const Node& node = g_.nodes[index];
      if (!place(index, node)) break;
    }
    return std::move(result_);
  }

 private:
  // False when the node is refused (the partition stops there).
  bool place(std::size_t index, const Node& node) {
    const layers::LayerRule* rule = layers::registry().find(node.op);
    const bool reads_pl = std::any_of(node.inputs.begin(), node.inputs.end(),
                                      [&](const std::string& v) { return !v.empty() && pl_values_.count(v); });
    const bool reads_post = std::any_of(node.inputs.begin(), node.inputs.end(),
                                        [&](const std::string& v) { return post_values_.count(v) > 0; });
    std::optional<std::string> ps_reason;  // a PL operator the PS runs in its place
    if (rule && rule->runs_on_ps) ps_reason = rule->runs_on_ps(g_, node);
    const bool host_op = kHostOps.count(node.op) > 0 || ps_reason.has_value();
    const bool stays_on_pl = rule && rule->stays_on_pl && reads_pl && rule->stays_on_pl(g_, node);
    if (host_op && !stays_on_pl) {
      if (!reads_pl && !reads_post && !has_layers_) {
        result_.pre_nodes.push_back(index);
      } else {
        result_.post_nodes.push_back(index);
        for (const auto& o : node.outputs) post_values_.insert(o);
        if (ps_reason) ps_reasons_[node.outputs[0]] = node.op + " on the PS: " + *ps_reason;
      }
      return true;
    }
    if (!rule) return refuse(index, why_not_on_pl(node));
    if (reads_post)
      for (const auto& v : node.inputs)
        if (post_values_.count(v))
          return refuse(index,
                        fmt::format("its input {} comes from an operator the PS runs after the PL{}", v,
                                    ps_reasons_.count(v) ? " (" + ps_reasons_.at(v) + ")" : std::string()));
    result_.pl_nodes.push_back(index);
    mark_streams(*rule, node);
    has_layers_ = has_layers_ || rule->adds_layer;
    return true;
  }

  // The values lowering puts on the PL: the node's output and the inputs it streams (through
  // a folded node, its source too).
  void mark_streams(const layers::LayerRule& rule, const Node& node) {
    std::vector<std::size_t> skip;
    if (rule.not_streamed) skip = rule.not_streamed(g_, node);
    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
      if (std::find(skip.begin(), skip.end(), i) != skip.end()) continue;
      for (std::string v = node.inputs[i]; !v.empty() && !g_.is_constant(v);) {
        pl_values_.insert(v);
        auto alias = folded_.find(v);
        v = alias == folded_.end() ? std::string() : alias->second;
      }
    }
    pl_values_.insert(node.outputs[0]);
    if (!rule.adds_layer && node.has_input(0)) folded_[node.outputs[0]] = node.input(0);
  }

  bool refuse(std::size_t index, const std::string& why) {
    result_.refused_node = index;
    result_.refusal = why;
    return false;
  }

  const Graph& g_;
  Partition result_;
  bool has_layers_ = false;  // a PL node placed so far has a layer of its own
  std::set<std::string> pl_values_, post_values_;
  std::map<std::string, std::string> folded_;      // output of a node without a layer -> its input
  std::map<std::string, std::string> ps_reasons_;  // why a PS operator after the PL could not be on the PL
};

}  // namespace

Partition partition(const Graph& graph) { return Partitioner(graph).run(); }

}  // namespace zynqnn::compiler
