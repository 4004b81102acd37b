#include "compiler/qdq.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/graph/passes.hpp"

namespace zynqnn::compiler {
namespace {

using graph::DType;
using graph::Graph;
using graph::Node;
using graph::Tensor;

[[noreturn]] void refuse(const std::string& what, const std::string& where) { refuse_as_given(what, where); }

const Tensor* constant_of(const Graph& g, const Node& node, std::size_t index) {
  if (!node.has_input(index)) return nullptr;
  const graph::Value* v = g.find(node.input(index));
  return v != nullptr && v->constant ? &*v->constant : nullptr;
}

std::vector<std::int32_t> zero_points_of(const Tensor* zp, std::size_t count) {
  if (zp == nullptr) return std::vector<std::int32_t>(count, 0);
  std::vector<std::int32_t> out;
  for (std::int64_t v : zp->to_int64s()) out.push_back(static_cast<std::int32_t>(v));
  return out;
}

// The dequantized float constant of DequantizeLinear(x, scale, zero_point) with constant operands,
// element by element as the ONNX operator (float(q) - float(zp)) * scale.
ModelQuantization::Constant dequantize_constant(const Node& node, const Tensor& x, const Tensor& scale, const Tensor* zp,
                                                Tensor& result) {
  ModelQuantization::Constant c;
  c.dtype = x.dtype();
  if (scale.dtype() != DType::float32) refuse("DequantizeLinear with a non-float32 scale", node.where());
  const auto s = scale.data<float>();
  c.scales.assign(s.begin(), s.end());
  c.zero_points = zero_points_of(zp, c.scales.size());
  if (c.zero_points.size() != c.scales.size()) refuse("DequantizeLinear whose zero point and scale differ in size", node.where());
  const graph::Shape& shape = x.shape();
  std::int64_t axis = node.get_int("axis", 1);
  if (axis < 0) axis += static_cast<std::int64_t>(shape.size());
  std::int64_t inner = 1, length = 1;
  if (c.scales.size() > 1) {
    if (axis >= 0 && axis < static_cast<std::int64_t>(shape.size()) &&
        shape[static_cast<std::size_t>(axis)] == static_cast<std::int64_t>(c.scales.size())) {
      length = shape[static_cast<std::size_t>(axis)];
      for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
    } else {
      refuse(fmt::format("DequantizeLinear with {} scales on axis {} of a {} tensor", c.scales.size(), axis,
                         graph::shape_to_string(shape)),
             node.where());
    }
  }
  c.axis = axis;
  const auto q = x.to_int64s();
  std::vector<float> values(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    const auto ch = static_cast<std::size_t>((static_cast<std::int64_t>(i) / inner) % length);
    values[i] = (static_cast<float>(q[i]) - static_cast<float>(c.zero_points[ch])) * c.scales[ch];
  }
  result = Tensor::from<float>(shape, values);
  return c;
}

// A scalar int8/uint8 quantization parameter pair; uint8 becomes int8 by moving the zero point
// by -128 (real = s * (q - zp) holds for q - 128 and zp - 128, saturation included).
std::optional<ModelQuantization::Activation> scalar_params(const Graph& g, const Node& node) {
  const Tensor* scale = constant_of(g, node, 1);
  const Tensor* zp = constant_of(g, node, 2);
  if (scale == nullptr || scale->dtype() != DType::float32 || scale->size() != 1) return std::nullopt;
  if (node.has_input(2) && (zp == nullptr || zp->size() != 1)) return std::nullopt;
  ModelQuantization::Activation a;
  a.scale = scale->data<float>()[0];
  if (zp != nullptr) {
    if (zp->dtype() != DType::int8 && zp->dtype() != DType::uint8) return std::nullopt;
    a.zero_point = static_cast<std::int32_t>(zp->to_int64s()[0]) - (zp->dtype() == DType::uint8 ? 128 : 0);
  } else if (node.op == "QuantizeLinear") {
    return std::nullopt;  // uint8 by default: handled only with an explicit zero point
  }
  if (!(a.scale > 0.0F) || !std::isfinite(a.scale)) return std::nullopt;
  return a;
}

void rename_uses(Graph& g, const std::string& from, const std::string& to) {
  for (auto& n : g.nodes)
    for (auto& in : n.inputs)
      if (in == from) in = to;
}

std::string fresh_name(const Graph& g, const std::string& base) {
  std::string name = base;
  for (int k = 2; g.find(name) != nullptr; ++k) name = base + "_" + std::to_string(k);
  return name;
}

// QLinearConv(x, xs, xz, w, ws, wz, ys, yz[, B]) / QLinearMatMul(a, as, az, b, bs, bz, ys, yz)
// with constant parameters: DequantizeLinear(x) → Conv/MatMul(DequantizeLinear(w), B·xs·ws) →
// QuantizeLinear(ys, yz), which is what the operator computes (ONNX defines it so). Returns
// how many nodes it rewrote.
std::size_t qlinear_to_qdq(Graph& g, ModelQuantization& model) {
  std::size_t count = 0;
  std::vector<Node> added;
  for (auto& node : g.nodes) {
    const bool conv = node.op == "QLinearConv";
    if (!conv && node.op != "QLinearMatMul") continue;
    bool constant = true;
    for (std::size_t i = 1; i < node.inputs.size(); ++i) constant = constant && (i == 8 || constant_of(g, node, i) != nullptr);
    if (conv && node.has_input(8) && constant_of(g, node, 8) == nullptr) constant = false;
    if (!constant || node.inputs.size() < 8) continue;
    const Tensor& w = *constant_of(g, node, 3);
    const Tensor& w_scale = *constant_of(g, node, 4);
    const Tensor& x_scale = *constant_of(g, node, 1);
    if (x_scale.dtype() != DType::float32 || x_scale.size() != 1 || w_scale.dtype() != DType::float32)
      refuse(node.op + " with scales other than float32 (a per-tensor input scale, float32 weight scales)", node.where());
    // Weights: per output channel on axis 0 (Conv) or per column on the last axis (MatMul).
    Node dq{"DequantizeLinear", node.name + "_weights", {}, {}, {}};
    dq.attributes["axis"] = conv ? std::int64_t{0} : static_cast<std::int64_t>(w.shape().size()) - 1;
    Tensor w_float;
    ModelQuantization::Constant wc = dequantize_constant(dq, w, w_scale, constant_of(g, node, 5), w_float);
    const std::string w_name = fresh_name(g, node.input(3) + "_dequantized");
    g.add_value({w_name, DType::float32, w.shape(), true, std::move(w_float)});
    model.constants[w_name] = wc;
    std::vector<std::string> inputs{fresh_name(g, node.input(0) + "_dequantized"), w_name};
    const graph::Value& x = g.value(node.input(0));
    g.add_value({inputs[0], DType::float32, x.shape, x.shape_known, std::nullopt});
    added.push_back(Node{"DequantizeLinear", node.name + "_dequantize_input", {node.input(0), node.input(1), node.input(2)},
                         {inputs[0]}, {}});
    if (conv && node.has_input(8)) {
      // The int32 bias is at scale xs * ws[c] (computed in float32, as the operator's reference).
      const auto b = constant_of(g, node, 8)->to_int64s();
      std::vector<float> bias(b.size());
      for (std::size_t c = 0; c < b.size(); ++c)
        bias[c] = static_cast<float>(b[c]) * (x_scale.data<float>()[0] * wc.scales[wc.scales.size() == 1 ? 0 : c]);
      const std::string b_name = fresh_name(g, node.input(8) + "_dequantized");
      g.add_value({b_name, DType::float32, {static_cast<std::int64_t>(bias.size())}, true,
                   Tensor::from<float>({static_cast<std::int64_t>(bias.size())}, bias)});
      inputs.push_back(b_name);
    }
    const graph::Value& y = g.value(node.outputs[0]);
    const std::string y_float = fresh_name(g, node.outputs[0] + "_float");
    g.add_value({y_float, DType::float32, y.shape, y.shape_known, std::nullopt});
    added.push_back(Node{"QuantizeLinear", node.name + "_quantize_output", {y_float, node.input(6), node.input(7)},
                         {node.outputs[0]}, {}});
    node = Node{conv ? "Conv" : "MatMul", node.name, inputs, {y_float}, conv ? node.attributes : decltype(node.attributes){}};
    ++count;
  }
  for (auto& n : added) g.nodes.push_back(std::move(n));
  if (count) g.sort();
  return count;
}

// QLinearConv / QLinearMatMul whose weights, scales or zero points are run-time inputs: the
// integer product runs on the PL (ConvInteger / MatMulInteger: zero points subtracted, int32
// sums) and its output stage on the PS (QLinearRequantize: the operator's own float rescale,
// rounding and saturation), since scales known only at run time cannot become the fixed
// requantization (M, R) of an int8 layer.
void qlinear_to_integer(Graph& g) {
  std::vector<Node> added;
  for (auto& node : g.nodes) {
    const bool conv = node.op == "QLinearConv";
    if ((!conv && node.op != "QLinearMatMul") || node.inputs.size() < 8) continue;
    bool float_scales = true;
    for (std::size_t i : {1, 4, 6}) {
      const graph::Value* v = g.find(node.input(i));
      float_scales = float_scales && v != nullptr && v->dtype == DType::float32;
    }
    // The integer layers take run-time weights (ConvInteger/MatMulInteger); otherwise the
    // lowering names what it cannot run.
    if (!float_scales || g.is_constant(node.input(3))) continue;
    if (!conv && (g.value(node.input(0)).shape.size() != 2 || g.value(node.input(3)).shape.size() != 2)) continue;
    const graph::Value& y = g.value(node.outputs[0]);
    const std::string acc = fresh_name(g, node.outputs[0] + "_accumulator");
    g.add_value({acc, DType::int32, y.shape, y.shape_known, std::nullopt});
    std::vector<std::string> requant_inputs{acc, node.input(1), node.input(4), node.input(6), node.input(7)};
    if (conv && node.has_input(8)) requant_inputs.push_back(node.input(8));
    added.push_back(Node{"QLinearRequantize", node.name + "_requantize", requant_inputs, {node.outputs[0]}, {}});
    node = Node{conv ? "ConvInteger" : "MatMulInteger", node.name, {node.input(0), node.input(3), node.input(2), node.input(5)},
                {acc}, conv ? node.attributes : decltype(node.attributes){}};
  }
  if (added.empty()) return;
  for (auto& n : added) g.nodes.push_back(std::move(n));
  g.sort();
}

}  // namespace

void refuse_as_given(const std::string& what, const std::string& where) {
  throw Error(ErrorCode::unsupported, "unsupported: " + what, where);
}

ModelQuantization strip_qdq(Graph& g) {
  ModelQuantization model;
  const bool rewritten = qlinear_to_qdq(g, model) > 0;
  qlinear_to_integer(g);  // what stays QLinear has run-time parameters
  model.activations_quantized = rewritten;
  std::set<std::size_t> dead;
  // Constants stored quantized: their float values, with the quantization recorded.
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& node = g.nodes[i];
    if (node.op != "DequantizeLinear") continue;
    const Tensor* x = constant_of(g, node, 0);
    const Tensor* scale = constant_of(g, node, 1);
    if (x == nullptr || scale == nullptr || (node.has_input(2) && constant_of(g, node, 2) == nullptr)) continue;
    Tensor value;
    ModelQuantization::Constant c = dequantize_constant(node, *x, *scale, constant_of(g, node, 2), value);
    graph::Value& out = g.value(node.outputs[0]);
    out.constant = std::move(value);
    out.dtype = DType::float32;
    out.shape = x->shape();
    out.shape_known = true;
    model.constants[out.name] = std::move(c);
    dead.insert(i);
  }
  // Activation pairs QuantizeLinear → DequantizeLinear with the same scalar parameters.
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& q = g.nodes[i];
    if (q.op != "QuantizeLinear" || dead.count(i) || g.is_constant(q.input(0))) continue;
    const auto params = scalar_params(g, q);
    if (!params || g.is_output(q.outputs[0])) continue;
    const auto readers = g.consumers(q.outputs[0]);
    const bool pairs = !readers.empty() && std::all_of(readers.begin(), readers.end(), [&](std::size_t r) {
      const Node& d = g.nodes[r];
      const auto p = d.op == "DequantizeLinear" ? scalar_params(g, d) : std::nullopt;
      return p && p->scale == params->scale && p->zero_point == params->zero_point && d.get_int("axis", 1) == q.get_int("axis", 1);
    });
    if (!pairs) continue;
    std::string x = q.input(0);
    model.activations[x] = *params;
    model.activations_quantized = true;
    dead.insert(i);
    for (std::size_t r : readers) {
      dead.insert(r);
      const std::string restored = g.nodes[r].outputs[0];
      if (g.is_output(restored)) {
        // The graph output keeps its name: the value the pair quantized takes it.
        const auto producer = g.producer(x);
        if (!producer || g.is_output(x)) {
          rename_uses(g, restored, x);
          std::replace(g.outputs.begin(), g.outputs.end(), restored, x);
          continue;
        }
        graph::Value v = g.value(x);
        g.erase_value(restored);
        g.erase_value(x);
        v.name = restored;
        g.add_value(std::move(v));
        for (auto& o : g.nodes[*producer].outputs)
          if (o == x) o = restored;
        rename_uses(g, x, restored);
        model.activations[restored] = *params;
        x = restored;
      } else {
        rename_uses(g, restored, x);
      }
    }
  }
  // Lone DequantizeLinear of a run-time value / lone QuantizeLinear: the float value on the
  // other side has exactly their parameters.
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (dead.count(i) || (n.op != "DequantizeLinear" && n.op != "QuantizeLinear") || g.is_constant(n.input(0))) continue;
    const auto params = scalar_params(g, n);
    const std::string& value = n.op == "QuantizeLinear" ? n.input(0) : n.outputs[0];
    if (params && !model.activations.count(value)) model.activations[value] = *params;
  }
  if (dead.empty() && !rewritten) return model;
  std::vector<Node> kept;
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (!dead.count(i)) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  graph::optimize(g);
  g.sort();
  g.validate();
  return model;
}

}  // namespace zynqnn::compiler
