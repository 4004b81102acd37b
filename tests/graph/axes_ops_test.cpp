// Squeeze, Unsqueeze and ReduceMean in every form their definitions allow (axes as attribute
// or input across opsets), and the rewrites that put PyTorch's global averages on the PL.
#include <gtest/gtest.h>

#include <string>

#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/graph.hpp"
#include "zynqnn/graph/infer.hpp"
#include "zynqnn/graph/passes.hpp"

namespace zynqnn::graph {
namespace {

ValueInfo info(Shape shape, DType dtype = DType::float32) { return {dtype, std::move(shape), true, nullptr, true}; }
ValueInfo axes_info(const Tensor& axes) { return {DType::int64, axes.shape(), true, &axes, true}; }

Shape infer_shape(const Node& node, std::vector<ValueInfo> inputs, std::int64_t opset) {
  return infer_node(node, inputs, opset).at(0).shape;
}

std::string refusal(const Node& node, std::vector<ValueInfo> inputs, std::int64_t opset, ErrorCode expected) {
  try {
    (void)infer_node(node, inputs, opset);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << node.op;
  return {};
}

TEST(AxesOps, UnsqueezeTakesItsAxesFromTheAttributeOrTheInputByOpset) {
  const Tensor last = Tensor::from<std::int64_t>({1}, {-1});
  EXPECT_EQ(infer_shape({"Unsqueeze", "u", {"x"}, {"y"}, {{"axes", std::vector<std::int64_t>{2}}}}, {info({1, 3, 5})}, 11),
            (Shape{1, 3, 1, 5}));
  EXPECT_EQ(infer_shape({"Unsqueeze", "u", {"x", "a"}, {"y"}, {}}, {info({1, 3, 5}), axes_info(last)}, 13),
            (Shape{1, 3, 5, 1}));
  const Tensor two = Tensor::from<std::int64_t>({2}, {0, 4});
  EXPECT_EQ(infer_shape({"Unsqueeze", "u", {"x", "a"}, {"y"}, {}}, {info({3, 5, 7}), axes_info(two)}, 13),
            (Shape{1, 3, 5, 7, 1}));
}

TEST(AxesOps, SqueezeRemovesTheGivenAxesOrEveryAxisOfOne) {
  const Tensor axes = Tensor::from<std::int64_t>({2}, {2, -1});
  EXPECT_EQ(infer_shape({"Squeeze", "s", {"x", "a"}, {"y"}, {}}, {info({1, 3, 1, 1}), axes_info(axes)}, 13), (Shape{1, 3}));
  EXPECT_EQ(infer_shape({"Squeeze", "s", {"x"}, {"y"}, {}}, {info({1, 3, 1, 5})}, 13), (Shape{3, 5}));
  EXPECT_EQ(infer_shape({"Squeeze", "s", {"x"}, {"y"}, {{"axes", std::vector<std::int64_t>{0}}}}, {info({1, 3})}, 11),
            (Shape{3}));
}

TEST(AxesOps, BadAxesAreRefusedNamingTheNode) {
  const Tensor channel = Tensor::from<std::int64_t>({1}, {1});
  EXPECT_NE(refusal({"Squeeze", "sq", {"x", "a"}, {"y"}, {}}, {info({1, 3, 1}), axes_info(channel)}, 13,
                    ErrorCode::invalid_argument)
                .find("axis 1 has dimension 3, not 1"),
            std::string::npos);
  const Tensor twice = Tensor::from<std::int64_t>({2}, {2, -2});
  EXPECT_NE(refusal({"ReduceMean", "rm", {"x", "a"}, {"y"}, {}}, {info({1, 3, 4, 4}), axes_info(twice)}, 18,
                    ErrorCode::invalid_argument)
                .find("an axis is repeated"),
            std::string::npos);
  EXPECT_NE(refusal({"Unsqueeze", "u", {"x"}, {"y"}, {{"axes", std::vector<std::int64_t>{4}}}}, {info({1, 3})}, 11,
                    ErrorCode::invalid_argument)
                .find("axis 4 is out of range for rank 3"),
            std::string::npos);
  // Axes computed at run time cannot size the result at compile time.
  ValueInfo run_time{DType::int64, {1}, true, nullptr, true};
  const std::string why =
      refusal({"ReduceMean", "rm", {"x", "a"}, {"y"}, {}}, {info({1, 3, 4, 4}), run_time}, 18, ErrorCode::unsupported);
  EXPECT_NE(why.find("unsupported: ReduceMean (axes given at run time) at node rm"), std::string::npos) << why;
  EXPECT_NE(refusal({"ReduceMean", "rm", {"x"}, {"y"}, {}}, {info({1, 3}, DType::int8)}, 13, ErrorCode::unsupported)
                .find("int8 input"),
            std::string::npos);
}

TEST(AxesOps, ReduceMeanShapesFollowKeepdimsAndNoopWithEmptyAxes) {
  const Node before18{"ReduceMean", "rm", {"x"}, {"y"}, {{"axes", std::vector<std::int64_t>{2, 3}}, {"keepdims", std::int64_t{0}}}};
  EXPECT_EQ(infer_shape(before18, {info({1, 3, 4, 4})}, 13), (Shape{1, 3}));
  const Tensor spatial = Tensor::from<std::int64_t>({2}, {-2, -1});
  EXPECT_EQ(infer_shape({"ReduceMean", "rm", {"x", "a"}, {"y"}, {}}, {info({1, 3, 4, 4}), axes_info(spatial)}, 18),
            (Shape{1, 3, 1, 1}));
  EXPECT_EQ(infer_shape({"ReduceMean", "rm", {"x"}, {"y"}, {}}, {info({1, 3, 4, 4})}, 18), (Shape{1, 1, 1, 1}));
  EXPECT_EQ(infer_shape({"ReduceMean", "rm", {"x"}, {"y"}, {{"noop_with_empty_axes", std::int64_t{1}}}}, {info({1, 3, 4, 4})}, 18),
            (Shape{1, 3, 4, 4}));
}

// The mean of each output element computed independently: a double sum over the reduced
// coordinates in increasing order, as the definition's arithmetic mean with the least rounding.
TEST(AxesOps, ReduceMeanComputesTheMeanOverTheGivenAxes) {
  const Shape shape{1, 2, 3, 4};
  std::vector<float> values(24);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.1F * static_cast<float>(i * i % 17) - 0.7F;
  const Tensor x = Tensor::from<float>(shape, values);
  const Node over_channels{"ReduceMean", "rm", {"x"}, {"y"}, {{"axes", std::vector<std::int64_t>{1}}, {"keepdims", std::int64_t{0}}}};
  const Tensor* in[] = {&x};
  const Tensor y = run_node(over_channels, in, 13).at(0);
  ASSERT_EQ(y.shape(), (Shape{1, 3, 4}));
  for (int h = 0; h < 3; ++h)
    for (int w = 0; w < 4; ++w) {
      double sum = 0;
      for (int c = 0; c < 2; ++c) sum += values[static_cast<std::size_t>(c * 12 + h * 4 + w)];
      EXPECT_EQ(y.data<float>()[static_cast<std::size_t>(h * 4 + w)], static_cast<float>(sum / 2));
    }
  const Node spatial{"ReduceMean", "rm", {"x"}, {"y"}, {{"axes", std::vector<std::int64_t>{2, 3}}}};
  const Tensor z = run_node(spatial, in, 13).at(0);
  ASSERT_EQ(z.shape(), (Shape{1, 2, 1, 1}));
  for (int c = 0; c < 2; ++c) {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += values[static_cast<std::size_t>(c * 12 + i)];
    EXPECT_EQ(z.data<float>()[static_cast<std::size_t>(c)], static_cast<float>(sum / 12));
  }
}

Tensor random_tensor(const Shape& shape, unsigned seed) {
  Tensor t(DType::float32, shape);
  unsigned state = seed;
  for (auto& v : t.data<float>()) {
    state = state * 1664525U + 1013904223U;
    v = static_cast<float>(state >> 8) / static_cast<float>(1U << 24) - 0.5F;
  }
  return t;
}

void add_axes(Graph& g, const std::string& name, std::vector<std::int64_t> axes) {
  const auto n = static_cast<std::int64_t>(axes.size());
  g.add_value({name, DType::int64, {n}, true, Tensor::from<std::int64_t>({n}, axes)});
}

std::vector<std::string> ops(const Graph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.nodes) out.push_back(n.op);
  return out;
}

// torch.mean(x, dim=(2, 3)) as the dynamo exporter writes it (opset 18: axes as an input).
TEST(AxesRewrites, SpatialReduceMeanBecomesGlobalAveragePoolWithTheSameValues) {
  for (const std::int64_t keepdims : {0, 1}) {
    Graph g;
    g.opset = 18;
    g.add_value({"x", DType::float32, {1, 3, 5, 4}, true, std::nullopt});
    add_axes(g, "axes", {-1, 2});
    g.add_value({"y", DType::float32, keepdims ? Shape{1, 3, 1, 1} : Shape{1, 3}, true, std::nullopt});
    g.inputs = {"x"};
    g.outputs = {"y"};
    g.nodes.push_back({"ReduceMean", "mean", {"x", "axes"}, {"y"}, {{"keepdims", keepdims}}});
    g.validate();
    const TensorMap inputs{{"x", random_tensor({1, 3, 5, 4}, 7)}};
    const Tensor expected = Executor(g).run(inputs).at("y");

    Graph rewritten = g;
    const Rewrites r = optimize(rewritten);
    rewritten.validate();
    EXPECT_EQ(r.reduce_means_to_pool, 1U);
    const std::vector<std::string> expected_ops =
        keepdims ? std::vector<std::string>{"GlobalAveragePool"} : std::vector<std::string>{"GlobalAveragePool", "Reshape"};
    EXPECT_EQ(ops(rewritten), expected_ops);
    const Tensor got = Executor(rewritten).run(inputs).at("y");
    ASSERT_EQ(got.shape(), expected.shape());
    // Both sum each channel's 20 values in double in row-major order: bit-identical.
    for (std::int64_t i = 0; i < got.size(); ++i) EXPECT_EQ(got.data<float>()[i], expected.data<float>()[i]) << i;
  }
}

// AdaptiveAvgPool1d(1) as PyTorch exports it: Unsqueeze → ReduceMean over H, W → Squeeze.
TEST(AxesRewrites, OneDimensionalAverageThroughUnsqueezeAndSqueezeBecomesOneGlobalPool) {
  Graph g;
  g.opset = 13;
  g.add_value({"x", DType::float32, {1, 4, 9}, true, std::nullopt});
  add_axes(g, "at2", {2});
  add_axes(g, "squeeze_axes", {2, 3});
  g.add_value({"u", DType::float32, {1, 4, 1, 9}, true, std::nullopt});
  g.add_value({"m", DType::float32, {1, 4, 1, 1}, true, std::nullopt});
  g.add_value({"y", DType::float32, {1, 4}, true, std::nullopt});
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.nodes.push_back({"Unsqueeze", "unsqueeze", {"x", "at2"}, {"u"}, {}});
  g.nodes.push_back({"ReduceMean", "mean", {"u"}, {"m"}, {{"axes", std::vector<std::int64_t>{-2, -1}}}});
  g.nodes.push_back({"Squeeze", "squeeze", {"m", "squeeze_axes"}, {"y"}, {}});
  g.validate();
  const TensorMap inputs{{"x", random_tensor({1, 4, 9}, 11)}};
  const Tensor expected = Executor(g).run(inputs).at("y");

  Graph rewritten = g;
  optimize(rewritten);
  rewritten.validate();
  EXPECT_EQ(ops(rewritten), (std::vector<std::string>{"GlobalAveragePool", "Reshape"}));
  EXPECT_EQ(rewritten.nodes[0].inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(rewritten.find("at2"), nullptr);  // the axes are gone with their nodes
  const Tensor got = Executor(rewritten).run(inputs).at("y");
  ASSERT_EQ(got.shape(), (Shape{1, 4}));
  for (std::int64_t i = 0; i < got.size(); ++i) EXPECT_EQ(got.data<float>()[i], expected.data<float>()[i]) << i;
}

TEST(AxesRewrites, AMeanOverChannelsStaysAReduceMean) {
  Graph g;
  g.opset = 13;
  g.add_value({"x", DType::float32, {1, 3, 4, 4}, true, std::nullopt});
  g.add_value({"y", DType::float32, {1, 1, 4, 4}, true, std::nullopt});
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.nodes.push_back({"ReduceMean", "mean", {"x"}, {"y"}, {{"axes", std::vector<std::int64_t>{1}}}});
  optimize(g);
  EXPECT_EQ(ops(g), std::vector<std::string>{"ReduceMean"});
}

}  // namespace
}  // namespace zynqnn::graph
