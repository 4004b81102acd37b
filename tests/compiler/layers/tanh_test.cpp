// Tanh (src/compiler/layers/tanh.cpp): compiled (generated HLS C++ built for the host), run on
// the virtual board and compared with the reference executor.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler_test_util.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

// Conv, Tanh fused into it, then a Tanh layer of its own (the Conv's chain already ends in one).
GraphBuilder conv_tanh_tanh() {
  GraphBuilder b;
  b.input("x", {1, 2, 5, 5})
      .random_constant("w", {3, 2, 3, 3})
      .random_constant("bias", {3})
      .node({"Conv", "conv", {"x", "w", "bias"}, {"c"}, {}})
      .node({"Tanh", "fused", {"c"}, {"t"}, {}})
      .node({"Tanh", "alone", {"t"}, {"y"}, {}})
      .output("y");
  return b;
}

// The largest difference between the kernel's outputs and the reference's.
double max_error(GraphBuilder& b, const std::string& name, const Precision& precision) {
  const graph::Graph g = b.build();
  const auto inputs = b.random_inputs(-2.0F, 2.0F);
  const auto expected = graph::Executor(g).run(inputs);
  const auto compiled = compile_graph(g, testing::options_for(name, precision));
  std::vector<std::string> ops;
  for (const auto& l : compiled.plan.layers) ops.push_back(l.ops);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv+Tanh", "Tanh"}));
  auto runner = testing::runner_for(compiled, testing::work_dir(name));
  const auto actual = runner.run(inputs);
  const auto e = expected.at("y").data<float>();
  const auto a = actual.at("y").data<float>();
  EXPECT_EQ(e.size(), a.size());
  double worst = 0;
  for (std::size_t i = 0; i < e.size() && i < a.size(); ++i) worst = std::max(worst, std::fabs(double(e[i]) - a[i]));
  return worst;
}

TEST(TanhLayer, TheReferenceExecutorComputesTanh) {
  GraphBuilder b;
  b.input("x", {1, 4}).node({"Tanh", "t", {"x"}, {"y"}, {}}).output("y");
  graph::TensorMap inputs;
  inputs.emplace("x", graph::Tensor::from<float>({1, 4}, {-2.0F, -0.5F, 0.0F, 3.0F}));
  const auto outputs = graph::Executor(b.build()).run(inputs);
  const auto y = outputs.at("y").data<float>();
  ASSERT_EQ(y.size(), 4U);
  EXPECT_EQ(y[0], std::tanh(-2.0F));
  EXPECT_EQ(y[1], std::tanh(-0.5F));
  EXPECT_EQ(y[2], 0.0F);
  EXPECT_EQ(y[3], std::tanh(3.0F));
}

TEST(TanhLayer, Float32FusedAndAloneMatchTheReference) {
  auto b = conv_tanh_tanh();
  EXPECT_LE(max_error(b, "tanh_float", {}), 1e-5);
}

TEST(TanhLayer, FixedPointStaysWithinTheFormatsResolution) {
  auto b = conv_tanh_tanh();
  // fixed<16,6>: 10 fraction bits; the convolution's rounding and tanh's slope (at most 1) keep
  // the error within a few steps of 2^-10.
  EXPECT_LE(max_error(b, "tanh_fixed", Precision::parse("fixed<16,6>")), 8.0 / 1024);
}

TEST(TanhLayer, Int8IsRefusedWithTheReason) {
  auto b = conv_tanh_tanh();
  const graph::Graph g = b.build();
  CompileOptions options = testing::options_for("tanh_int8", Precision::parse("int8"));
  options.calibration = {b.random_inputs()};
  try {
    (void)compile_graph(g, options);
    FAIL() << "int8 Tanh compiled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::unsupported);
    EXPECT_NE(std::string(e.what()).find("unsupported: int8 Conv+Tanh (only ReLU/Clip fuse into requantization)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace zynqnn::compiler
