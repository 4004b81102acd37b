// Weights in DDR: which layers the compiler moves off chip (automatic: only what does not fit;
// ddr: every convolution/dense layer; on-chip: none), the weight stream's order and size, the
// estimate's DDR traffic, and end to end on the virtual board: the same network with weights
// on chip and in DDR gives identical int8/fixed outputs and float32 outputs within tolerance,
// the constant streams are the accelerator's own (the caller never supplies them).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "compiler_test_util.hpp"
#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/compiler/weight_placement.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;
using testing::GraphBuilder;
using Ints = std::vector<std::int64_t>;

// conv 3x3 (3 -> 6) + ReLU, max pool, conv 3x3 (6 -> 4), flatten, dense (4*2*2 -> 5).
GraphBuilder small_cnn() {
  GraphBuilder b;
  b.input("x", {1, 3, 8, 8})
      .random_constant("w1", {6, 3, 3, 3})
      .random_constant("b1", {6}, 0.2F)
      .random_constant("w2", {4, 6, 3, 3})
      .random_constant("b2", {4}, 0.2F)
      .random_constant("w3", {5, 16})
      .random_constant("b3", {5}, 0.2F)
      .node({"Conv", "conv1", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}})
      .node({"Relu", "relu1", {"c1"}, {"r1"}, {}})
      .node({"MaxPool", "pool1", {"r1"}, {"p1"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}})
      .node({"Conv", "conv2", {"p1", "w2", "b2"}, {"c2"}, {}})
      .node({"Flatten", "flat", {"c2"}, {"f"}, {}})
      .node({"Gemm", "fc", {"f", "w3", "b3"}, {"y"}, {{"transB", std::int64_t{1}}}})
      .output("y");
  return b;
}

// 784 -> 1024 -> 10: the first matrix (3.2 MB of float32) cannot be on chip, the second can.
GraphBuilder large_mlp() {
  GraphBuilder b;
  b.input("x", {1, 784})
      .random_constant("w1", {784, 1024}, 0.05F)
      .random_constant("b1", {1024}, 0.1F)
      .random_constant("w2", {1024, 10}, 0.05F)
      .random_constant("b2", {10}, 0.1F)
      .node({"Gemm", "fc1", {"x", "w1", "b1"}, {"h"}, {}})
      .node({"Relu", "relu", {"h"}, {"r"}, {}})
      .node({"Gemm", "fc2", {"r", "w2", "b2"}, {"y"}, {}})
      .output("y");
  return b;
}

const PlLayer& layer_named(const LayerPlan& plan, const std::string& id) {
  for (const auto& l : plan.layers)
    if (l.id == id) return l;
  throw Error(ErrorCode::not_found, "no layer", id);
}

TEST(WeightPlacement, AutomaticMovesOnlyWhatDoesNotFit) {
  GraphBuilder b = large_mlp();
  auto on_chip = lower(b.build(), {}, "mlp");
  place_weights(on_chip, WeightPlacement::on_chip, 100.0);
  const NetworkEstimate too_big = estimate(on_chip, 100.0);
  EXPECT_GT(too_big.bram18, too_big.budget.bram18);
  EXPECT_FALSE(too_big.fits());

  auto plan = lower(b.build(), {}, "mlp");
  place_weights(plan, WeightPlacement::automatic, 100.0);
  const PlLayer& fc1 = layer_named(plan, "l_fc1");
  const PlLayer& fc2 = layer_named(plan, "l_fc2");
  ASSERT_FALSE(fc1.ddr_weight_port.empty());
  EXPECT_TRUE(fc2.ddr_weight_port.empty());  // 40 KB: stays on chip
  EXPECT_FALSE(foldable(fc1));
  EXPECT_THROW(apply_folding(plan, {{"l_fc1", 2, 1}}), Error);
  const PlTensor& port = plan.tensor(fc1.ddr_weight_port);
  EXPECT_TRUE(port.constant);
  EXPECT_EQ(port.elements(), 784 * 1024);
  EXPECT_EQ(plan.pl_inputs.back(), fc1.ddr_weight_port);  // after the caller's inputs

  const NetworkEstimate e = estimate(plan, 100.0);
  EXPECT_LE(e.bram18, e.budget.bram18);
  EXPECT_TRUE(e.fits());
  EXPECT_EQ(e.ddr_weight_bytes, 784u * 1024u * 4u);
  // The weight stream arrives one element a cycle: the frame takes at least that many cycles.
  EXPECT_GE(e.interval_cycles, 784u * 1024u);
}

TEST(WeightPlacement, DdrMovesEveryConvAndDenseLayerAndRepeatsPerPixel) {
  GraphBuilder b = small_cnn();
  auto plan = lower(b.build(), {}, "cnn");
  place_weights(plan, WeightPlacement::ddr, 100.0);
  int moved = 0;
  for (const auto& l : plan.layers) {
    if (!can_stream_weights(l)) continue;
    ++moved;
    ASSERT_FALSE(l.ddr_weight_port.empty()) << l.id;
    EXPECT_EQ(l.pe * l.simd, 1);
  }
  EXPECT_EQ(moved, 3);
  const PlLayer& conv1 = layer_named(plan, "l_conv1");
  EXPECT_EQ(weight_stream_repeats(conv1), 8 * 8);
  EXPECT_EQ(weight_stream_elements(conv1), 6 * 3 * 3 * 3 * 64);
  const PlLayer& conv2 = layer_named(plan, "l_conv2");
  EXPECT_EQ(weight_stream_repeats(conv2), 2 * 2);
  const PlLayer& fc = layer_named(plan, "l_fc");
  EXPECT_EQ(weight_stream_repeats(fc), 1);

  // One pass is the ROM's packing at PE = SIMD = 1: output channel after output channel,
  // window positions (ky, kx) with channels innermost.
  const auto pass = ddr_weight_pass(conv1, plan.precision);
  ASSERT_EQ(pass.size(), 6u * 27u);
  const auto w = [&](int o, int c, int y, int x) { return conv1.weights[static_cast<std::size_t>(((o * 3 + c) * 3 + y) * 3 + x)]; };
  EXPECT_EQ(pass[0], w(0, 0, 0, 0));
  EXPECT_EQ(pass[1], w(0, 1, 0, 0));   // channel innermost
  EXPECT_EQ(pass[3], w(0, 0, 0, 1));   // then kx
  EXPECT_EQ(pass[27], w(1, 0, 0, 0));  // next output channel

  const NetworkEstimate e = estimate(plan, 100.0);
  EXPECT_EQ(e.ddr_weight_bytes, 4u * static_cast<std::uint64_t>(weight_stream_elements(conv1) + weight_stream_elements(conv2) +
                                                                 weight_stream_elements(fc)));
  EXPECT_EQ(parse_weight_placement("ddr"), WeightPlacement::ddr);
  EXPECT_THROW(parse_weight_placement("dram"), Error);
}

TEST(WeightPlacement, AStreamAboveOneDmaTransferIsRefusedByName) {
  // 64x64 output pixels x (64 x 64 x 3 x 3) float32 weights: 604 MB a frame.
  GraphBuilder b;
  b.input("x", {1, 64, 64, 64})
      .random_constant("w", {64, 64, 3, 3})
      .node({"Conv", "big", {"x", "w"}, {"y"}, {{"pads", Ints{1, 1, 1, 1}}}})
      .output("y");
  auto plan = lower(b.build(), {}, "big");
  try {
    place_weights(plan, WeightPlacement::ddr, 100.0);
    FAIL() << "a weight stream larger than one DMA transfer was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("l_big"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("DMA transfer"), std::string::npos) << e.what();
  }
}

struct CompiledRun {
  CompileResult compiled;
  std::vector<std::vector<float>> outputs;
};

CompiledRun compile_and_run(const graph::Graph& g, const std::string& name, const std::string& precision, WeightPlacement weights,
                    const std::vector<graph::TensorMap>& inputs) {
  auto options = testing::options_for(name, Precision::parse(precision));
  options.calibration = inputs;
  options.weights = weights;
  CompiledRun r{compile_graph(g, options), {}};
  auto runner = testing::runner_for(r.compiled, options.output_dir);
  for (const auto& in : inputs) {
    const graph::Tensor y = runner.run(in).at(g.outputs.at(0));
    const auto v = y.data<float>();
    r.outputs.emplace_back(v.begin(), v.end());
  }
  return r;
}

TEST(WeightPlacement, WeightsInDdrGiveTheSameOutputsOnTheVirtualBoard) {
  GraphBuilder b = small_cnn();
  const graph::Graph g = b.build();
  std::vector<graph::TensorMap> inputs;
  for (int i = 0; i < 3; ++i) inputs.push_back(b.random_inputs());
  const graph::Executor reference(g);
  for (const std::string precision : {"float32", "int8", "fixed<16,6>"}) {
    SCOPED_TRACE(precision);
    const std::string tag = precision == "fixed<16,6>" ? "fixed16_6" : precision;
    const CompiledRun chip = compile_and_run(g, "weights_chip_" + tag, precision, WeightPlacement::on_chip, inputs);
    const CompiledRun ddr = compile_and_run(g, "weights_ddr_" + tag, precision, WeightPlacement::ddr, inputs);

    // The manifest: three constant streams, each file exactly one DMA frame; the caller's view
    // has the image only.
    const fs::path out = testing::work_dir("weights_ddr_" + tag);
    const auto m = manifest::load_manifest(out / "manifest.json");
    ASSERT_EQ(m.constant_inputs().size(), 3u);
    ASSERT_EQ(m.inputs().size(), 1u);
    for (const auto* s : m.constant_inputs()) {
      ASSERT_FALSE(s->constant.empty());
      EXPECT_EQ(static_cast<std::int64_t>(fs::file_size(out / s->constant)), s->bytes) << s->name;
    }

    ASSERT_EQ(chip.outputs.size(), ddr.outputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      ASSERT_EQ(chip.outputs[i].size(), ddr.outputs[i].size());
      const graph::Tensor reference_y = reference.run(inputs[i]).at("y");
      const auto expected = reference_y.data<float>();
      for (std::size_t k = 0; k < ddr.outputs[i].size(); ++k) {
        if (precision == "float32") {
          EXPECT_NEAR(ddr.outputs[i][k], expected[k], 1e-5 + 1e-4 * std::fabs(expected[k])) << k;
          EXPECT_NEAR(ddr.outputs[i][k], chip.outputs[i][k], 1e-5 + 1e-4 * std::fabs(chip.outputs[i][k])) << k;
        } else {  // the same integer arithmetic in the same order: bit for bit
          EXPECT_EQ(ddr.outputs[i][k], chip.outputs[i][k]) << k;
        }
      }
    }
  }
}

TEST(WeightPlacement, ALargeMlpCompilesWithItsFirstLayerInDdrAndMatchesTheReference) {
  GraphBuilder b = large_mlp();
  const graph::Graph g = b.build();
  const std::vector<graph::TensorMap> inputs{b.random_inputs()};
  const CompiledRun r = compile_and_run(g, "weights_large_mlp", "float32", WeightPlacement::automatic, inputs);
  EXPECT_TRUE(r.compiled.estimate.fits());
  EXPECT_FALSE(layer_named(r.compiled.plan, "l_fc1").ddr_weight_port.empty());
  const graph::Tensor reference_y = graph::Executor(g).run(inputs[0]).at("y");
  const auto expected = reference_y.data<float>();
  ASSERT_EQ(r.outputs[0].size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k)
    EXPECT_NEAR(r.outputs[0][k], expected[k], 1e-5 + 1e-4 * std::fabs(expected[k])) << k;

  // plan.json says where each layer's weights are.
  std::ifstream plan_file(testing::work_dir("weights_large_mlp") / "plan.json");
  const auto plan = nlohmann::json::parse(plan_file);
  EXPECT_EQ(plan.at("pl_layers").at(0).at("weights"), "ddr");
  EXPECT_EQ(plan.at("pl_layers").at(1).at("weights"), "on-chip");  // fc1 and its ReLU are one layer
  EXPECT_EQ(plan.at("estimate").at("ddr_weight_bytes_per_frame"), 784 * 1024 * 4);
}

}  // namespace
}  // namespace zynqnn::compiler
