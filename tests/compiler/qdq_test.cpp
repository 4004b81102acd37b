// Models quantized as given (QDQ): a graph built here with int8 per-channel weights, int32
// biases and QuantizeLinear/DequantizeLinear pairs, compiled onto the int8 layers with the
// model's own scales and zero points and run on the virtual board against the reference
// executor's run of the same QDQ graph; and the refusals. mnist-8 quantized by onnxruntime:
// qdq_mnist_test.cpp.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/qdq.hpp"
#include "compiler_test_util.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;
using graph::DType;
using graph::Tensor;
using testing::GraphBuilder;

Tensor scalar_f(float v) { return Tensor::scalar<float>(v); }
Tensor scalar_i8(std::int8_t v) { return Tensor::scalar<std::int8_t>(v); }

std::vector<std::int8_t> random_int8(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(d(rng));
  return v;
}

// A QuantizeLinear → DequantizeLinear pair on `value` with the parameters `params`.
void qdq_pair(GraphBuilder& b, const std::string& value, const std::string& params, const std::string& restored) {
  b.node({"QuantizeLinear", "q_" + value, {value, params + "_s", params + "_zp"}, {value + "_q"}, {}})
      .node({"DequantizeLinear", "dq_" + value, {value + "_q", params + "_s", params + "_zp"}, {restored}, {}});
}

// Per-channel int8 weights [oc, ...] on `axis` and an int32 bias at s_x * s_w, both through
// DequantizeLinear, as onnxruntime's quantize_static writes them.
void quantized_weights(GraphBuilder& b, const std::string& name, graph::Shape shape, std::int64_t axis, float x_scale,
                       float w_max, std::mt19937& rng) {
  const std::int64_t oc = shape[static_cast<std::size_t>(axis)];
  std::vector<float> scales(static_cast<std::size_t>(oc)), bias_scales(static_cast<std::size_t>(oc));
  std::vector<std::int32_t> bias(static_cast<std::size_t>(oc));
  std::uniform_real_distribution<float> s(0.5F, 1.0F);
  std::uniform_int_distribution<int> bq(-400, 400);
  for (std::size_t c = 0; c < scales.size(); ++c) {
    scales[c] = w_max * s(rng) / 127.0F;
    bias_scales[c] = x_scale * scales[c];
    bias[c] = bq(rng);
  }
  const std::size_t count = static_cast<std::size_t>(graph::element_count(shape, name));
  b.constant(name + "_q", Tensor::from<std::int8_t>(shape, random_int8(count, rng)))
      .constant(name + "_s", Tensor::from<float>({oc}, scales))
      .constant(name + "_zp", Tensor::from<std::int8_t>({oc}, std::vector<std::int8_t>(static_cast<std::size_t>(oc), 0)))
      .constant(name + "_bq", Tensor::from<std::int32_t>({oc}, bias))
      .constant(name + "_bs", Tensor::from<float>({oc}, bias_scales))
      .node({"DequantizeLinear", "dq_" + name, {name + "_q", name + "_s", name + "_zp"}, {name}, {{"axis", axis}}})
      .node({"DequantizeLinear", "dq_" + name + "_b", {name + "_bq", name + "_bs"}, {name + "_b"}, {{"axis", std::int64_t{0}}}});
}

// x (uint8 activations, zero point 131) → Conv 3x3 (+Relu) → MaxPool → Flatten → Gemm (transB):
// every activation through a QDQ pair, weights int8 per output channel. `mixed_shapes` gives
// x a scale of shape [1] with a zero point of shape [] and r the reverse, as onnxruntime's
// quantize_static writes some per-tensor parameters: the same quantization.
GraphBuilder qdq_network(std::mt19937& rng, bool mixed_shapes = false) {
  GraphBuilder b;
  const auto x_scale = 2.0F / 255.0F;
  b.input("x", {1, 2, 6, 6})
      .constant("x_s", mixed_shapes ? Tensor::from<float>({1}, {x_scale}) : scalar_f(x_scale))
      .constant("x_zp", Tensor::scalar<std::uint8_t>(131))
      .constant("r_s", scalar_f(4.0F / 255.0F))
      .constant("r_zp", mixed_shapes ? Tensor::from<std::int8_t>({1}, {-128}) : scalar_i8(-128))
      .constant("y_s", scalar_f(12.0F / 255.0F))
      .constant("y_zp", scalar_i8(5));
  qdq_pair(b, "x", "x", "xd");
  quantized_weights(b, "w1", {4, 2, 3, 3}, 0, 2.0F / 255.0F, 0.5F, rng);
  b.node({"Conv", "conv", {"xd", "w1", "w1_b"}, {"c"}, {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .node({"Relu", "relu", {"c"}, {"r"}, {}});
  qdq_pair(b, "r", "r", "rd");
  b.node({"MaxPool", "pool", {"rd"}, {"p"}, {{"kernel_shape", std::vector<std::int64_t>{2, 2}}, {"strides", std::vector<std::int64_t>{2, 2}}}});
  qdq_pair(b, "p", "r", "pd");
  b.node({"Flatten", "flat", {"pd"}, {"f"}, {}});
  qdq_pair(b, "f", "r", "fd");
  quantized_weights(b, "w2", {5, 36}, 0, 4.0F / 255.0F, 0.3F, rng);
  b.node({"Gemm", "fc", {"fd", "w2", "w2_b"}, {"g"}, {{"transB", std::int64_t{1}}}});
  qdq_pair(b, "g", "y", "y");
  b.output("y");
  return b;
}

TEST(Qdq, StripRecordsTheModelsQuantizationAndLeavesTheFloatGraph) {
  std::mt19937 rng(11);
  GraphBuilder b = qdq_network(rng);
  graph::Graph g = b.build();
  const ModelQuantization q = strip_qdq(g);
  for (const auto& n : g.nodes) EXPECT_TRUE(n.op != "QuantizeLinear" && n.op != "DequantizeLinear") << n.op << " " << n.name;
  ASSERT_TRUE(q.activations.count("x"));
  EXPECT_EQ(q.activations.at("x").zero_point, 131 - 128);  // uint8 moved onto int8
  EXPECT_FLOAT_EQ(q.activations.at("x").scale, 2.0F / 255.0F);
  ASSERT_TRUE(q.activations.count("y"));  // the graph output keeps its name
  EXPECT_EQ(q.activations.at("y").zero_point, 5);
  ASSERT_TRUE(q.constants.count("w1"));
  EXPECT_EQ(q.constants.at("w1").scales.size(), 4U);
  EXPECT_TRUE(g.is_constant("w1"));
  EXPECT_EQ(g.outputs, std::vector<std::string>{"y"});
}

// Bit for bit against the reference executor, on the PL's int8 layers.
void expect_bit_exact(const std::string& name, GraphBuilder& b, const CompileResult& compiled) {
  const graph::Graph g = b.build();
  auto runner = testing::runner_for(compiled, testing::work_dir(name));
  for (int k = 0; k < 4; ++k) {
    const auto inputs = b.random_inputs(-0.7F, 1.2F);
    const auto actual = runner.run(inputs).at("y");
    const auto expected = graph::Executor(g).run(inputs).at("y");
    ASSERT_EQ(actual.size(), expected.size());
    for (std::int64_t i = 0; i < actual.size(); ++i)
      EXPECT_EQ(actual.data<float>()[i], expected.data<float>()[i]) << name << " frame " << k << " element " << i;
  }
}

TEST(Qdq, PerTensorParametersOfShapeOneAndScalarAreTheSameQuantization) {
  std::mt19937 rng(11);
  GraphBuilder b = qdq_network(rng, true);
  const graph::Graph g = b.build();  // the shapes [1] and [] together pass inference
  EXPECT_EQ(g.value("x_s").shape, graph::Shape{1});
  EXPECT_EQ(g.value("x_zp").shape, graph::Shape{});
  const auto compiled = compile_graph(g, testing::options_for("qdq_mixed_shapes"));
  EXPECT_EQ(compiled.plan.precision.kind, PrecisionKind::int8);
  EXPECT_EQ(compiled.plan.quantization, "model");
  EXPECT_EQ(compiled.plan.tensor("x").zero_point, 3);
  EXPECT_FLOAT_EQ(compiled.plan.tensor("x").scale, 2.0F / 255.0F);
  expect_bit_exact("qdq_mixed_shapes", b, compiled);
}

TEST(Qdq, ConvPoolGemmRunsInt8WithTheModelsScalesBitExactAgainstTheReference) {
  std::mt19937 rng(11);
  GraphBuilder b = qdq_network(rng);
  const graph::Graph g = b.build();
  auto options = testing::options_for("qdq_chain");  // float32 asked: the model's int8 is taken
  const auto compiled = compile_graph(g, options);
  const LayerPlan& plan = compiled.plan;
  EXPECT_EQ(plan.precision.kind, PrecisionKind::int8);
  EXPECT_EQ(plan.quantization, "model");
  ASSERT_EQ(plan.layers.size(), 3U);
  // The weights are the model's int8 values (the Gemm's rows in stream order: C = 4, 3x3 pixels).
  const auto w1 = g.value("w1_q").constant->data<std::int8_t>();
  EXPECT_TRUE(std::equal(w1.begin(), w1.end(), plan.layers[0].qweights.begin()));
  // The int32 bias is the model's, with the input zero point folded in: b - zx * sum(w).
  const auto b1 = g.value("w1_bq").constant->data<std::int32_t>();
  for (std::size_t o = 0; o < 4; ++o) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < 18; ++i) sum += w1[o * 18 + i];
    EXPECT_EQ(plan.layers[0].qbias[o], b1[o] - 3 * sum) << o;
  }
  EXPECT_EQ(plan.tensor("x").zero_point, 3);
  EXPECT_FLOAT_EQ(plan.tensor("y").scale, 12.0F / 255.0F);
  auto runner = testing::runner_for(compiled, testing::work_dir("qdq_chain"));
  const float step = 12.0F / 255.0F;
  double worst = 0;
  int exact = 0, total = 0;
  for (int k = 0; k < 8; ++k) {
    const auto inputs = b.random_inputs(-0.7F, 1.2F);
    const auto actual = runner.run(inputs).at("y");
    const auto expected = graph::Executor(g).run(inputs).at("y");
    for (std::int64_t i = 0; i < actual.size(); ++i) {
      const double steps = std::fabs(actual.data<float>()[i] - expected.data<float>()[i]) / step;
      worst = std::max(worst, steps);
      exact += steps < 1e-3 ? 1 : 0;
      ++total;
    }
  }
  // Bit-exact in the integer domain: the same int8 results as the reference's QDQ arithmetic.
  EXPECT_EQ(worst, 0.0);
  EXPECT_EQ(exact, total);
  RecordProperty("max_steps", std::to_string(worst));
  RecordProperty("equal", std::to_string(exact) + "/" + std::to_string(total));
}

TEST(Qdq, RefusesWhatTheInt8LayersCannotExpressNamingIt) {
  std::mt19937 rng(3);
  // A max pool whose output scale differs from its input's needs a requantizing pool.
  {
    GraphBuilder b;
    b.input("x", {1, 1, 4, 4})
        .constant("a_s", scalar_f(0.01F))
        .constant("a_zp", scalar_i8(0))
        .constant("b_s", scalar_f(0.02F))
        .constant("b_zp", scalar_i8(0));
    qdq_pair(b, "x", "a", "xd");
    quantized_weights(b, "w", {2, 1, 1, 1}, 0, 0.01F, 0.5F, rng);
    b.node({"Conv", "conv", {"xd", "w", "w_b"}, {"c"}, {}});
    qdq_pair(b, "c", "a", "cd");
    b.node({"MaxPool", "pool", {"cd"}, {"p"}, {{"kernel_shape", std::vector<std::int64_t>{2, 2}}, {"strides", std::vector<std::int64_t>{2, 2}}}});
    qdq_pair(b, "p", "b", "y");
    b.output("y");
    try {
      compile_graph(b.build(), testing::options_for("qdq_pool_scale"));
      FAIL() << "compiled";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::unsupported);
      EXPECT_NE(std::string(e.what()).find("differs from its input"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("l_pool"), std::string::npos) << e.what();
    }
  }
  // Float weights between quantized activations: the model does not give their quantization.
  {
    GraphBuilder b;
    b.input("x", {1, 1, 4, 4}).constant("a_s", scalar_f(0.01F)).constant("a_zp", scalar_i8(0)).random_constant("w", {2, 1, 1, 1});
    qdq_pair(b, "x", "a", "xd");
    b.node({"Conv", "conv", {"xd", "w"}, {"c"}, {}});
    qdq_pair(b, "c", "a", "y");
    b.output("y");
    try {
      compile_graph(b.build(), testing::options_for("qdq_float_weights"));
      FAIL() << "compiled";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::unsupported);
      EXPECT_NE(std::string(e.what()).find("not through a DequantizeLinear"), std::string::npos) << e.what();
    }
  }
  // fixed<W,I> is not a precision for a model quantized as given.
  {
    std::mt19937 r(11);
    GraphBuilder b = qdq_network(r);
    EXPECT_THROW(compile_graph(b.build(), testing::options_for("qdq_fixed", Precision::parse("fixed<16,6>"))), Error);
  }
}

// QLinearConv → QLinearConv (int8, constant scales, per-channel weights, int32 bias) between
// the model's QuantizeLinear and DequantizeLinear, and a QLinearMatMul: rewritten to QDQ and run on the int8 layers, against the reference executor's
// QLinearConv/QLinearMatMul.
TEST(Qdq, QLinearConvAndQLinearMatMulWithConstantScalesRunOnThePl) {
  std::mt19937 rng(5);
  GraphBuilder b;
  const float xs = 1.0F / 100.0F, s1 = 3.0F / 255.0F, s2 = 6.0F / 255.0F;
  auto per_channel = [&](std::int64_t n, float w_max) {
    std::vector<float> v(static_cast<std::size_t>(n));
    std::uniform_real_distribution<float> d(0.5F, 1.0F);
    for (auto& x : v) x = w_max * d(rng) / 127.0F;
    return Tensor::from<float>({n}, v);
  };
  std::uniform_int_distribution<int> bias(-300, 300);
  std::vector<std::int32_t> b1(4), b2(3);
  for (auto& v : b1) v = bias(rng);
  for (auto& v : b2) v = bias(rng);
  b.input("x", {1, 2, 5, 5})
      .constant("xs", scalar_f(xs)).constant("xz", scalar_i8(-7))
      .constant("w1", Tensor::from<std::int8_t>({4, 2, 3, 3}, random_int8(72, rng))).constant("w1s", per_channel(4, 0.5F))
      .constant("w1z", Tensor::from<std::int8_t>({4}, std::vector<std::int8_t>(4, 0))).constant("b1", Tensor::from<std::int32_t>({4}, b1))
      .constant("s1", scalar_f(s1)).constant("z1", scalar_i8(-20))
      .constant("w2", Tensor::from<std::int8_t>({3, 4, 1, 1}, random_int8(12, rng))).constant("w2s", per_channel(3, 0.6F))
      .constant("w2z", Tensor::from<std::int8_t>({3}, std::vector<std::int8_t>(3, 0))).constant("b2", Tensor::from<std::int32_t>({3}, b2))
      .constant("s2", scalar_f(s2)).constant("z2", scalar_i8(10))
      .node({"QuantizeLinear", "q_in", {"x", "xs", "xz"}, {"xq"}, {}})
      .node({"QLinearConv", "qconv1", {"xq", "xs", "xz", "w1", "w1s", "w1z", "s1", "z1", "b1"}, {"y1"},
             {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .node({"QLinearConv", "qconv2", {"y1", "s1", "z1", "w2", "w2s", "w2z", "s2", "z2", "b2"}, {"y2"}, {}})
      .node({"DequantizeLinear", "dq_out", {"y2", "s2", "z2"}, {"y"}, {}})
      .output("y");
  const graph::Graph g = b.build();
  const auto compiled = compile_graph(g, testing::options_for("qlinear_conv"));
  EXPECT_EQ(compiled.plan.quantization, "model");
  ASSERT_EQ(compiled.plan.layers.size(), 2U);
  const auto w1 = g.value("w1").constant->data<std::int8_t>();
  EXPECT_TRUE(std::equal(w1.begin(), w1.end(), compiled.plan.layers[0].qweights.begin()));
  auto runner = testing::runner_for(compiled, testing::work_dir("qlinear_conv"));
  double worst = 0;
  for (int k = 0; k < 4; ++k) {
    const auto inputs = b.random_inputs(-1.0F, 1.0F);
    const auto actual = runner.run(inputs).at("y");
    const auto expected = graph::Executor(g).run(inputs).at("y");
    for (std::int64_t i = 0; i < actual.size(); ++i)
      worst = std::max(worst, std::fabs(static_cast<double>(actual.data<float>()[i]) - expected.data<float>()[i]) / s2);
  }
  EXPECT_EQ(worst, 0.0);  // bit-exact against the reference QLinearConv
  RecordProperty("qlinear_conv_max_steps", std::to_string(worst));

  // QLinearMatMul [1,16] x [16,6], int8 in and out (a per-tensor weight scale: the importer
  // takes QLinearMatMul with per-tensor scales only).
  GraphBuilder m;
  m.input("a", {1, 16})
      .constant("as", scalar_f(xs)).constant("az", scalar_i8(4))
      .constant("w", Tensor::from<std::int8_t>({16, 6}, random_int8(96, rng))).constant("ws", scalar_f(0.4F / 127.0F))
      .constant("wz", scalar_i8(0))
      .constant("ys", scalar_f(s1)).constant("yz", scalar_i8(-3))
      .node({"QuantizeLinear", "q_a", {"a", "as", "az"}, {"aq"}, {}})
      .node({"QLinearMatMul", "qmm", {"aq", "as", "az", "w", "ws", "wz", "ys", "yz"}, {"yq"}, {}})
      .node({"DequantizeLinear", "dq_y", {"yq", "ys", "yz"}, {"y"}, {}})
      .output("y");
  const graph::Graph gm = m.build();
  const auto mm = compile_graph(gm, testing::options_for("qlinear_matmul"));
  ASSERT_EQ(mm.plan.layers.size(), 1U);
  EXPECT_EQ(mm.plan.layers[0].kind, LayerKind::dense);
  auto mm_runner = testing::runner_for(mm, testing::work_dir("qlinear_matmul"));
  double mm_worst = 0;
  for (int k = 0; k < 4; ++k) {
    const auto inputs = m.random_inputs(-1.0F, 1.0F);
    const auto actual = mm_runner.run(inputs).at("y");
    const auto expected = graph::Executor(gm).run(inputs).at("y");
    for (std::int64_t i = 0; i < actual.size(); ++i)
      mm_worst = std::max(mm_worst, std::fabs(static_cast<double>(actual.data<float>()[i]) - expected.data<float>()[i]) / s1);
  }
  EXPECT_EQ(mm_worst, 0.0);
  RecordProperty("qlinear_matmul_max_steps", std::to_string(mm_worst));
}

// The node fixtures pass QLinearConv's scales as graph inputs: refused with the reason.
// Weights and scales known only at run time: the integer product runs on the PL (ConvInteger: zero points
// subtracted, int32 sums), the operator's own output stage on the PS (QLinearRequantize), and
// the result is the operator's, bit for bit, whatever scale each frame brings.
TEST(Qdq, QLinearConvWithRunTimeScalesRunsItsIntegerProductOnThePl) {
  GraphBuilder b;
  b.input("x", {1, 2, 4, 4}, DType::uint8).input("xs", {}).input("xz", {}, DType::uint8)
      .input("w", {3, 2, 3, 3}, DType::uint8).constant("ws", Tensor::from<float>({3}, {0.5F, 0.25F, 0.125F}))
      .input("wz", {}, DType::uint8).input("ys", {}).constant("yz", Tensor::scalar<std::uint8_t>(9))
      .constant("bias", Tensor::from<std::int32_t>({3}, {-40, 5, 300}))
      .node({"QLinearConv", "qc", {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "bias"}, {"y"},
             {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .output("y");
  const graph::Graph g = b.build();
  Tensor w(DType::uint8, {3, 2, 3, 3});
  auto pw = w.data<std::uint8_t>();
  for (std::size_t i = 0; i < pw.size(); ++i) pw[i] = static_cast<std::uint8_t>((i * 37) % 251);
  const graph::Executor reference(g);
  const CompileResult compiled = compile_graph(g, testing::options_for("qlinear_runtime"));
  ASSERT_FALSE(compiled.plan.layers.empty());  // zero-point subtractions, then the int16 x int16 -> int32 convolution
  EXPECT_EQ(compiled.plan.layers.back().ops, "ConvInteger");
  EXPECT_TRUE(compiled.plan.layers.back().integer);
  ASSERT_EQ(compiled.plan.post_nodes.size(), 1u);
  EXPECT_EQ(compiled.plan.graph.nodes[compiled.plan.post_nodes[0]].op, "QLinearRequantize");
  auto runner = testing::runner_for(compiled, testing::work_dir("qlinear_runtime"));
  for (const float xs : {0.02F, 0.5F}) {
    graph::TensorMap in;
    Tensor x(DType::uint8, {1, 2, 4, 4});
    auto px = x.data<std::uint8_t>();
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>((i * 29 + 3) % 256);
    in.emplace("x", x);
    in.emplace("w", w);
    in.emplace("xz", Tensor::scalar<std::uint8_t>(7));
    in.emplace("wz", Tensor::scalar<std::uint8_t>(120));
    in.emplace("xs", scalar_f(xs));
    in.emplace("ys", scalar_f(xs * 40.0F));
    const auto expected = reference.run(in).at("y");
    const auto actual = runner.run(in).at("y");
    ASSERT_EQ(actual.dtype(), DType::uint8);
    const auto e = expected.data<std::uint8_t>(), a = actual.data<std::uint8_t>();
    ASSERT_EQ(a.size(), e.size());
    int saturated = 0;
    for (std::size_t i = 0; i < e.size(); ++i) {
      EXPECT_EQ(a[i], e[i]) << "xs " << xs << " element " << i;
      saturated += e[i] == 0 || e[i] == 255;
    }
    EXPECT_LT(saturated, static_cast<int>(e.size()));  // the data exercises more than the rails
  }
}

TEST(Qdq, QLinearMatMulWithRunTimeScalesBeyondTwoDimensionsIsRefusedWithTheReason) {
  GraphBuilder b;
  b.input("a", {2, 2, 3}, DType::uint8).input("as", {}).constant("az", Tensor::scalar<std::uint8_t>(0))
      .constant("b", Tensor::from<std::uint8_t>({2, 3, 2}, std::vector<std::uint8_t>(12, 1))).constant("bs", scalar_f(0.5F))
      .constant("bz", Tensor::scalar<std::uint8_t>(0)).constant("ys", scalar_f(0.25F)).constant("yz", Tensor::scalar<std::uint8_t>(0))
      .node({"QLinearMatMul", "qm", {"a", "as", "az", "b", "bs", "bz", "ys", "yz"}, {"y"}, {}})
      .output("y");
  try {
    compile_graph(b.build(), testing::options_for("qlinear_runtime_3d"));
    FAIL() << "compiled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::unsupported);
    EXPECT_NE(std::string(e.what()).find("run-time inputs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("qm"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zynqnn::compiler
