// The folding optimizer: meets a reachable target with a balanced pipeline, reports the best
// FPS that fits for an unreachable one, and reports when nothing fits.
#include <gtest/gtest.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/estimate/folding.hpp"
#include "zynqnn/estimate/json.hpp"

namespace {

using namespace zynqnn::estimate;

LayerDesc conv(const char* name, int hw, int c, int oc, int stride) {
  LayerDesc l;
  l.name = name;
  l.kind = StageKind::conv;
  l.in_h = l.in_w = hw;
  l.in_channels = c;
  l.out_channels = oc;
  l.kernel_h = l.kernel_w = 3;
  l.stride_h = l.stride_w = stride;
  l.pad_top = l.pad_left = l.pad_bottom = l.pad_right = 1;
  return l;
}

std::vector<LayerDesc> small_cnn() {
  LayerDesc pool;
  pool.name = "pool";
  pool.kind = StageKind::max_pool;
  pool.in_h = pool.in_w = 32;
  pool.in_channels = 16;
  pool.kernel_h = pool.kernel_w = 2;
  pool.stride_h = pool.stride_w = 2;
  LayerDesc fc;
  fc.name = "fc";
  fc.kind = StageKind::fully_connected;
  fc.in_channels = 32 * 8 * 8;
  fc.out_channels = 10;
  return {conv("conv1", 32, 3, 16, 1), pool, conv("conv2", 16, 16, 32, 2), fc};
}

TEST(Folding, CandidatesAreDivisorPairs) {
  const auto c = folding_candidates(conv("c", 8, 6, 4, 1));
  EXPECT_EQ(c.size(), 3u * 4u);  // pe in {1,2,4}, simd in {1,2,3,6}
  for (const auto& f : c) {
    EXPECT_EQ(4 % f.pe, 0);
    EXPECT_EQ(6 % f.simd, 0);
  }
}

TEST(Folding, MeetsAReachableTargetWithABalancedPipeline) {
  const FoldingRequest request{500.0, 100.0, xc7z020(), 0.85};
  const auto result = optimize_folding(small_cnn(), request);
  ASSERT_TRUE(result.fits);
  ASSERT_TRUE(result.target_met);
  EXPECT_GE(result.estimate.frames_per_second, 500.0);
  EXPECT_TRUE(result.estimate.fits());
  const auto target_cycles = static_cast<std::uint64_t>(100e6 / 500.0);
  for (const auto& layer : result.estimate.layers) EXPECT_LE(layer.cycles_per_frame, target_cycles) << layer.name;
  // Balanced: no layer is folded faster than it needs; a folding with a smaller PE*SIMD would miss the target.
  for (std::size_t i = 0; i < result.layers.size(); ++i) {
    const auto& chosen = result.layers[i];
    for (const auto f : folding_candidates(chosen)) {
      if (f.pe * f.simd >= chosen.pe * chosen.simd) continue;
      LayerDesc slower = chosen;
      slower.pe = f.pe;
      slower.simd = f.simd;
      EXPECT_GT(estimate_layer(slower).cycles_per_frame, target_cycles)
          << chosen.name << " could use pe=" << f.pe << " simd=" << f.simd;
    }
  }
  // The fully folded design is far slower than the target: the optimizer had work to do.
  EXPECT_LT(estimate_pipeline(small_cnn()).frames_per_second, 500.0);
}

TEST(Folding, ReportsTheBestFpsForAnUnreachableTarget) {
  const FoldingRequest request{1e7, 100.0, xc7z020(), 0.85};
  const auto result = optimize_folding(small_cnn(), request);
  EXPECT_FALSE(result.target_met);
  ASSERT_TRUE(result.fits);
  const double best = result.estimate.frames_per_second;
  EXPECT_LT(best, 1e7);
  EXPECT_GT(best, estimate_pipeline(small_cnn()).frames_per_second);
  EXPECT_TRUE(overflows(result.estimate.total, request.budget, request.max_utilization).empty());
  // The best is consistent: asking for exactly it succeeds, asking for more does not.
  const auto again = optimize_folding(small_cnn(), FoldingRequest{best, 100.0, xc7z020(), 0.85});
  EXPECT_TRUE(again.target_met);
  EXPECT_DOUBLE_EQ(again.estimate.frames_per_second, best);
  const auto more = optimize_folding(small_cnn(), FoldingRequest{best * 1.01, 100.0, xc7z020(), 0.85});
  EXPECT_FALSE(more.target_met);
  const auto j = to_json(result, request);
  EXPECT_FALSE(j.at("target_met_estimate").get<bool>());
  EXPECT_EQ(j.at("pipeline").at("kind"), "analytical_estimate");
}

TEST(Folding, ReportsWhenNothingFits) {
  DeviceBudget tiny{"tiny", Resources{500, 1000, 1, 0}};
  const auto result = optimize_folding(small_cnn(), FoldingRequest{100.0, 100.0, tiny, 1.0});
  EXPECT_FALSE(result.fits);
  EXPECT_FALSE(result.target_met);
  EXPECT_FALSE(result.estimate.fits());
  EXPECT_FALSE(result.estimate.overflows.empty());
  // It reports the cheapest design: per layer no folding costs less (normalized to the budget).
  const auto cost = [&](const Resources& r) {
    return r.lut / tiny.available.lut + r.ff / tiny.available.ff + r.bram18 / tiny.available.bram18;
  };
  for (std::size_t i = 0; i < result.layers.size(); ++i) {
    const double chosen = cost(result.estimate.layers[i].resources);
    for (const auto f : folding_candidates(result.layers[i])) {
      LayerDesc other = result.layers[i];
      other.pe = f.pe;
      other.simd = f.simd;
      EXPECT_LE(chosen, cost(estimate_layer(other).resources) + 1e-12) << other.name;
    }
  }
}

TEST(Folding, RejectsBadRequests) {
  EXPECT_THROW(optimize_folding({}, FoldingRequest{10.0}), zynqnn::Error);
  EXPECT_THROW(optimize_folding(small_cnn(), FoldingRequest{0.0}), zynqnn::Error);
  EXPECT_THROW(optimize_folding(small_cnn(), FoldingRequest{10.0, -1.0}), zynqnn::Error);
  EXPECT_THROW(optimize_folding(small_cnn(), FoldingRequest{10.0, 100.0, xc7z020(), 1.5}), zynqnn::Error);
}

}  // namespace
