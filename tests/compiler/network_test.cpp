// Whole networks: mnist-8 (ONNX model zoo) in float32 and int8 through check_case, the
// Fashion-MNIST example in float32 and int8, the estimator against hand-computed cycle counts,
// and the int8 conversions.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler_test_util.hpp"
#include "requant.h"
#include "zynqnn/compiler/check_onnx.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;

CheckOptions check_options(const char* precision) {
  CheckOptions o;
  o.precision = Precision::parse(precision);
  o.work_dir = fs::path(ZYNQNN_BINARY_DIR) / "compiler-tests";
  return o;
}

TEST(Mnist8, Float32MatchesTheReferenceOutputsOnThePl) {
  const auto r = check_case(fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8", check_options("float32"));
  EXPECT_EQ(r.status, "pass") << r.reason;
  EXPECT_EQ(r.ran_on, "pl");
  EXPECT_EQ(r.data_sets, 1);
}

TEST(Mnist8, Int8KeepsTheReferenceTopOneClass) {
  const auto r = check_case(fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8", check_options("int8"));
  EXPECT_EQ(r.status, "pass") << r.reason;  // int8: pass = argmax equal
  EXPECT_EQ(r.ran_on, "pl");
}

// check-onnx goes through the DMA driver on the virtual board: a deadline shorter than the
// frame's modeled time (mnist-8: ~8 ms at 100 MHz) fails the case with the driver's timeout,
// it does not hang and it is not reported as a pass.
TEST(Mnist8, CheckOnnxCallsTheVirtualBoardWithADeadline) {
  CheckOptions o = check_options("float32");
  o.deadline = std::chrono::microseconds(10);
  const auto r = check_case(fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8", o);
  EXPECT_EQ(r.status, "fail");
  EXPECT_NE(r.reason.find("not complete at the deadline"), std::string::npos) << r.reason;
  EXPECT_EQ(r.data_sets, 0);
  o.board = "no-such-board";
  const auto bad = check_case(fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8", o);
  EXPECT_EQ(bad.status, "fail");
  EXPECT_NE(bad.reason.find("board must be"), std::string::npos) << bad.reason;
}

// Fashion-MNIST example: synthetic images (strokes on a dark background) as calibration and
// test inputs; float32 within tolerance of the reference, int8 within a few percent of the
// logit range and with the same top-1 class on most images.
TEST(FashionCnn, CompilesAndRunsInFloat32AndInt8) {
  const fs::path model = fs::path(ZYNQNN_SOURCE_DIR) / "examples" / "fashion_mnist" / "fashion_cnn.onnx";
  graph::Graph g = onnx_import::import_file(model);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0F, 1.0F);
  std::vector<graph::TensorMap> images;
  for (int n = 0; n < 8; ++n) {
    graph::Tensor t(graph::DType::float32, {1, 1, 28, 28});
    auto d = t.data<float>();
    const int x0 = 4 + n, x1 = 24 - n / 2;
    for (int y = 3; y < 25; ++y)
      for (int x = x0; x < x1; ++x) d[static_cast<std::size_t>(y * 28 + x)] = 0.5F + 0.5F * u(rng);
    graph::TensorMap m;
    m.emplace(g.inputs[0], t);
    images.push_back(m);
  }
  const graph::Executor reference(g);
  for (const char* precision : {"float32", "int8"}) {
    auto options = testing::options_for(std::string("fashion_") + precision, Precision::parse(precision));
    options.model = model;
    options.calibration = images;
    const auto compiled = compile_graph(g, options);
    ASSERT_EQ(compiled.plan.layers.size(), 5U);
    auto runner = testing::runner_for(compiled, options.output_dir);
    int same_class = 0;
    for (const auto& image : images) {
      const auto expected_outputs = reference.run(image);
      const auto e = expected_outputs.at(g.outputs[0]).data<float>();
      const auto a = runner.run(image).at(g.outputs[0]);
      const auto av = a.data<float>();
      const float range = *std::max_element(e.begin(), e.end()) - *std::min_element(e.begin(), e.end());
      for (std::size_t i = 0; i < e.size(); ++i) {
        if (std::string(precision) == "float32")
          ASSERT_TRUE(std::fabs(e[i] - av[i]) <= 1e-5F + 1e-4F * std::fabs(e[i])) << i << ": " << av[i] << " vs " << e[i];
        else
          EXPECT_LE(std::fabs(e[i] - av[i]), 0.1F * range) << precision << " logit " << i;
      }
      same_class += std::max_element(e.begin(), e.end()) - e.begin() == std::max_element(av.begin(), av.end()) - av.begin();
    }
    EXPECT_GE(same_class, std::string(precision) == "float32" ? 8 : 7) << precision;
  }
}

// mnist-8's conv layers by hand (PE = SIMD = 1; the layer library's cycle formulas):
// conv1: window 28*28*1 + 28*28*5*5*1 = 20384; MVU 28*28 pixels * NF 8 * SF 25 = 156800.
// pool1 (2x2/2 on 28x28x8): window 28*28*8 + 14*14*4*8 = 12544; pool 14*14*4*8 = 6272.
// conv2: window 14*14*8 + 14*14*25*8 = 40768; MVU 196 * 16 * 200 = 627200.
// dense: 1 pixel * 10 * 256 = 2560.
TEST(Estimate, MatchesHandComputedCycleCounts) {
  graph::Graph g = onnx_import::import_file(fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8" / "model.onnx");
  const auto plan = lower(g, {}, "mnist");
  const auto e = estimate(plan, 100.0);
  ASSERT_EQ(e.layers.size(), 5U);
  EXPECT_EQ(e.layers[0].cycles, 156800U);
  EXPECT_EQ(e.layers[1].cycles, 12544U);
  EXPECT_EQ(e.layers[2].cycles, 627200U);
  EXPECT_EQ(e.layers[4].cycles, 2560U);
  EXPECT_EQ(e.layers[0].macs, 28U * 28 * 8 * 25);
  EXPECT_EQ(e.interval_cycles, 627200U);
  EXPECT_DOUBLE_EQ(e.fps, 100e6 / 627200.0);
  EXPECT_TRUE(e.fits());
  // Folding for 1000 frames/s raises PE/SIMD of the slow convolutions until the interval fits.
  auto folded = plan;
  fold_for_target(folded, 100.0, 1000.0);
  const auto f = estimate(folded, 100.0);
  EXPECT_LE(f.interval_cycles, 100000U);
  EXPECT_GT(f.dsp, e.dsp);
  EXPECT_TRUE(f.fits());
}

TEST(Quantization, MultiplierRoundTripAndHostConversions) {
  for (double scale : {0.5, 0.001234, 3.7e-6, 0.9999, 17.25}) {
    std::int32_t m = 0, r = 0;
    ASSERT_TRUE(zynqnn_hls::quantize_multiplier(scale, m, r)) << scale;
    EXPECT_NEAR(static_cast<double>(m) * std::ldexp(1.0, -r), scale, scale * 1e-9);
    for (std::int32_t acc : {0, 1, -1, 1000, -77777, 2000000})
      EXPECT_LE(std::fabs(zynqnn_hls::requantize_value(acc, m, r, 0, -2147483647, 2147483647) - acc * scale), 0.5 + 1e-9);
  }
  // Pooling keeps the scale of its input; a fused ReLU narrows the output range to the zero point.
  graph::Graph g = onnx_import::import_file(fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8" / "model.onnx");
  auto options = testing::options_for("quant_roundtrip", Precision::parse("int8"));
  graph::Tensor x(graph::DType::float32, {1, 1, 28, 28});
  for (std::size_t i = 0; i < 784; ++i) x.data<float>()[i] = static_cast<float>(i % 255);
  graph::TensorMap m;
  m.emplace(g.inputs[0], x);
  options.calibration = {m};
  options.build_sim = false;
  const auto compiled = compile_graph(g, options);
  const auto& plan = compiled.plan;
  EXPECT_EQ(plan.layers[0].out_lo, plan.tensor(plan.layers[0].output).zero_point);
  EXPECT_EQ(plan.tensor(plan.layers[1].output).scale, plan.tensor(plan.layers[1].inputs[0]).scale);
  const PlTensor& in = plan.tensor(g.inputs[0]);
  EXPECT_NEAR(in.scale, 254.0F / 255.0F, 1e-6);
  EXPECT_EQ(in.zero_point, -128);
}

}  // namespace
}  // namespace zynqnn::compiler
