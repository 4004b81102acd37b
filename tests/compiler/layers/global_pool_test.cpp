// Global average pooling in int8 when the model gives the mean a scale of its own
// (src/compiler/layers/global_pool.cpp, global_average_requantized of hls/layers/pool.h),
// against the reference executor running the model's QuantizeLinear/DequantizeLinear graph.
#include <gtest/gtest.h>

#include "compiler_test_util.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

// x [1,3,4,5] quantized at scale 0.02, its mean per channel at 0.007 (a narrower range).
GraphBuilder requantized_mean(const std::string& pool) {
  GraphBuilder b;
  b.input("x", {1, 3, 4, 5})
      .constant("x_s", graph::Tensor::scalar<float>(0.02F))
      .constant("x_zp", graph::Tensor::scalar<std::int8_t>(-4))
      .constant("y_s", graph::Tensor::scalar<float>(0.007F))
      .constant("y_zp", graph::Tensor::scalar<std::int8_t>(3))
      .node({"QuantizeLinear", "qx", {"x", "x_s", "x_zp"}, {"xq"}, {}})
      .node({"DequantizeLinear", "dqx", {"xq", "x_s", "x_zp"}, {"xr"}, {}})
      .node({pool, "gap", {"xr"}, {"m"}, {}})
      .node({"QuantizeLinear", "qy", {"m", "y_s", "y_zp"}, {"yq"}, {}})
      .node({"DequantizeLinear", "dqy", {"yq", "y_s", "y_zp"}, {"y"}, {}})
      .output("y");
  return b;
}

TEST(GlobalPoolInt8, AnAverageIntoTheModelsOwnOutputScaleMatchesTheReferenceBitForBit) {
  auto b = requantized_mean("GlobalAveragePool");
  const graph::Graph g = b.build();
  const auto compiled = compile_graph(g, testing::options_for("gap_requantized"));
  EXPECT_EQ(compiled.plan.quantization, "model");
  ASSERT_EQ(compiled.plan.layers.size(), 1U);
  EXPECT_EQ(compiled.plan.layers[0].multiplier.size(), 1U);  // requantized, not kept at the input's scale
  auto runner = testing::runner_for(compiled, testing::work_dir("gap_requantized"));
  testing::expect_bit_exact(runner, g, b.random_inputs(-2.0F, 2.0F), "y");
}

TEST(GlobalPoolInt8, AMaximumIntoAnotherScaleIsRefusedNamingIt) {
  auto b = requantized_mean("GlobalMaxPool");
  CompileOptions options = testing::options_for("gmp_requantized");
  options.build_sim = false;
  try {
    compile_graph(b.build(), options);
    FAIL() << "a requantizing GlobalMaxPool compiled";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a requantizing maximum is not written"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zynqnn::compiler
