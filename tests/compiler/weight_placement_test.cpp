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
  EXPECT_GT(too_big.bram36, too_big.budget.bram36);
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
  EXPECT_LE(e.bram36, e.budget.bram36);
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

}  // namespace
}  // namespace zynqnn::compiler
