// Layers lowered to the PL, compiled (generated HLS C++ built for the host) and run, against
// the reference executor: float32 within 1e-4 relative / 1e-5 absolute, int8 bit-exact
// against the plan's own integer arithmetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "compiler_test_util.hpp"
#include "requant.h"
#include "zynqnn/quant/quantize.hpp"
#include "zynqnn/compiler/emit.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

using graph::Node;
using graph::Tensor;
using testing::GraphBuilder;

void expect_close(const Tensor& expected, const Tensor& actual, const std::string& what) {
  ASSERT_EQ(expected.shape(), actual.shape()) << what;
  const auto e = expected.data<float>();
  const auto a = actual.data<float>();
  for (std::size_t i = 0; i < e.size(); ++i) {
    const float diff = std::fabs(e[i] - a[i]);
    ASSERT_TRUE(diff <= 1e-5F || diff <= 1e-4F * std::fabs(e[i])) << what << " element " << i << ": " << a[i] << " != " << e[i];
  }
}

// Compiles `g` (float32), runs random inputs on the generated kernel and compares.
void check_float(const std::string& name, GraphBuilder& builder, const std::vector<std::string>& expect_layers) {
  graph::Graph g = builder.build();
  const auto inputs = builder.random_inputs();
  const auto expected = graph::Executor(g).run(inputs);
  const auto compiled = compile_graph(g, testing::options_for(name));
  ASSERT_TRUE(compiled.plan.uses_pl());
  std::vector<std::string> ops;
  for (const auto& l : compiled.plan.layers) ops.push_back(l.ops);
  std::vector<std::string> expected_ops = expect_layers;
  std::sort(ops.begin(), ops.end());  // independent branches may come in either topological order
  std::sort(expected_ops.begin(), expected_ops.end());
  EXPECT_EQ(ops, expected_ops);
  auto runner = testing::runner_for(compiled, testing::work_dir(name));
  const auto actual = runner.run(inputs);
  for (const auto& [out, tensor] : expected) expect_close(tensor, actual.at(out), name + ":" + out);
}

TEST(Lowering, ConvReluPoolFlattenGemmWithThreeChannelInput) {
  GraphBuilder b;
  b.input("x", {1, 3, 8, 8})
      .random_constant("w1", {4, 3, 3, 3})
      .random_constant("b1", {4})
      .random_constant("w2", {5, 64})
      .random_constant("b2", {5})
      .node({"Conv", "conv/1", {"x", "w1", "b1"}, {"c1"}, {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .node({"Relu", "relu", {"c1"}, {"r1"}, {}})
      .node({"MaxPool", "pool", {"r1"}, {"p1"}, {{"kernel_shape", std::vector<std::int64_t>{2, 2}}, {"strides", std::vector<std::int64_t>{2, 2}}}})
      .node({"Flatten", "flat", {"p1"}, {"f"}, {}})
      .node({"Gemm", "fc", {"f", "w2", "b2"}, {"y"}, {{"transB", std::int64_t{1}}}})
      .output("y");
  // The flattened NCHW tensor arrives NHWC: the FC weights are reordered, not the data.
  check_float("conv_pool_fc", b, {"Conv+Relu", "MaxPool", "Gemm"});
}

TEST(Lowering, StridedAsymmetricConvAveragePoolGlobalPool) {
  GraphBuilder b;
  b.input("x", {1, 2, 9, 7})
      .random_constant("w", {3, 2, 3, 2})
      .node({"Conv", "c", {"x", "w"}, {"c1"}, {{"pads", std::vector<std::int64_t>{1, 0, 0, 1}}, {"strides", std::vector<std::int64_t>{2, 1}}}})
      .node({"AveragePool", "ap", {"c1"}, {"a1"},
             {{"kernel_shape", std::vector<std::int64_t>{2, 2}}, {"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .node({"GlobalAveragePool", "gap", {"a1"}, {"y"}, {}})
      .output("y");
  check_float("conv_avg_gap", b, {"Conv", "AveragePool", "GlobalAveragePool"});
}

TEST(Lowering, ElementwiseConstantsStreamsConcatAndActivationsOnAnImageOutput) {
  GraphBuilder b;
  b.input("x", {1, 3, 4, 4})
      .input("z", {1, 3, 4, 4})
      .random_constant("k", {1, 3, 1, 1})
      .random_constant("s", {3, 1, 1})
      .node({"Add", "add_k", {"x", "k"}, {"a"}, {}})
      .node({"Mul", "mul_s", {"s", "a"}, {"m"}, {}})
      .node({"Mul", "mul_z", {"m", "z"}, {"mz"}, {}})
      .node({"LeakyRelu", "lrelu", {"mz"}, {"l"}, {{"alpha", 0.2F}}})
      .node({"Sigmoid", "sig", {"a"}, {"sg"}, {}})
      .node({"Concat", "cat", {"l", "sg"}, {"y"}, {{"axis", std::int64_t{1}}}})
      .output("y");
  check_float("eltwise_concat", b, {"Add", "Mul", "Mul", "LeakyRelu", "Sigmoid", "Concat"});
}

TEST(Lowering, DepthwiseConvAndPadFoldedIntoConv) {
  GraphBuilder b;
  b.input("x", {1, 4, 6, 6})
      .random_constant("dw", {4, 1, 3, 3})
      .random_constant("db", {4})
      .random_constant("w", {2, 4, 3, 3})
      .constant("pads", Tensor::from<std::int64_t>({8}, {0, 0, 1, 2, 0, 0, 1, 0}))
      .node({"Conv", "dwconv", {"x", "dw", "db"}, {"d"}, {{"group", std::int64_t{4}}, {"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .node({"Clip", "relu6", {"d", "", ""}, {"d6"}, {}})
      .node({"Pad", "pad", {"d6", "pads"}, {"p"}, {}})
      .node({"Conv", "conv", {"p", "w"}, {"y"}, {}})
      .output("y");
  check_float("depthwise_pad", b, {"Conv+Clip", "Pad+Conv"});
}

// A 1-D CNN over a sensor trace ([1, C, L]): 1-D convolutions (padding, stride, dilation) and
// pooling are the H = 1 case of the 2-D layers.
TEST(Lowering, OneDimensionalConvolutionsAndPoolingOfASensorTrace) {
  GraphBuilder b;
  b.input("x", {1, 2, 32})
      .random_constant("w1", {4, 2, 5})
      .random_constant("b1", {4})
      .random_constant("w2", {3, 4, 3})
      .random_constant("w3", {2, 3})
      .node({"Conv", "conv1", {"x", "w1", "b1"}, {"c1"}, {{"pads", std::vector<std::int64_t>{2, 2}}}})
      .node({"Relu", "relu", {"c1"}, {"r1"}, {}})
      .node({"MaxPool", "pool", {"r1"}, {"p1"}, {{"kernel_shape", std::vector<std::int64_t>{2}}, {"strides", std::vector<std::int64_t>{2}}}})
      .node({"Conv", "conv2", {"p1", "w2"}, {"c2"},
             {{"strides", std::vector<std::int64_t>{2}}, {"dilations", std::vector<std::int64_t>{2}}, {"pads", std::vector<std::int64_t>{1, 0}}}})
      .node({"GlobalAveragePool", "gap", {"c2"}, {"g"}, {}})
      .node({"Flatten", "flat", {"g"}, {"f"}, {}})
      .node({"Gemm", "fc", {"f", "w3"}, {"y"}, {{"transB", std::int64_t{1}}}})
      .output("y");
  const graph::Graph g = b.build();
  EXPECT_EQ(g.value("c1").shape, (graph::Shape{1, 4, 32}));
  EXPECT_EQ(g.value("p1").shape, (graph::Shape{1, 4, 16}));
  EXPECT_EQ(g.value("c2").shape, (graph::Shape{1, 3, 7}));  // (16 + 1 + 0 - 2 * (3 - 1) - 1) / 2 + 1
  EXPECT_EQ(g.value("g").shape, (graph::Shape{1, 3, 1}));
  check_float("conv1d_sensor", b, {"Conv+Relu", "MaxPool", "Conv", "GlobalAveragePool", "Gemm"});
}

// A reflect padding of the network's input is no convolution's zero padding: the PS pads, the
// PL convolves. The same Pad between two PL layers is refused, saying why it could not be on the PL.
TEST(Lowering, ReflectPadOfTheInputRunsOnThePsAndBetweenPlLayersIsRefused) {
  GraphBuilder b;
  b.input("x", {1, 2, 5, 5})
      .random_constant("w", {3, 2, 3, 3})
      .constant("pads", Tensor::from<std::int64_t>({8}, {0, 0, 1, 1, 0, 0, 1, 1}))
      .node({"Pad", "reflect", {"x", "pads"}, {"p"}, {{"mode", std::string("reflect")}}})
      .node({"Conv", "conv", {"p", "w"}, {"c"}, {}})
      .node({"Relu", "relu", {"c"}, {"y"}, {}})
      .output("y");
  check_float("reflect_pad_input", b, {"Conv+Relu"});
  const auto plan = lower(b.build(), {}, "reflect");
  ASSERT_EQ(plan.pre_nodes.size(), 1u);
  EXPECT_EQ(plan.graph.nodes[plan.pre_nodes[0]].op, "Pad");

  GraphBuilder inner;
  inner.input("x", {1, 2, 5, 5})
      .random_constant("w1", {2, 2, 1, 1})
      .random_constant("w2", {3, 2, 3, 3})
      .constant("pads", Tensor::from<std::int64_t>({8}, {0, 0, 1, 1, 0, 0, 1, 1}))
      .node({"Conv", "first", {"x", "w1"}, {"c1"}, {}})
      .node({"Pad", "edge", {"c1", "pads"}, {"p"}, {{"mode", std::string("edge")}}})
      .node({"Conv", "second", {"p", "w2"}, {"y"}, {}})
      .output("y");
  try {
    lower(inner.build(), {}, "edge");
    FAIL() << "a Pad between PL layers that no convolution absorbs was lowered";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("second"), std::string::npos) << what;
    EXPECT_NE(what.find("Pad on the PS: mode=edge"), std::string::npos) << what;
  }
}

TEST(Lowering, SoftmaxRunsOnThePsAfterThePl) {
  GraphBuilder b;
  b.input("x", {1, 6})
      .random_constant("w", {6, 4})
      .node({"Gemm", "fc", {"x", "w"}, {"g"}, {}})
      .node({"Softmax", "sm", {"g"}, {"y"}, {}})
      .output("y");
  graph::Graph g = b.build();
  const auto plan = lower(g, {}, "net");
  ASSERT_EQ(plan.layers.size(), 1U);
  ASSERT_EQ(plan.post_nodes.size(), 1U);
  EXPECT_EQ(plan.graph.nodes[plan.post_nodes[0]].op, "Softmax");
  const auto lines = describe(plan);
  EXPECT_EQ(lines.back(), "PS (after PL): Softmax sm");
  check_float("gemm_softmax", b, {"Gemm"});
}

TEST(Lowering, GraphWithoutPlWorkRunsOnThePs) {
  GraphBuilder b;
  b.input("x", {2, 3}).node({"Transpose", "t", {"x"}, {"y"}, {}}).output("y");
  const auto plan = lower(b.build(), {}, "net");
  EXPECT_FALSE(plan.uses_pl());
  EXPECT_EQ(plan.post_nodes.size(), 1U);
}

TEST(Lowering, UnsupportedNamesTheOperatorReasonAndNode) {
  GraphBuilder b;
  b.input("x", {1, 1, 5, 5})
      .node({"MaxPool", "/features/pool", {"x"}, {"y"},
             {{"kernel_shape", std::vector<std::int64_t>{2, 2}}, {"storage_order", std::int64_t{0}}}})
      .node({"Relu", "r", {"y"}, {"z"}, {}})
      .node({"Transpose", "t", {"z"}, {"tz"}, {}})
      .node({"Relu", "r2", {"tz"}, {"out"}, {}})
      .output("out");
  try {
    (void)lower(b.build(), {}, "net");
    FAIL() << "a PS operator between PL layers must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::unsupported);
    EXPECT_NE(std::string(e.what()).find("unsupported: Relu (its input tz comes from an operator the PS runs after the PL) at node r2"),
              std::string::npos)
        << e.what();
  }
}

// ---- int8: the kernel against the plan's integer arithmetic, bit for bit ----------------

std::vector<std::int32_t> quantize_input(const Tensor& x, const PlTensor& t) {
  std::vector<std::int32_t> q(static_cast<std::size_t>(x.size()));
  const auto v = x.data<float>();
  for (std::size_t i = 0; i < q.size(); ++i)
    q[i] = quant::quantize_int8(v[i], t.scale, t.zero_point);
  return q;
}

TEST(Lowering, Int8ConvPoolDenseIsBitExactAgainstTheIntegerReference) {
  GraphBuilder b;
  b.input("x", {1, 1, 6, 6})
      .random_constant("w1", {3, 1, 3, 3})
      .random_constant("b1", {3}, 0.1F)
      .random_constant("w2", {4, 12})
      .node({"Conv", "conv", {"x", "w1", "b1"}, {"c"}, {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .node({"Relu", "relu", {"c"}, {"r"}, {}})
      .node({"MaxPool", "pool", {"r"}, {"p"}, {{"kernel_shape", std::vector<std::int64_t>{3, 3}}, {"strides", std::vector<std::int64_t>{3, 3}}}})
      .node({"Flatten", "flat", {"p"}, {"f"}, {}})
      .node({"Gemm", "fc", {"f", "w2"}, {"y"}, {{"transB", std::int64_t{1}}}})
      .output("y");
  graph::Graph g = b.build();
  std::vector<graph::TensorMap> calibration;
  for (int i = 0; i < 4; ++i) calibration.push_back(b.random_inputs());
  auto options = testing::options_for("int8_chain", Precision::parse("int8"));
  options.calibration = calibration;
  const auto compiled = compile_graph(g, options);
  const LayerPlan& plan = compiled.plan;
  ASSERT_EQ(plan.layers.size(), 3U);
  auto runner = testing::runner_for(compiled, testing::work_dir("int8_chain"));
  const auto inputs = calibration[0];  // inside the calibrated ranges: no saturation
  const auto actual = runner.run(inputs).at("y");

  // Integer reference of the same plan: conv (input zero point as padding) + requantize with
  // the fused ReLU's range, 3x3/3 max pool on int8, dense (NHWC columns) + requantize.
  const PlTensor& tx = plan.tensor("x");
  const auto qx = quantize_input(inputs.at("x"), tx);  // C = 1: NCHW == NHWC
  const PlLayer& conv = plan.layers[0];
  std::vector<std::int32_t> qc(6 * 6 * 3);
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 6; ++x)
      for (int o = 0; o < 3; ++o) {
        std::int64_t acc = conv.qbias[static_cast<std::size_t>(o)];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = y - 1 + ky, ix = x - 1 + kx;
            const std::int32_t v = (iy < 0 || iy >= 6 || ix < 0 || ix >= 6) ? tx.zero_point : qx[static_cast<std::size_t>(iy * 6 + ix)];
            acc += static_cast<std::int64_t>(v) * conv.qweights[static_cast<std::size_t>(o * 9 + ky * 3 + kx)];
          }
        qc[static_cast<std::size_t>((y * 6 + x) * 3 + o)] =
            zynqnn_hls::requantize_value(acc, conv.multiplier[static_cast<std::size_t>(o)], conv.shift[static_cast<std::size_t>(o)],
                                         conv.out_zero_point, conv.out_lo, conv.out_hi);
      }
  std::vector<std::int32_t> qp(2 * 2 * 3, -128);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x)
      for (int c = 0; c < 3; ++c)
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx)
            qp[static_cast<std::size_t>((y * 2 + x) * 3 + c)] =
                std::max(qp[static_cast<std::size_t>((y * 2 + x) * 3 + c)], qc[static_cast<std::size_t>(((y * 3 + ky) * 6 + x * 3 + kx) * 3 + c)]);
  const PlLayer& fc = plan.layers[2];
  const PlTensor& ty = plan.tensor("y");
  const auto result = actual.data<float>();
  for (int n = 0; n < 4; ++n) {
    std::int64_t acc = fc.qbias[static_cast<std::size_t>(n)];
    for (int j = 0; j < 12; ++j) acc += static_cast<std::int64_t>(qp[static_cast<std::size_t>(j)]) * fc.qweights[static_cast<std::size_t>(n * 12 + j)];
    const std::int32_t q = zynqnn_hls::requantize_value(acc, fc.multiplier[static_cast<std::size_t>(n)], fc.shift[static_cast<std::size_t>(n)],
                                                        fc.out_zero_point, fc.out_lo, fc.out_hi);
    EXPECT_EQ(result[static_cast<std::size_t>(n)], static_cast<float>(q - ty.zero_point) * ty.scale) << "output " << n;
  }
  // And the int8 result stays near the float reference (a few quantization steps).
  const auto reference_outputs = graph::Executor(g).run(inputs);
  const auto reference = reference_outputs.at("y").data<float>();
  for (int n = 0; n < 4; ++n) EXPECT_NEAR(result[static_cast<std::size_t>(n)], reference[static_cast<std::size_t>(n)], 4 * ty.scale);
}

// ---- identifiers -----------------------------------------------------------------------

TEST(Lowering, HostileNamesNeverReachCodeOrTclUnsanitized) {
  const std::string evil = "/a\"b'c[d]e;f{g}h$(rm -rf)\n*/ #x\\";
  GraphBuilder b;
  b.input(evil + "in", {1, 2, 4, 4})
      .random_constant(evil + "w", {2, 2, 1, 1})
      .node({"Conv", evil + "conv", {evil + "in", evil + "w"}, {evil + "c"}, {}})
      .node({"Relu", evil + "relu", {evil + "c"}, {evil + "out"}, {}})
      .output(evil + "out");
  check_float("hostile", b, {"Conv+Relu"});
  // Everything generated: the model's raw names appear nowhere (comments are sanitized too).
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::work_dir("hostile"))) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension().string();
    if (ext != ".cpp" && ext != ".h" && ext != ".tcl" && ext != ".sh" && ext != ".py" && ext != ".json") continue;
    const auto name = entry.path().filename();
    if (name == "plan.json" || name == "manifest.json" || name == "network.json") continue;  // JSON-escaped data
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    for (const char* bad : {"\"b'c", "[d]e;f", "{g}h", "$(rm", "*/ #x"})
      EXPECT_EQ(text.str().find(bad), std::string::npos) << entry.path() << " contains " << bad;
  }
}

}  // namespace
}  // namespace zynqnn::compiler
