// Gemm / MatMul (2-D): the matrix-vector unit with M rows as M pixels; run-time B packed by the
// host, run-time C as an elementwise add after the unit.
#include "compiler/layers/context.hpp"
#include "compiler/layers/kind.hpp"
#include "compiler/layers/registry.hpp"
#include "zynqnn/graph/ops.hpp"

namespace zynqnn::compiler::layers {
namespace {

graph::GemmParams dense_params(LoweringContext& ctx, const graph::Node& node) {
  if (node.op != "MatMul") return graph::gemm_params(ctx.graph(), node);
  graph::GemmParams p;
  const auto& a = ctx.value(node.input(0)).shape;
  const auto& b = ctx.value(node.input(1)).shape;
  if (a.size() != 2 || b.size() != 2) ctx.unsupported(node, "MatMul of other than 2-D operands");
  p.m = a[0];
  p.k = a[1];
  p.n = b[1];
  return p;
}

// Constant B as [n][j] weights, with column j in stream order: column j of the stream is ONNX
// column onnx_index(j) (a flattened NCHW tensor arrives NHWC).
std::vector<float> dense_weights(const std::vector<float>& bv, const graph::GemmParams& p, const ElementOrder& columns) {
  std::vector<float> weights(static_cast<std::size_t>(p.n * p.k));
  for (std::int64_t n = 0; n < p.n; ++n)
    for (std::int64_t j = 0; j < p.k; ++j) {
      const std::int64_t k = columns.onnx_index(j);
      const float v = p.trans_b ? bv[static_cast<std::size_t>(n * p.k + k)] : bv[static_cast<std::size_t>(k * p.n + n)];
      weights[static_cast<std::size_t>(n * p.k + j)] = p.alpha * v;
    }
  return weights;
}

// Run-time C: the host broadcasts beta*C to [M, N]; an elementwise add follows the MVU.
void add_runtime_bias(LoweringContext& ctx, const graph::Node& node, PlLayer& layer, const graph::GemmParams& p) {
  if (ctx.int8()) ctx.unsupported(node, "a run-time bias C with int8 precision");
  PlTensor mid = make_tensor(ctx.value(node.outputs[0]), ctx.identifier("s_" + node.name + "_product"));
  mid.value = node.outputs[0] + "\x01product";
  ctx.add_internal_stream(mid);
  layer.output = mid.value;
  HostPacking pk;
  pk.kind = HostPacking::Kind::broadcast;
  pk.shape = {p.m, p.n};
  pk.factor = p.beta;
  const std::string c_key = ctx.packed_input(node, node.input(2), pk, p.m, p.n, "bias");
  PlLayer& add = ctx.add_layer(LayerKind::eltwise, node);
  add.id = ctx.identifier("l_" + node.name + "_bias");
  add.ops = "Gemm(+C)";
  add.inputs = {mid.value, c_key};
  add.binary = BinaryOp::add;
  add.pixels = p.m;
  add.in_c = add.out_c = p.n;
  ctx.set_output(add, node);
}

void lower_dense(LoweringContext& ctx, const graph::Node& node) {
  const bool matmul = node.op == "MatMul";
  const graph::GemmParams p = dense_params(ctx, node);
  std::string a_key = node.input(0);
  if (p.trans_a) {  // the host transposes A before streaming it
    if (ctx.has_stream(a_key)) ctx.unsupported(node, "transA=1 of a tensor computed on the PL");
    HostPacking pk;
    pk.kind = HostPacking::Kind::transpose;
    a_key = ctx.packed_input(node, a_key, pk, p.m, p.k, "a_transposed");
  }
  const PlTensor& in = ctx.input(node, a_key);
  ctx.require_float(node, in);
  PlLayer& layer = ctx.add_layer(LayerKind::dense, node);
  layer.inputs = {a_key};
  layer.pixels = p.m;
  layer.in_c = p.k;
  layer.out_c = p.n;
  if (in.channels != p.k || in.pixels != p.m) ctx.unsupported(node, "A is not [M, K] on the stream");
  const ElementOrder columns = in.order;
  if (!ctx.is_constant(node.input(1))) {
    if (ctx.int8()) ctx.unsupported(node, "run-time weights with int8 precision");
    HostPacking pk;
    pk.kind = HostPacking::Kind::mvu_weights;
    pk.trans_b = p.trans_b;
    pk.out_c = p.n;
    pk.in_c = p.k;
    pk.factor = p.alpha;
    pk.columns = columns;
    layer.weight_port = ctx.packed_input(node, node.input(1), pk, 1, p.n * p.k, "weights");
  } else {
    layer.weights = dense_weights(as_floats(ctx.constant(node, 1)), p, columns);
  }
  layer.bias.assign(static_cast<std::size_t>(p.n), 0.0F);
  const bool has_c = !matmul && node.has_input(2) && p.beta != 0.0F;
  if (has_c && !ctx.is_constant(node.input(2))) return add_runtime_bias(ctx, node, layer, p);
  if (has_c) {
    const auto full = broadcast_to(ctx.constant(node, 2), {p.m, p.n}, node);
    bool rows_equal = true;
    for (std::int64_t n = 0; n < p.n; ++n)
      for (std::int64_t m = 1; m < p.m; ++m)
        rows_equal = rows_equal && full[static_cast<std::size_t>(m * p.n + n)] == full[static_cast<std::size_t>(n)];
    if (!rows_equal) ctx.unsupported(node, "a constant bias C that differs between rows");
    for (std::int64_t n = 0; n < p.n; ++n) layer.bias[static_cast<std::size_t>(n)] = p.beta * full[static_cast<std::size_t>(n)];
  }
  ctx.set_output(layer, node);
}

std::vector<std::size_t> host_prepared(const graph::Graph&, const graph::Node& node) {
  if (node.op == "Gemm" && node.get_int("transA", 0) != 0) return {0, 1, 2};
  return {1, 2};
}

}  // namespace

void register_dense(Registry& registry) {
  LayerRule rule;
  rule.name = "dense";
  rule.ops = {"Gemm", "MatMul"};
  rule.lower = lower_dense;
  rule.not_streamed = host_prepared;
  rule.rows = {{50, "Gemm / MatMul (2-D, constant or run-time B, alpha, beta, transA/transB, C constant or run-time)",
                "matrix_vector_unit (M rows = M pixels)",
                "run-time B is packed by the host and loaded once per frame; run-time C is an elementwise add; "
                "transA=1 only for an A from the host; refused: a constant C that differs between rows, run-time B "
                "or C with int8 precision"}};
  registry.add(std::move(rule));
  registry.add_kind({.kind = LayerKind::dense,
                     .name = "dense",
                     .describe = [](const PlLayer& l, est::LayerDesc& d, bool int8) {  // M rows: a 1x1 convolution over M pixels
                       d.kind = l.pixels == 1 ? est::StageKind::fully_connected : est::StageKind::conv;
                       d.in_h = static_cast<int>(l.pixels);
                       d.out_channels = static_cast<int>(l.out_c);
                       return int8;
                     },
                     .macs = [](const PlLayer& l) { return static_cast<std::uint64_t>(l.pixels * l.out_c * l.in_c); },
                     .emit = [](const PlLayer&, const PlTensor&, const std::string&, EmitContext& ctx) { ctx.enable("is_dense"); },
                     .matrix_vector = MatrixVector::dense,
                     .int8 = Int8Form::requantized});
}

}  // namespace zynqnn::compiler::layers
