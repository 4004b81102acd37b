#include "zynqnn/graph/infer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>

#include "axes_ops.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::graph {
namespace {

constexpr std::array<std::string_view, 38> kSupportedOps = {
    "Conv", "Gemm", "MatMul", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "MaxPool",
    "AveragePool",
    "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization", "Flatten", "Reshape", "Transpose",
    "Add", "Mul", "Concat", "Pad", "Softmax", "Identity", "Dropout", "QuantizeLinear",
    "DequantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
    "Squeeze", "Unsqueeze", "ReduceMean",
    // zynqnn operators (not in ONNX): produced by the importer and the quantizer.
    "ChannelAffine", "QConv", "QGemm", "QLinearRequantize"};

[[noreturn]] void bad(const Node& node, const std::string& why) {
  throw Error(ErrorCode::invalid_argument, why, node.where());
}

class Context {
 public:
  Context(const Node& node, std::span<const ValueInfo> inputs) : node_(node), inputs_(inputs) {}

  bool present(std::size_t i) const { return i < inputs_.size() && inputs_[i].present; }
  const ValueInfo& in(std::size_t i) const {
    if (!present(i)) bad(node_, fmt::format("input {} is missing", i));
    return inputs_[i];
  }
  const Shape& shape(std::size_t i) const { return in(i).shape; }
  DType dtype(std::size_t i) const { return in(i).dtype; }
  void require_inputs(std::size_t minimum, std::size_t maximum) const {
    std::size_t count = inputs_.size();
    while (count > 0 && !inputs_[count - 1].present) --count;
    if (count < minimum || count > maximum)
      bad(node_, fmt::format("{} inputs, expected {}..{}", count, minimum, maximum));
    for (std::size_t i = 0; i < minimum; ++i) (void)in(i);
  }
  void require_dtype(std::size_t i, std::initializer_list<DType> allowed) const {
    const DType t = dtype(i);
    if (std::find(allowed.begin(), allowed.end(), t) == allowed.end())
      throw_unsupported(node_, fmt::format("{} input '{}'", to_string(t), node_.input(i)));
  }
  void require_same_dtype(std::size_t i, std::size_t j) const {
    if (dtype(i) != dtype(j))
      bad(node_, fmt::format("inputs {} ({}) and {} ({}) differ in type", i, to_string(dtype(i)), j,
                             to_string(dtype(j))));
  }
  void require_scalar_or_vector(std::size_t i, std::int64_t length) const {
    const Shape& s = shape(i);
    const bool ok = s.empty() || (s.size() == 1 && (s[0] == 1 || s[0] == length));
    if (!ok) bad(node_, fmt::format("input {} has shape {}, expected a scalar or [{}]", i,
                                    shape_to_string(s), length));
  }
  // Input i (if present) holds exactly one element, or one per channel when `channels` > 0.
  void require_count(std::size_t i, std::int64_t channels, std::string_view what) const {
    if (!present(i)) return;
    const std::int64_t n = element_count(shape(i), node_.where());
    if (n != 1 && !(channels > 0 && n == channels && shape(i).size() == 1)) {
      if (channels > 0 && n > 1)
        bad(node_, fmt::format("{} has {} elements, expected 1 or {}", what, n, channels));
      if (n > 1) throw_unsupported(node_, fmt::format("{} with more than one element", what));
      bad(node_, fmt::format("{} has no element", what));
    }
  }
  const Tensor* data(std::size_t i) const { return present(i) ? inputs_[i].data : nullptr; }
  const Node& node() const { return node_; }

 private:
  const Node& node_;
  std::span<const ValueInfo> inputs_;
};

std::int64_t normalize_axis(const Node& node, std::int64_t axis, std::size_t rank, bool inclusive = false) {
  const auto r = static_cast<std::int64_t>(rank);
  const std::int64_t upper = inclusive ? r : r - 1;
  if (axis < -r || axis > upper)
    bad(node, fmt::format("axis {} is outside the range of a rank-{} tensor", axis, rank));
  return axis < 0 ? axis + r : axis;
}

Shape broadcast(const Node& node, const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const std::int64_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1)
      bad(node, fmt::format("shapes {} and {} do not broadcast", shape_to_string(a), shape_to_string(b)));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// Output element type, which never depends on shapes.
DType output_dtype(const Context& c) {
  const std::string& op = c.node().op;
  if (op == "ConvInteger" || op == "MatMulInteger") return DType::int32;
  if (op == "DequantizeLinear") return DType::float32;
  if (op == "QuantizeLinear") return c.present(2) ? c.dtype(2) : DType::uint8;
  if (op == "QLinearConv" || op == "QLinearMatMul") return c.dtype(7);
  if (op == "QLinearRequantize") return c.dtype(4);
  if (op == "QConv" || op == "QGemm") return DType::int8;
  return c.dtype(0);
}

Shape matmul_shape(const Node& node, Shape a, Shape b) {
  if (a.empty() || b.empty()) bad(node, "MatMul of a scalar");
  const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
  if (a_vector) a.insert(a.begin(), 1);
  if (b_vector) b.push_back(1);
  if (a.back() != b[b.size() - 2])
    bad(node, fmt::format("inner dimensions differ: {} x {}", shape_to_string(a), shape_to_string(b)));
  const Shape batch = broadcast(node, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  Shape out = batch;
  if (!a_vector) out.push_back(a[a.size() - 2]);
  if (!b_vector) out.push_back(b.back());
  return out;
}

std::vector<OutputInfo> infer_known(const Context& c, std::int64_t opset) {
  const Node& node = c.node();
  const std::string& op = node.op;
  const DType out_type = output_dtype(c);
  auto one = [&](Shape shape) { return std::vector<OutputInfo>{{out_type, std::move(shape), true}}; };

  if (op == "Relu" || op == "Identity") {
    c.require_inputs(1, 1);
    return one(c.shape(0));
  }
  if (op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh" || op == "HardSwish" || op == "HardSigmoid") {
    c.require_inputs(1, 1);
    c.require_dtype(0, {DType::float32});
    return one(c.shape(0));
  }
  if (op == "Dropout") {
    c.require_inputs(1, 3);
    if (node.outputs.size() > 1 && !node.outputs[1].empty()) throw_unsupported(node, "mask output");
    if (c.present(2)) {
      const Tensor* training = c.data(2);
      if (training == nullptr) throw_unsupported(node, "training_mode given at run time");
      c.require_count(2, 0, "training_mode");
      if (training->to_doubles()[0] != 0.0) throw_unsupported(node, "training_mode=1");
    }
    return one(c.shape(0));
  }
  if (op == "QLinearRequantize") {
    c.require_inputs(5, 6);
    c.require_dtype(0, {DType::int32});
    for (std::size_t i : {1, 2, 3}) c.require_dtype(i, {DType::float32});
    c.require_dtype(4, {DType::int8, DType::uint8});
    const std::int64_t w_scales = element_count(c.shape(2), node.where());
    const Shape& acc = c.shape(0);
    if (w_scales != 1 && (acc.size() < 2 || acc[1] != w_scales)) bad(node, "one weight scale, or one per channel (axis 1)");
    if (element_count(c.shape(1), node.where()) != 1 || element_count(c.shape(3), node.where()) != 1 ||
        element_count(c.shape(4), node.where()) != 1)
      bad(node, "the input and output scales and the output zero point are scalars");
    if (c.present(5)) {
      c.require_dtype(5, {DType::int32});
      const std::int64_t channels = acc.size() >= 2 ? acc[1] : 1;
      if (element_count(c.shape(5), node.where()) != channels) bad(node, "one int32 bias per channel (axis 1)");
    }
    return one(acc);
  }
  if (op == "Clip") {
    c.require_inputs(1, 3);
    c.require_dtype(0, {DType::float32, DType::int8, DType::uint8, DType::int32, DType::int64});
    for (std::size_t i = 1; i < 3; ++i)
      if (c.present(i)) {
        c.require_same_dtype(0, i);
        if (element_count(c.shape(i), node.where()) != 1) bad(node, "Clip bounds must be scalars");
      }
    return one(c.shape(0));
  }
  if (op == "Add" || op == "Mul") {
    c.require_inputs(2, 2);
    c.require_dtype(0, {DType::float32, DType::int8, DType::uint8, DType::int32, DType::int64});
    c.require_same_dtype(0, 1);
    return one(broadcast(node, c.shape(0), c.shape(1)));
  }
  if (op == "Conv" || op == "ConvInteger" || op == "QLinearConv" || op == "QConv") {
    const std::size_t w = op == "QLinearConv" ? 3 : 1;
    if (op == "Conv") {
      c.require_inputs(2, 3);
      c.require_dtype(0, {DType::float32});
      c.require_same_dtype(0, 1);
    } else if (op == "ConvInteger") {
      c.require_inputs(2, 4);
      c.require_dtype(0, {DType::int8, DType::uint8});
      c.require_dtype(1, {DType::int8, DType::uint8});
    } else if (op == "QLinearConv") {
      c.require_inputs(8, 9);
      c.require_dtype(0, {DType::int8, DType::uint8});
      c.require_dtype(3, {DType::int8, DType::uint8});
      c.require_dtype(7, {DType::int8, DType::uint8});
      for (std::size_t s : {1, 4, 6}) c.require_dtype(s, {DType::float32});
    } else {
      c.require_inputs(5, 5);
      c.require_dtype(0, {DType::int8});
      c.require_dtype(1, {DType::int8});
    }
    const ConvParams p = conv_params(node, c.shape(0), c.shape(w));
    if (op == "ConvInteger") {
      c.require_count(2, 0, "x_zero_point");
      c.require_count(3, p.out_channels, "w_zero_point");
    } else if (op == "QLinearConv") {
      for (std::size_t i : {1, 2, 6, 7}) c.require_count(i, 0, node.input(i));
      for (std::size_t i : {4, 5}) c.require_count(i, p.out_channels, node.input(i));
    }
    const std::size_t bias = op == "QLinearConv" ? 8 : op == "Conv" || op == "QConv" ? 2 : 99;
    if (bias != 99 && c.present(bias)) {
      if (c.shape(bias) != Shape{p.out_channels})
        bad(node, fmt::format("bias shape {} is not [{}]", shape_to_string(c.shape(bias)), p.out_channels));
      c.require_dtype(bias, {op == "Conv" ? DType::float32 : DType::int32});
    }
    if (op == "QConv") {
      for (std::size_t i : {3, 4}) {
        c.require_dtype(i, {DType::int32});
        c.require_scalar_or_vector(i, p.out_channels);
      }
      if (c.shape(3) != c.shape(4)) bad(node, "multiplier and shift differ in shape");
    }
    return one(p.output_shape());
  }
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    c.require_inputs(1, 1);
    if (node.outputs.size() > 1 && !node.outputs[1].empty()) throw_unsupported(node, "Indices output");
    if (op == "MaxPool" || op == "GlobalMaxPool")
      c.require_dtype(0, {DType::float32, DType::int8, DType::uint8});
    else
      c.require_dtype(0, {DType::float32});
    const PoolParams p = pool_params(node, c.shape(0));
    return one(p.output_shape());
  }
  if (op == "Gemm" || op == "QGemm") {
    if (op == "Gemm") {
      c.require_inputs(2, 3);
      c.require_dtype(0, {DType::float32});
      c.require_same_dtype(0, 1);
    } else {
      c.require_inputs(5, 5);
      c.require_dtype(0, {DType::int8});
      c.require_dtype(1, {DType::int8});
      c.require_dtype(2, {DType::int32});
    }
    const GemmParams p = gemm_params(node, c.shape(0), c.shape(1));
    if (c.present(2)) {
      const Shape target{p.m, p.n};
      if (broadcast(node, c.shape(2), target) != target)
        bad(node, fmt::format("C {} does not broadcast to {}", shape_to_string(c.shape(2)), shape_to_string(target)));
      if (op == "Gemm") c.require_same_dtype(0, 2);
    }
    if (op == "QGemm") {
      if (!p.trans_b || p.trans_a || p.alpha != 1.0F || p.beta != 1.0F) bad(node, "QGemm takes transB=1 only");
      if (c.shape(2) != Shape{p.n}) bad(node, fmt::format("bias must have shape [{}]", p.n));
      for (std::size_t i : {3, 4}) {
        c.require_dtype(i, {DType::int32});
        c.require_scalar_or_vector(i, p.n);
      }
      if (c.shape(3) != c.shape(4)) bad(node, "multiplier and shift differ in shape");
    }
    return one({p.m, p.n});
  }
  if (op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul") {
    std::size_t b = 1;
    if (op == "MatMul") {
      c.require_inputs(2, 2);
      c.require_dtype(0, {DType::float32});
      c.require_same_dtype(0, 1);
    } else if (op == "MatMulInteger") {
      c.require_inputs(2, 4);
      c.require_dtype(0, {DType::int8, DType::uint8});
      c.require_dtype(1, {DType::int8, DType::uint8});
    } else {
      c.require_inputs(8, 8);
      b = 3;
      c.require_dtype(0, {DType::int8, DType::uint8});
      c.require_dtype(3, {DType::int8, DType::uint8});
      c.require_dtype(7, {DType::int8, DType::uint8});
      for (std::size_t s : {1, 4, 6}) c.require_dtype(s, {DType::float32});
    }
    const Shape out = matmul_shape(node, c.shape(0), c.shape(b));
    const std::int64_t n = c.shape(b).size() == 1 ? 1 : c.shape(b).back();
    if (op == "MatMulInteger") {
      c.require_count(2, 0, "a_zero_point");
      c.require_count(3, n, "b_zero_point");
    } else if (op == "QLinearMatMul") {
      for (std::size_t i : {1, 2, 4, 6, 7}) c.require_count(i, 0, node.input(i));
      c.require_count(5, n, node.input(5));
    }
    return one(out);
  }
  if (op == "BatchNormalization" || op == "ChannelAffine") {
    const std::size_t count = op == "ChannelAffine" ? 3 : 5;
    c.require_inputs(count, count);
    if (node.get_int("training_mode", 0) != 0) throw_unsupported(node, "training_mode=1");
    if (node.outputs.size() > 1) throw_unsupported(node, "running statistics outputs");
    if (node.has("spatial") && node.get_int("spatial", 1) != 1) throw_unsupported(node, "spatial=0");
    for (std::size_t i = 0; i < count; ++i) c.require_dtype(i, {DType::float32});
    if (c.shape(0).size() < 2) bad(node, "input needs a channel axis");
    for (std::size_t i = 1; i < count; ++i)
      if (c.shape(i) != Shape{c.shape(0)[1]})
        bad(node, fmt::format("input {} has shape {}, expected [{}]", i, shape_to_string(c.shape(i)), c.shape(0)[1]));
    return one(c.shape(0));
  }
  if (op == "Flatten") {
    c.require_inputs(1, 1);
    const Shape& s = c.shape(0);
    const std::int64_t axis = normalize_axis(node, node.get_int("axis", 1), s.size(), true);
    std::int64_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < s.size(); ++i) (static_cast<std::int64_t>(i) < axis ? outer : inner) *= s[i];
    return one({outer, inner});
  }
  if (op == "Reshape") {
    c.require_inputs(2, 2);
    c.require_dtype(1, {DType::int64});
    const Tensor* target = c.data(1);
    if (target == nullptr) return {{out_type, {}, false}};
    if (target->rank() != 1) bad(node, "shape input must be 1-D");
    const bool allow_zero = opset >= 14 && node.get_int("allowzero", 0) != 0;
    const Shape& in = c.shape(0);
    Shape out = target->to_int64s();
    if (out.size() > kMaxRank) bad(node, fmt::format("rank {} is above the limit {}", out.size(), kMaxRank));
    std::int64_t known = 1;
    std::optional<std::size_t> inferred;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == 0 && !allow_zero) {
        if (i >= in.size()) bad(node, fmt::format("0 at position {} has no input dimension to copy", i));
        out[i] = in[i];
      }
      if (out[i] == -1) {
        if (inferred) bad(node, "more than one -1 in the shape");
        inferred = i;
        continue;
      }
      if (out[i] < 0 || out[i] > kMaxDimension) bad(node, fmt::format("dimension {} is invalid", out[i]));
      known *= out[i];
      if (known > kMaxElements) bad(node, "shape is too large");
    }
    const std::int64_t total = element_count(in, node.where());
    if (inferred) {
      if (known == 0 || total % known != 0)
        bad(node, fmt::format("cannot infer -1 reshaping {} to {}", shape_to_string(in), shape_to_string(target->to_int64s())));
      out[*inferred] = total / known;
    } else if (known != total) {
      bad(node, fmt::format("cannot reshape {} ({} elements) to {}", shape_to_string(in), total, shape_to_string(out)));
    }
    return one(out);
  }
  if (op == "Transpose") {
    c.require_inputs(1, 1);
    const Shape& s = c.shape(0);
    std::vector<std::int64_t> reverse(s.size());
    std::iota(reverse.rbegin(), reverse.rend(), 0);
    const auto perm = node.get_ints("perm", reverse);
    if (perm.size() != s.size()) bad(node, "perm has the wrong length");
    std::vector<bool> seen(s.size(), false);
    Shape out(s.size());
    for (std::size_t i = 0; i < perm.size(); ++i) {
      if (perm[i] < 0 || perm[i] >= static_cast<std::int64_t>(s.size()) || seen[perm[i]])
        bad(node, "perm is not a permutation");
      seen[perm[i]] = true;
      out[i] = s[perm[i]];
    }
    return one(out);
  }
  if (op == "Concat") {
    if (node.inputs.empty()) bad(node, "Concat without inputs");
    for (std::size_t i = 0; i < node.inputs.size(); ++i) (void)c.in(i);
    Shape out = c.shape(0);
    if (!node.has("axis")) bad(node, "attribute 'axis' is missing");
    const std::int64_t axis = normalize_axis(node, node.get_int("axis", 0), out.size());
    for (std::size_t i = 1; i < node.inputs.size(); ++i) {
      c.require_same_dtype(0, i);
      const Shape& s = c.shape(i);
      if (s.size() != out.size()) bad(node, "inputs differ in rank");
      for (std::size_t d = 0; d < s.size(); ++d)
        if (static_cast<std::int64_t>(d) != axis && s[d] != out[d]) bad(node, "inputs differ outside the axis");
      out[axis] += s[axis];
      if (out[axis] > kMaxDimension) bad(node, "concatenated axis is too large");
    }
    return one(out);
  }
  if (op == "Pad") {
    const std::string mode = node.get_string("mode", "constant");
    if (mode != "constant" && mode != "reflect" && mode != "edge") throw_unsupported(node, fmt::format("mode '{}'", mode));
    const Shape& s = c.shape(0);
    std::vector<std::int64_t> pads;
    if (opset < 11) {
      c.require_inputs(1, 1);
      pads = node.get_ints("pads", {});
    } else {
      c.require_inputs(2, 4);
      c.require_dtype(1, {DType::int64});
      if (c.present(2)) c.require_same_dtype(0, 2);
      const Tensor* p = c.data(1);
      if (c.present(3)) c.require_dtype(3, {DType::int64, DType::int32});
      if (c.present(2)) c.require_count(2, 0, "constant_value");
      if (p == nullptr || (c.present(3) && c.data(3) == nullptr)) return {{out_type, {}, false}};
      pads = p->to_int64s();
      if (c.present(3)) {
        const auto axes = c.data(3)->to_int64s();
        if (pads.size() != 2 * axes.size()) bad(node, "pads does not have two values per axis");
        std::vector<std::int64_t> full(2 * s.size(), 0);
        for (std::size_t i = 0; i < axes.size(); ++i) {
          const auto a = static_cast<std::size_t>(normalize_axis(node, axes[i], s.size()));
          full[a] = pads[i];
          full[a + s.size()] = pads[i + axes.size()];
        }
        pads = full;
      }
    }
    if (pads.size() != 2 * s.size()) bad(node, fmt::format("pads has {} values for rank {}", pads.size(), s.size()));
    Shape out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::int64_t begin = pads[i], end = pads[i + s.size()];
      if (std::abs(begin) > kMaxDimension || std::abs(end) > kMaxDimension) bad(node, "pad is too large");
      out[i] = s[i] + begin + end;
      if (out[i] < 0) bad(node, "negative pads remove more than the axis holds");
      if (mode != "constant" && (begin > 0 || end > 0) && s[i] == 0) bad(node, "cannot pad an empty axis");
      if (mode == "reflect" && (begin >= s[i] || end >= s[i]) && (begin > 0 || end > 0))
        throw_unsupported(node, "reflect pad not smaller than the axis");
    }
    return one(out);
  }
  if (op == "Softmax") {
    c.require_inputs(1, 1);
    c.require_dtype(0, {DType::float32});
    (void)normalize_axis(node, node.get_int("axis", opset < 13 ? 1 : -1), c.shape(0).size());
    return one(c.shape(0));
  }
  if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    c.require_inputs(2, 3);
    if (node.get_int("block_size", 0) != 0) throw_unsupported(node, "blocked quantization");
    if (node.has("output_dtype")) throw_unsupported(node, "output_dtype attribute");
    if (node.get_int("saturate", 1) != 1) throw_unsupported(node, "saturate=0");
    if (op == "QuantizeLinear") {
      c.require_dtype(0, {DType::float32, DType::int32});
      if (c.present(2)) c.require_dtype(2, {DType::int8, DType::uint8});
    } else {
      c.require_dtype(0, {DType::int8, DType::uint8, DType::int32});
      if (c.present(2)) c.require_same_dtype(0, 2);
    }
    c.require_dtype(1, {DType::float32});
    const Shape& s = c.shape(0);
    const Shape& scale = c.shape(1);
    // One value of shape [] or [1] is the same per-tensor quantization (onnxruntime's
    // quantize_static writes a bias scale of [1] with a zero point of []).
    const auto per_tensor = [](const Shape& p) { return p.empty() || (p.size() == 1 && p[0] == 1); };
    if (!per_tensor(scale)) {
      if (scale.size() != 1) bad(node, "scale must be a scalar or 1-D");
      const std::int64_t axis = normalize_axis(node, node.get_int("axis", 1), s.size());
      if (scale[0] != s[axis]) bad(node, fmt::format("{} scales for axis {} of size {}", scale[0], axis, s[axis]));
    }
    if (c.present(2) && c.shape(2) != scale && !(per_tensor(c.shape(2)) && per_tensor(scale)))
      bad(node, "zero point and scale differ in shape");
    return one(s);
  }
  throw_unsupported(node, "operator not implemented");
}

}  // namespace

void throw_unsupported(const Node& node, std::string_view why) {
  throw Error(ErrorCode::unsupported, fmt::format("unsupported: {} ({}) at node {}", node.op, why, node.name));
}

bool is_supported_op(std::string_view op) {
  return std::find(kSupportedOps.begin(), kSupportedOps.end(), op) != kSupportedOps.end();
}

std::vector<OutputInfo> infer_node(const Node& node, std::span<const ValueInfo> inputs, std::int64_t opset) {
  if (!is_supported_op(node.op)) throw_unsupported(node, "operator not implemented");
  if (node.outputs.empty() || node.outputs[0].empty()) bad(node, "node has no output");
  if (is_axes_op(node.op)) {
    if (inputs.empty() || !inputs[0].present) bad(node, "input 0 is missing");
    if (!inputs[0].shape_known) return {{inputs[0].dtype, {}, false}};
    return {infer_axes_op(node, inputs, opset)};
  }
  const Context c(node, inputs);
  bool all_known = true;
  for (const auto& in : inputs)
    if (in.present && !in.shape_known) all_known = false;
  if (!all_known) {
    (void)c.in(0);
    return {{output_dtype(c), {}, false}};
  }
  auto outputs = infer_known(c, opset);
  for (const auto& out : outputs) (void)element_count(out.shape, node.where());
  return outputs;
}

}  // namespace zynqnn::graph
