// Cycle counts hand-computed from the loop nests of hls/layers, resource rules, budget checks.
#include <gtest/gtest.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/estimate/estimator.hpp"
#include "zynqnn/estimate/json.hpp"

namespace {

using namespace zynqnn::estimate;

LayerDesc conv_8x8x16_to_32() {
  LayerDesc l;
  l.name = "conv1";
  l.kind = StageKind::conv;
  l.in_h = l.in_w = 8;
  l.in_channels = 16;
  l.out_channels = 32;
  l.kernel_h = l.kernel_w = 3;
  l.pad_top = l.pad_left = l.pad_bottom = l.pad_right = 1;
  l.simd = 4;
  l.pe = 8;
  return l;
}

TEST(EstimateCycles, ConvMatchesFinnFormula) {
  const auto e = estimate_layer(conv_8x8x16_to_32());
  // FINN: OFM_dim^2 * (K^2 * IFM_ch / SIMD) * (OFM_ch / PE) = 64 * 36 * 4
  EXPECT_EQ(e.compute_cycles, 9216u);
  // window generator: reads 64 pixels * 4 folds, emits 64 * 9 * 4 words
  EXPECT_EQ(e.window_cycles, 256u + 2304u);
  EXPECT_EQ(e.cycles_per_frame, 9216u);
  EXPECT_GT(e.latency_cycles, e.cycles_per_frame);
  EXPECT_EQ(e.weight_depth, 144u);  // 4 neuron folds x 36 synapse folds
  EXPECT_EQ(e.weight_width_bits, 32u);
  EXPECT_GE(e.resources.bram18, 8);  // one 512x36 BRAM18 per PE
  EXPECT_EQ(e.resources.dsp, 32);    // 8 PE x 4 SIMD int8 MACs, one DSP48E1 each
}

TEST(EstimateCycles, WindowGeneratorBoundsAFullyParallelConv) {
  auto l = conv_8x8x16_to_32();
  l.pe = 32;
  const auto e = estimate_layer(l);
  EXPECT_EQ(e.compute_cycles, 64u * 36u);
  EXPECT_EQ(e.cycles_per_frame, 2560u);  // the window generator is slower
}

TEST(EstimateCycles, GroupedConv) {
  LayerDesc l;
  l.kind = StageKind::conv;
  l.in_h = l.in_w = 6;
  l.in_channels = 8;
  l.out_channels = 4;
  l.groups = 2;
  l.kernel_h = l.kernel_w = 3;
  l.pad_top = l.pad_left = l.pad_bottom = l.pad_right = 1;
  l.simd = 2;
  l.pe = 1;
  // 36 pixels x 2 groups x 2 neuron folds x (9 * 4 / 2) synapse folds
  EXPECT_EQ(estimate_layer(l).compute_cycles, 2592u);
}

TEST(EstimateCycles, FullyConnectedPoolingDepthwiseAndStreams) {
  LayerDesc fc;
  fc.kind = StageKind::fully_connected;
  fc.in_channels = 64;
  fc.out_channels = 10;
  fc.simd = 8;
  fc.pe = 5;
  EXPECT_EQ(estimate_layer(fc).cycles_per_frame, 16u);  // (10/5) * (64/8)

  LayerDesc pool;
  pool.kind = StageKind::max_pool;
  pool.in_h = pool.in_w = 8;
  pool.in_channels = 16;
  pool.kernel_h = pool.kernel_w = 2;
  pool.stride_h = pool.stride_w = 2;
  pool.simd = 4;
  const auto p = estimate_layer(pool);
  EXPECT_EQ(p.compute_cycles, 256u);       // 16 pixels x 4 taps x 4 folds
  EXPECT_EQ(p.cycles_per_frame, 512u);     // 256 read + 256 emitted
  EXPECT_EQ(p.resources.dsp, 0);

  LayerDesc dw = pool;
  dw.kind = StageKind::depthwise_conv;
  dw.kernel_h = dw.kernel_w = 3;
  dw.stride_h = dw.stride_w = 1;
  dw.pad_top = dw.pad_left = dw.pad_bottom = dw.pad_right = 1;
  const auto d = estimate_layer(dw);
  EXPECT_EQ(d.compute_cycles, 64u * 9 * 4);
  EXPECT_EQ(d.cycles_per_frame, 256u + 64u * 9 * 4);

  LayerDesc wc;
  wc.kind = StageKind::width_convert;
  wc.in_h = wc.in_w = 8;
  wc.in_channels = 16;
  wc.simd = 4;
  wc.pe = 2;
  EXPECT_EQ(estimate_layer(wc).cycles_per_frame, 512u);

  LayerDesc gp;
  gp.kind = StageKind::global_pool;
  gp.in_h = gp.in_w = 7;
  gp.in_channels = 32;
  gp.simd = 8;
  EXPECT_EQ(estimate_layer(gp).cycles_per_frame, 49u * 4);

  LayerDesc cat;
  cat.kind = StageKind::concat;
  cat.in_h = cat.in_w = 4;
  cat.in_channels = 8;
  cat.out_channels = 12;
  cat.simd = 4;
  EXPECT_EQ(estimate_layer(cat).cycles_per_frame, 16u * 3);
}

TEST(EstimateResources, Bram18AspectRatios) {
  EXPECT_EQ(bram18_for(1024, 18), 1);
  EXPECT_EQ(bram18_for(512, 36), 1);
  EXPECT_EQ(bram18_for(512, 72), 2);
  EXPECT_EQ(bram18_for(1025, 18), 2);
  EXPECT_EQ(bram18_for(16384, 1), 1);
  EXPECT_EQ(bram18_for(2048, 8), 1);
  EXPECT_EQ(bram18_for(0, 8), 0);
}

TEST(EstimateResources, NarrowMacsUseLutsStreamedWeightsUseNoBram) {
  auto l = conv_8x8x16_to_32();
  l.input_bits = l.weight_bits = 4;
  const auto lut_based = estimate_layer(l);
  EXPECT_EQ(lut_based.resources.dsp, 0);
  auto eight = estimate_layer(conv_8x8x16_to_32());
  auto streamed_desc = conv_8x8x16_to_32();
  streamed_desc.weights_streamed = true;
  const auto streamed = estimate_layer(streamed_desc);
  EXPECT_LT(streamed.resources.bram18, eight.resources.bram18);
  // every pixel re-reads all 144 x 8 PE words of 32 bits
  EXPECT_EQ(streamed.weight_stream_bytes_per_frame, 64u * 144 * 8 * 4);
}

TEST(EstimatePipeline, ThroughputIsTheSlowestLayer) {
  LayerDesc fc;
  fc.name = "fc";
  fc.kind = StageKind::fully_connected;
  fc.in_channels = 64;
  fc.out_channels = 10;
  const auto p = estimate_pipeline({conv_8x8x16_to_32(), fc}, 100.0);
  EXPECT_EQ(p.cycles_per_frame, 9216u);
  EXPECT_EQ(p.bottleneck, 0u);
  EXPECT_DOUBLE_EQ(p.frames_per_second, 100e6 / 9216);
  EXPECT_EQ(p.latency_cycles, p.layers[0].latency_cycles + p.layers[1].latency_cycles);
  EXPECT_TRUE(p.fits());
}

TEST(EstimatePipeline, BudgetOverflowIsFlagged) {
  LayerDesc big;
  big.name = "huge";
  big.kind = StageKind::conv;
  big.in_h = big.in_w = 4;
  big.in_channels = 64;
  big.out_channels = 64;
  big.kernel_h = big.kernel_w = 3;
  big.pe = 64;
  big.simd = 64;
  const auto p = estimate_pipeline({big});
  ASSERT_FALSE(p.fits());
  bool dsp_flagged = false;
  for (const auto& o : p.overflows)
    if (o.resource == "dsp") {
      dsp_flagged = true;
      EXPECT_EQ(o.used, 64.0 * 64);
      EXPECT_EQ(o.available, 220.0);
    }
  EXPECT_TRUE(dsp_flagged);
  const auto j = to_json(p);
  EXPECT_FALSE(j.at("fits_estimate").get<bool>());
  EXPECT_FALSE(j.at("overflows").empty());
}

TEST(EstimateJson, EveryFigureIsLabeledAnEstimate) {
  const auto j = to_json(estimate_pipeline({conv_8x8x16_to_32()}));
  EXPECT_EQ(j.at("kind"), "analytical_estimate");
  EXPECT_EQ(j.at("cycles_per_frame_estimate"), 9216u);
  EXPECT_EQ(j.at("bottleneck_layer"), "conv1");
  const auto& layer = j.at("layers").at(0);
  EXPECT_EQ(layer.at("kind"), "conv");
  EXPECT_EQ(layer.at("compute_cycles_estimate"), 9216u);
  EXPECT_EQ(layer.at("resources").at("dsp_estimate"), 32.0);
  EXPECT_EQ(j.at("budget").at("bram18"), 280.0);
}

TEST(EstimateValidation, BrokenFoldingNamesLayerAndField) {
  auto l = conv_8x8x16_to_32();
  l.simd = 3;
  try {
    estimate_layer(l);
    FAIL() << "expected an error";
  } catch (const zynqnn::Error& e) {
    EXPECT_EQ(e.code(), zynqnn::ErrorCode::invalid_argument);
    EXPECT_NE(e.where().find("conv1"), std::string::npos);
    EXPECT_NE(e.where().find("simd"), std::string::npos);
  }
  l = conv_8x8x16_to_32();
  l.kernel_h = 11;
  l.pad_top = l.pad_bottom = 0;
  EXPECT_THROW(estimate_layer(l), zynqnn::Error);
  l = conv_8x8x16_to_32();
  l.in_h = 0;
  EXPECT_THROW(estimate_layer(l), zynqnn::Error);
  EXPECT_THROW(estimate_pipeline({}), zynqnn::Error);
  EXPECT_THROW(estimate_pipeline({conv_8x8x16_to_32()}, 0.0), zynqnn::Error);
}

}  // namespace
