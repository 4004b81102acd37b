// The folding the compiler chooses is the folding it emits: the same networks compiled at
// several foldings (PE/SIMD per layer, width converters between layers of different widths)
// give bit-identical outputs in int8 and fixed<W,I>, and float32 outputs within tolerance;
// --target-fps changes the emitted chain; the estimate (and the manifest's modeled latency)
// is of the emitted chain; the estimator's cycles match hand-computed counts of folded layers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler_test_util.hpp"
#include "fixed_reference.hpp"
#include "zynqnn/compiler/check_onnx.hpp"
#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/io/tensor_proto.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;
using graph::Node;
using testing::GraphBuilder;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using Ints = std::vector<std::int64_t>;

// conv 3x3 (4 -> 8) + ReLU, max pool 2x2, depthwise 3x3, conv 1x1 (8 -> 12) + ReLU, global
// average pool, flatten, dense (12 -> 6). Channel counts give foldings whose widths do not
// divide each other (6 lanes into a layer of 4: through 2).
GraphBuilder small_cnn() {
  GraphBuilder b;
  b.input("x", {1, 4, 8, 8})
      .random_constant("w1", {8, 4, 3, 3})
      .random_constant("b1", {8}, 0.2F)
      .random_constant("wd", {8, 1, 3, 3})
      .random_constant("bd", {8}, 0.2F)
      .random_constant("w2", {12, 8, 1, 1})
      .random_constant("b2", {12}, 0.2F)
      .random_constant("w3", {6, 12})
      .random_constant("b3", {6}, 0.2F)
      .node({"Conv", "conv1", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}})
      .node({"Relu", "relu1", {"c1"}, {"r1"}, {}})
      .node({"MaxPool", "pool1", {"r1"}, {"p1"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}})
      .node({"Conv", "dw", {"p1", "wd", "bd"}, {"d1"}, {{"pads", Ints{1, 1, 1, 1}}, {"group", std::int64_t{8}}}})
      .node({"Conv", "conv2", {"d1", "w2", "b2"}, {"c2"}, {}})
      .node({"Relu", "relu2", {"c2"}, {"r2"}, {}})
      .node({"GlobalAveragePool", "gap", {"r2"}, {"g"}, {}})
      .node({"Flatten", "flat", {"g"}, {"f"}, {}})
      .node({"Gemm", "fc", {"f", "w3", "b3"}, {"y"}, {{"transB", std::int64_t{1}}}})
      .output("y");
  return b;
}

const std::vector<LayerFolding> kHandFolding = {{"l_conv1", 4, 2}, {"l_dw", 1, 4}, {"l_conv2", 6, 8}, {"l_fc", 3, 4}};

struct CompiledRun {
  CompileResult compiled;
  std::vector<std::vector<float>> outputs;  // per input
};

CompiledRun compile_and_run(const graph::Graph& g, const std::string& name, const std::string& precision,
                    const std::vector<graph::TensorMap>& inputs, const std::vector<LayerFolding>& folding,
                    double target_fps = 0) {
  auto options = testing::options_for(name, Precision::parse(precision));
  options.calibration = inputs;
  options.folding = folding;
  options.target_fps = target_fps;
  CompiledRun r{compile_graph(g, options), {}};
  auto runner = testing::runner_for(r.compiled, options.output_dir);
  for (const auto& in : inputs) {
    const auto out = runner.run(in).at(g.outputs.at(0));
    const auto v = out.data<float>();
    r.outputs.emplace_back(v.begin(), v.end());
  }
  return r;
}

std::vector<graph::TensorMap> inputs_for(GraphBuilder& b, int count) {
  std::vector<graph::TensorMap> out;
  for (int i = 0; i < count; ++i) out.push_back(b.random_inputs());
  return out;
}

const PlLayer& layer_named(const LayerPlan& plan, const std::string& id) {
  for (const auto& l : plan.layers)
    if (l.id == id) return l;
  throw Error(ErrorCode::not_found, "no layer", id);
}

TEST(Folding, HandFoldingIsEmittedWithWidthConverters) {
  GraphBuilder b = small_cnn();
  const graph::Graph g = b.build();
  auto plan = lower(g, {}, "small");
  apply_folding(plan, kHandFolding);
  EXPECT_EQ(layer_named(plan, "l_pool1").simd, 4);  // follows conv1's PE
  EXPECT_EQ(layer_named(plan, "l_gap").simd, 6);    // follows conv2's PE (6 divides 12)
  // x (1 lane) -> conv1 SIMD 2; dw 4 -> conv2 SIMD 8; gap 6 -> 2 -> fc SIMD 4; fc PE 3 -> output 1.
  const auto conversions = width_conversions(plan);
  std::vector<std::pair<int, int>> steps;
  for (const auto& c : conversions) steps.emplace_back(c.from, c.to);
  EXPECT_EQ(steps, (std::vector<std::pair<int, int>>{{1, 2}, {4, 8}, {6, 2}, {2, 4}, {3, 1}}));

  EXPECT_THROW(apply_folding(plan, {{"l_conv1", 3, 1}}), Error);   // 3 does not divide 8
  EXPECT_THROW(apply_folding(plan, {{"l_pool1", 2, 2}}), Error);   // pooling follows its input
  EXPECT_THROW(apply_folding(plan, {{"nothing", 1, 1}}), Error);
  EXPECT_THROW(parse_layer_folding("conv1=4"), Error);
  const auto f = parse_layer_folding("conv1=4x2");
  EXPECT_EQ(f.layer, "conv1");
  EXPECT_EQ(f.pe, 4);
  EXPECT_EQ(f.simd, 2);
}

// `compile --fold` takes the node name compile lists, any node the layer implements, or the
// layer id; an unknown name is refused with the names that fold.
TEST(Folding, ALayerIsNamedByItsNodeOrItsId) {
  GraphBuilder b = small_cnn();
  auto plan = lower(b.build(), {}, "small");
  apply_folding(plan, {{"conv1", 2, 1}, {"l_conv2", 3, 1}, {"relu2", 4, 1}});
  EXPECT_EQ(layer_named(plan, "l_conv1").pe, 2);
  EXPECT_EQ(layer_named(plan, "l_conv2").pe, 4);  // relu2 is fused into conv2's layer
  try {
    apply_folding(plan, {{"conv9", 1, 1}});
    FAIL() << "folded a layer that does not exist";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("conv9"), std::string::npos) << message;
    EXPECT_NE(message.find("conv1 (l_conv1), dw (l_dw), conv2 (l_conv2), fc (l_fc)"), std::string::npos) << message;
  }
}

// The same network unfolded, folded by hand and folded by --target-fps: int8 outputs are
// identical, float32 within 1e-5 absolute / 1e-4 relative of the unfolded chain and the
// reference executor.
TEST(Folding, OutputsDoNotDependOnTheFolding) {
  GraphBuilder b = small_cnn();
  const graph::Graph g = b.build();
  const auto inputs = inputs_for(b, 3);
  const graph::Executor reference(g);
  for (const std::string precision : {"float32", "int8"}) {
    const CompiledRun flat = compile_and_run(g, "fold_small_flat_" + precision, precision, inputs, {});
    const CompiledRun hand = compile_and_run(g, "fold_small_hand_" + precision, precision, inputs, kHandFolding);
    const CompiledRun fast = compile_and_run(g, "fold_small_fast_" + precision, precision, inputs, {}, 1e6);
    for (const auto& l : flat.compiled.plan.layers) EXPECT_EQ(l.pe * l.simd, 1) << l.id;
    EXPECT_EQ(layer_named(hand.compiled.plan, "l_conv2").pe, 6);
    int folded = 0;
    for (const auto& l : fast.compiled.plan.layers) folded += l.pe * l.simd > 1;
    EXPECT_GE(folded, 3) << precision;
    EXPECT_LT(fast.compiled.estimate.interval_cycles, flat.compiled.estimate.interval_cycles);
    const std::string source =
        read_file(testing::work_dir("fold_small_hand_" + precision) / "hls" / (hand.compiled.plan.kernel + "_compute.cpp"));
    EXPECT_NE(source.find("convert_width<"), std::string::npos);
    EXPECT_NE(source.find("zynqnn_hls::conv2d<l_conv2_window, 12, 6,"), std::string::npos);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto reference_outputs = reference.run(inputs[i]);
      const auto expected = reference_outputs.at("y").data<float>();
      for (const CompiledRun* r : {&hand, &fast})
        for (std::size_t k = 0; k < expected.size(); ++k) {
          if (precision == "int8") {
            ASSERT_EQ(r->outputs[i][k], flat.outputs[i][k]) << "input " << i << " logit " << k;
          } else {
            ASSERT_NEAR(r->outputs[i][k], flat.outputs[i][k], 1e-5F + 1e-4F * std::fabs(flat.outputs[i][k]));
            ASSERT_NEAR(r->outputs[i][k], expected[k], 1e-5F + 1e-4F * std::fabs(expected[k]));
          }
        }
    }
  }
}

// A residual fork at a folded width: the duplicated stream keeps conv1's 4 lanes, the add
// follows its first input and the other branch is converted to it.
TEST(Folding, ResidualForkAtAFoldedWidth) {
  GraphBuilder b;
  b.input("x", {1, 2, 6, 6})
      .random_constant("w1", {8, 2, 3, 3})
      .random_constant("b1", {8}, 0.2F)
      .random_constant("w2", {8, 8, 3, 3})
      .random_constant("b2", {8}, 0.2F)
      .random_constant("w3", {4, 8})
      .random_constant("b3", {4}, 0.2F)
      .node({"Conv", "conv1", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}})
      .node({"Relu", "relu1", {"c1"}, {"r1"}, {}})
      .node({"Conv", "conv2", {"r1", "w2", "b2"}, {"c2"}, {{"pads", Ints{1, 1, 1, 1}}}})
      .node({"Add", "add", {"c2", "r1"}, {"s"}, {}})
      .node({"GlobalAveragePool", "gap", {"s"}, {"g"}, {}})
      .node({"Flatten", "flat", {"g"}, {"f"}, {}})
      .node({"Gemm", "fc", {"f", "w3", "b3"}, {"y"}, {{"transB", std::int64_t{1}}}})
      .output("y");
  const graph::Graph g = b.build();
  const auto inputs = inputs_for(b, 2);
  const CompiledRun flat = compile_and_run(g, "fold_residual_flat", "float32", inputs, {});
  const CompiledRun folded =
      compile_and_run(g, "fold_residual_hand", "float32", inputs, {{"l_conv1", 4, 1}, {"l_conv2", 2, 4}, {"l_fc", 2, 8}});
  bool converted = false;
  for (const auto& c : width_conversions(folded.compiled.plan)) converted |= c.from == 4 && c.to == 2;
  EXPECT_TRUE(converted);  // the add reads conv2's 2 lanes; r1's 4 lanes convert to 2
  const graph::Executor reference(g);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto reference_outputs = reference.run(inputs[i]);
    const auto expected = reference_outputs.at("y").data<float>();
    for (std::size_t k = 0; k < expected.size(); ++k) {
      ASSERT_NEAR(folded.outputs[i][k], flat.outputs[i][k], 1e-5F + 1e-4F * std::fabs(flat.outputs[i][k])) << k;
      ASSERT_NEAR(folded.outputs[i][k], expected[k], 1e-5F + 1e-4F * std::fabs(expected[k])) << k;
    }
  }
}

// fixed<W,I>: the kernel equals the ap_fixed reference bit for bit, unfolded and folded.
template <int W, int I>
void check_fixed_small(const std::string& precision) {
  GraphBuilder b = small_cnn();
  const graph::Graph g = b.build();
  const auto inputs = inputs_for(b, 2);
  for (const bool fold : {false, true}) {
    const std::string name = "fold_small_" + std::string(fold ? "hand_" : "flat_") + std::to_string(W) + "_" + std::to_string(I);
    const CompiledRun r = compile_and_run(g, name, precision, inputs, fold ? kHandFolding : std::vector<LayerFolding>{});
    const auto& plan = r.compiled.plan;
    const std::string source = read_file(testing::work_dir(name) / "hls" / (plan.kernel + "_compute.cpp"));
    EXPECT_NE(source.find(fmt::format("ap_fixed<{},{},AP_RND_CONV,AP_SAT>", W, I)), std::string::npos);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto expected =
          testing::FixedReference<W, I>::run(plan, host_prepare(inputs[i].at("x"), plan.tensor(plan.pl_inputs.at(0))));
      ASSERT_EQ(r.outputs[i], expected) << precision << (fold ? " folded" : " unfolded") << " input " << i;
    }
  }
}

TEST(FixedPoint, SmallCnnMatchesTheApFixedReferenceAtTwoFormatsAndFoldings) {
  check_fixed_small<16, 6>("fixed<16,6>");
  check_fixed_small<12, 4>("fixed<12,4>");
}

// --target-fps picks the folding; the plan, the estimate JSON, the manifest and its modeled
// latency all describe the emitted chain.
TEST(Folding, TargetFpsChangesTheEmittedChainAndItsRecords) {
  GraphBuilder b = small_cnn();
  const graph::Graph g = b.build();
  auto options = testing::options_for("fold_small_records");
  options.build_sim = false;
  options.target_fps = 20000;
  const auto compiled = compile_graph(g, options);
  EXPECT_GE(compiled.estimate.fps, 20000.0);
  const auto plan_doc = nlohmann::json::parse(read_file(options.output_dir / "plan.json"));
  const auto manifest = nlohmann::json::parse(read_file(options.output_dir / "manifest.json"));
  const auto source = read_file(options.output_dir / "hls" / (compiled.plan.kernel + "_compute.cpp"));
  ASSERT_EQ(plan_doc.at("pl_layers").size(), compiled.plan.layers.size());
  for (std::size_t i = 0; i < compiled.plan.layers.size(); ++i) {
    const auto& l = compiled.plan.layers[i];
    EXPECT_EQ(plan_doc["pl_layers"][i]["pe"], l.pe);
    EXPECT_EQ(plan_doc["pl_layers"][i]["simd"], l.simd);
    EXPECT_EQ(manifest["folding"]["layers"][i]["pe"], l.pe);
    EXPECT_EQ(manifest["folding"]["layers"][i]["simd"], l.simd);
  }
  const auto& conv1 = layer_named(compiled.plan, "l_conv1");
  EXPECT_GT(conv1.pe * conv1.simd, 1);
  EXPECT_NE(source.find(fmt::format("zynqnn_hls::conv2d<l_conv1_window, 8, {},", conv1.pe)), std::string::npos);
  EXPECT_EQ(manifest.at("frame_latency_cycles").get<std::uint64_t>(), compiled.estimate.latency_cycles);
  EXPECT_EQ(plan_doc["estimate"]["interval_cycles_estimate"].get<std::uint64_t>(), compiled.estimate.interval_cycles);
  // Every width converter of the source is a stage of the estimate.
  std::size_t converters_in_source = 0;
  for (auto at = source.find("convert_width<"); at != std::string::npos; at = source.find("convert_width<", at + 1))
    ++converters_in_source;
  std::size_t converters_estimated = 0;
  for (const auto& s : compiled.estimate.pipeline.layers) converters_estimated += s.kind == est::StageKind::width_convert;
  EXPECT_EQ(converters_in_source, plan_doc["width_converters"].size());
  EXPECT_EQ(converters_estimated, converters_in_source);
  EXPECT_EQ(manifest["folding"]["width_converters"].get<std::size_t>(), converters_in_source);
}

// Hand-computed cycles per frame of folded layers (the layer library's loop counts).
TEST(Folding, EstimatorMatchesHandComputedCyclesOfFoldedLayers) {
  GraphBuilder b = small_cnn();
  auto plan = lower(b.build(), {}, "small");
  apply_folding(plan, kHandFolding);
  const auto e = estimate(plan, 100.0);
  std::map<std::string, std::uint64_t> cycles;
  for (const auto& s : e.pipeline.layers) cycles[s.name] = s.cycles_per_frame;
  // conv1 (8x8x4 -> 8, 3x3 pad 1, PE 4, SIMD 2): window 8*8*(4/2) + 8*8*9*(4/2) = 128 + 1152 = 1280;
  // MVU 64 pixels * NF (8/4) * SF (9*4/2) = 64 * 2 * 18 = 2304.
  EXPECT_EQ(cycles.at("l_conv1"), 2304U);
  // pool1 (2x2/2 on 8x8x8, SIMD 4): window 8*8*2 + 4*4*4*2 = 128 + 128 = 256.
  EXPECT_EQ(cycles.at("l_pool1"), 256U);
  // dw (4x4x8, 3x3 pad 1, SIMD 4): window 16*2 + 16*9*2 = 320; unit 16*9*2 = 288.
  EXPECT_EQ(cycles.at("l_dw"), 320U);
  // conv2 (1x1, 8 -> 12, PE 6, SIMD 8): window 16*1 + 16*1 = 32; MVU 16 * 2 * 1 = 32.
  EXPECT_EQ(cycles.at("l_conv2"), 32U);
  // gap (16 pixels x 12 channels, SIMD 6): 16 * 2 = 32.
  EXPECT_EQ(cycles.at("l_gap"), 32U);
  // fc (12 -> 6, PE 3, SIMD 4): 1 * 2 * 3 = 6.
  EXPECT_EQ(cycles.at("l_fc"), 6U);
  // Width converters move the narrow side one word a cycle: 256 elements from 1 to 2 lanes:
  // 256; 128 elements 4 -> 8: 32; 12 elements 6 -> 2 -> 4: 6 and 6; 6 elements 3 -> 1: 6.
  std::vector<std::uint64_t> converter_cycles;
  for (const auto& s : e.pipeline.layers)
    if (s.kind == est::StageKind::width_convert) converter_cycles.push_back(s.cycles_per_frame);
  EXPECT_EQ(converter_cycles, (std::vector<std::uint64_t>{256, 32, 6, 6, 6}));
  // The interval is the slowest stage, or the one-element-a-cycle unpacking of the 256 inputs.
  EXPECT_EQ(e.interval_cycles, 2304U);
}

// mnist-8 at three foldings: int8 outputs identical, float32 within tolerance of the
// reference and of each other; the interval shrinks as the estimate promised.
TEST(Folding, Mnist8AtSeveralFoldings) {
  const fs::path dir = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8";
  const graph::Graph g = onnx_import::import_file(dir / "model.onnx");
  // The fixture's digit and the same digit mirrored left to right.
  graph::Tensor digit = io::read_tensor_proto_file(dir / "test_data_set_0" / "input_0.pb").tensor;
  graph::Tensor mirrored = digit;
  for (std::size_t y = 0; y < 28; ++y)
    for (std::size_t x = 0; x < 28; ++x) mirrored.data<float>()[y * 28 + x] = digit.data<float>()[y * 28 + 27 - x];
  std::vector<graph::TensorMap> inputs(2);
  inputs[0].emplace(g.inputs[0], digit);
  inputs[1].emplace(g.inputs[0], mirrored);
  const graph::Executor reference(g);
  for (const std::string precision : {"float32", "int8"}) {
    const CompiledRun flat = compile_and_run(g, "fold_mnist_flat_" + precision, precision, inputs, {});
    // float MACs take 5 DSP each: 1000 frames/s fits the XC7Z020, int8 goes further
    // (conv1's sliding window, 20,384 cycles with its single input channel, bounds int8 at ~4900.)
    const double target = precision == "int8" ? 4000 : 1000;
    const CompiledRun fast = compile_and_run(g, "fold_mnist_fast_" + precision, precision, inputs, {}, target);
    EXPECT_LE(fast.compiled.estimate.interval_cycles, static_cast<std::uint64_t>(100e6 / target)) << precision;
    const PlLayer& conv2 = fast.compiled.plan.layers.at(2);  // conv, pool, conv, pool, dense
    EXPECT_GT(conv2.pe * conv2.simd, 1) << precision;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto reference_outputs = reference.run(inputs[i]);
      const auto expected = reference_outputs.at(g.outputs[0]).data<float>();
      float range = 0;
      for (float v : expected) range = std::max(range, std::fabs(v));
      for (std::size_t k = 0; k < expected.size(); ++k) {
        if (precision == "int8") {
          ASSERT_EQ(fast.outputs[i][k], flat.outputs[i][k]) << k;
        } else {  // within 1e-4 of the largest logit
          ASSERT_NEAR(fast.outputs[i][k], flat.outputs[i][k], 1e-4F * range) << k;
          ASSERT_NEAR(fast.outputs[i][k], expected[k], 1e-4F * range) << k;
        }
      }
    }
  }
}

// mnist-8 in fixed<W,I>: fixed<16,6> (range +-32; the model's inputs reach 255 and its
// intermediate values several thousand, so values saturate) equals the ap_fixed reference bit
// for bit, folded as well, and check-onnx says the expected logits lie outside its range;
// fixed<26,14> (range +-8192, 12 fraction bits) holds every intermediate value and stays
// within the format's stated tolerance of the float model (check_case, fixed_tolerance).
TEST(FixedPoint, Mnist8EndToEnd) {
  const fs::path dir = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8";
  const graph::Graph g = onnx_import::import_file(dir / "model.onnx");
  std::vector<graph::TensorMap> inputs(1);
  inputs[0].emplace(g.inputs[0], io::read_tensor_proto_file(dir / "test_data_set_0" / "input_0.pb").tensor);
  const CompiledRun r = compile_and_run(g, "fixed_mnist_16_6", "fixed<16,6>", inputs, {}, 2000);
  const PlLayer& conv2 = r.compiled.plan.layers.at(2);
  EXPECT_GT(conv2.pe * conv2.simd, 1);
  const auto& plan = r.compiled.plan;
  const auto expected =
      testing::FixedReference<16, 6>::run(plan, host_prepare(inputs[0].at(g.inputs[0]), plan.tensor(plan.pl_inputs.at(0))));
  EXPECT_EQ(r.outputs[0], expected);

  double largest = 0;  // the largest magnitude of any value of the float model
  graph::Executor(g).run(inputs[0], [&](const std::string&, const graph::Tensor& t) {
    if (t.dtype() == graph::DType::float32)
      for (float v : t.data<float>()) largest = std::max(largest, static_cast<double>(std::fabs(v)));
  });
  std::printf("mnist-8: largest value magnitude %.1f\n", largest);
  EXPECT_GT(largest, 32.0);
  EXPECT_LT(largest, 8192.0);

  CheckOptions check;
  check.precision = Precision::parse("fixed<26,14>");
  check.work_dir = fs::path(ZYNQNN_BINARY_DIR) / "compiler-tests";
  EXPECT_DOUBLE_EQ(fixed_tolerance(check.precision), 1.0 / 128);
  const auto wide = check_case(dir, check);
  EXPECT_EQ(wide.status, "pass") << wide.reason;
  EXPECT_EQ(wide.ran_on, "pl");
  std::printf("mnist-8 fixed<26,14>: max abs error %.4g, max rel error %.3g\n", wide.max_abs_err, wide.max_rel_err);
  check.precision = Precision::parse("fixed<16,6>");
  const auto narrow = check_case(dir, check);  // logits beyond +-32 cannot be represented: said so
  EXPECT_EQ(narrow.status, "fail");
  EXPECT_NE(narrow.reason.find("outside the range of fixed<16,6>"), std::string::npos) << narrow.reason;
}

}  // namespace
}  // namespace zynqnn::compiler
