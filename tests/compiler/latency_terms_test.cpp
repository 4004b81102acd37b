// The modeled latency in the manifest is the layer stages' latency, which `zynqnn estimate
// OUT` computes from layers.json, plus the unpacking and packing at the DMA ports.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "compiler_test_util.hpp"
#include "zynqnn/estimate/estimator.hpp"
#include "zynqnn/estimate/layer_json.hpp"

namespace zynqnn::compiler {
namespace {

using Ints = std::vector<std::int64_t>;

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(LatencyTerms, ManifestIsTheLayerStagesPlusThePortPacking) {
  testing::GraphBuilder b;
  b.input("x", {1, 3, 6, 6})
      .random_constant("w", {5, 3, 3, 3})
      .random_constant("bias", {5}, 0.2F)
      .node({"Conv", "conv", {"x", "w", "bias"}, {"c"}, {{"pads", Ints{1, 1, 1, 1}}}})
      .node({"Relu", "relu", {"c"}, {"y"}, {}})
      .output("y");
  auto options = testing::options_for("latency_terms");
  options.build_sim = false;
  const auto compiled = compile_graph(b.build(), options);
  const NetworkEstimate& e = compiled.estimate;
  EXPECT_EQ(e.port_cycles, 3u * 6 * 6 + 5u * 6 * 6);  // one element a cycle in, and out

  const auto layers = estimate::layers_from_json(read_json(options.output_dir / "layers.json"));
  const auto stages = estimate::estimate_pipeline(layers, options.clock_mhz);
  const auto manifest = read_json(options.output_dir / "manifest.json");
  EXPECT_EQ(manifest.at("frame_latency_cycles").get<std::uint64_t>(), stages.latency_cycles + e.port_cycles);
  EXPECT_EQ(e.latency_cycles, stages.latency_cycles + e.port_cycles);

  const auto plan = read_json(options.output_dir / "plan.json").at("estimate");
  EXPECT_EQ(plan.at("latency_cycles_estimate").get<std::uint64_t>(), e.latency_cycles);
  EXPECT_EQ(plan.at("layer_latency_cycles_estimate").get<std::uint64_t>(), stages.latency_cycles);
  EXPECT_EQ(plan.at("port_cycles_estimate").get<std::uint64_t>(), e.port_cycles);
}

// 150 MHz is not a clock the PS7 makes from its 1000 MHz IO PLL: the design runs at 1000/7 MHz,
// and the estimate (frames per second) is of that clock, as the manifest records it.
TEST(LatencyTerms, TheEstimateIsAtTheClockTheBoardReaches) {
  testing::GraphBuilder b;
  b.input("x", {1, 4}).random_constant("w", {4, 3}).node({"MatMul", "fc", {"x", "w"}, {"y"}, {}}).output("y");
  auto options = testing::options_for("reached_clock");
  options.build_sim = false;
  options.clock_mhz = 150;
  const auto compiled = compile_graph(b.build(), options);
  EXPECT_DOUBLE_EQ(compiled.estimate.clock_mhz, 1000.0 / 7);
  EXPECT_DOUBLE_EQ(compiled.estimate.fps, 1000.0 / 7 * 1e6 / static_cast<double>(compiled.estimate.interval_cycles));
  const auto manifest = read_json(options.output_dir / "manifest.json");
  EXPECT_DOUBLE_EQ(manifest.at("clock_mhz").get<double>(), 1000.0 / 7);
  EXPECT_DOUBLE_EQ(manifest.at("requested_clock_mhz").get<double>(), 150.0);
}

}  // namespace
}  // namespace zynqnn::compiler
