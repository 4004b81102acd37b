#include "zynqnn/quant/quantize.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

#include "requant.h"
#include "zynqnn/graph/ops.hpp"
#include "zynqnn/io/tensor_proto.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn::quant {
namespace {
using graph::DType;
using graph::Tensor;

const std::filesystem::path kMnist = std::filesystem::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8";

std::size_t argmax(const Tensor& t) {
  const auto d = t.data<float>();
  return static_cast<std::size_t>(std::max_element(d.begin(), d.end()) - d.begin());
}

TEST(FixedPointMultiplier, RepresentsTheRealWithin2ToTheMinus31Relative) {
  for (const double real : {0.5, 0.75, 1e-3, 3.3e-5, 0.999999, 1.5, 123.0, 1e-9}) {
    const auto m = fixed_point_multiplier(real);
    EXPECT_GE(m.multiplier, 1 << 30) << real;
    EXPECT_GE(m.shift, 1);
    EXPECT_LE(m.shift, 62);
    const double back = m.multiplier * std::ldexp(1.0, -m.shift);
    EXPECT_NEAR(back / real, 1.0, 1e-9) << real;
  }
  EXPECT_EQ(fixed_point_multiplier(1e-12).multiplier, 0);  // too small: everything becomes 0
  EXPECT_THROW(fixed_point_multiplier(0.0), Error);
  EXPECT_THROW(fixed_point_multiplier(-1.0), Error);
  EXPECT_THROW(fixed_point_multiplier(std::ldexp(1.0, 31)), Error);
}

TEST(Requantize, MatchesRealArithmeticWithinHalfAStep) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int32_t> acc(-2000000, 2000000);
  std::uniform_real_distribution<double> real(1e-5, 0.9);
  for (int i = 0; i < 2000; ++i) {
    const double r = real(rng);
    const std::int32_t a = acc(rng);
    const auto m = fixed_point_multiplier(r);
    const std::int64_t q = graph::requantize(a, m.multiplier, m.shift);
    EXPECT_LE(std::fabs(static_cast<double>(q) - a * r), 0.5 + 1e-6 * std::fabs(a * r) + 1e-9) << a << " * " << r;
  }
  // Ties round half to even, as the accelerator (requant.h) and ONNX do: 1.5 -> 2, -1.5 -> -2,
  // 2.5 -> 2, -2.5 -> -2.
  const auto half = fixed_point_multiplier(0.5);
  EXPECT_EQ(graph::requantize(3, half.multiplier, half.shift), 2);
  EXPECT_EQ(graph::requantize(-3, half.multiplier, half.shift), -2);
  EXPECT_EQ(graph::requantize(5, half.multiplier, half.shift), 2);
  EXPECT_EQ(graph::requantize(-5, half.multiplier, half.shift), -2);
}

// One implementation: the reference executor's requantization, the quantizer's and the HLS
// layer library's give the same integers, and the multiplier is the HLS derivation.
TEST(Requantize, ExecutorQuantizerAndHlsAgreeBitForBit) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::int32_t> acc(std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max());
  std::uniform_real_distribution<double> exponent(-30.0, 4.0);
  for (int i = 0; i < 20000; ++i) {
    const double real = std::exp2(exponent(rng));
    const auto m = fixed_point_multiplier(real);
    std::int32_t hm = 0, hs = 0;
    ASSERT_TRUE(zynqnn_hls::quantize_multiplier(real, hm, hs));
    ASSERT_EQ(m.multiplier, hm);
    ASSERT_EQ(m.shift, hs);
    const std::int32_t a = acc(rng);
    const std::int64_t wide = graph::requantize(a, m.multiplier, m.shift);
    const std::int32_t hls = zynqnn_hls::requantize_value(a, m.multiplier, m.shift, 3, -128, 127);
    ASSERT_EQ(requantize(a, m, 3), hls) << a << " * " << real;
    ASSERT_EQ(std::clamp<std::int64_t>(wide + 3, -128, 127), hls) << a << " * " << real;
  }
}

// Asymmetric parameters: 0 is exact, every value of the range comes back within half a scale,
// values outside saturate to the range's ends.
TEST(QuantParamsRoundTrip, AsymmetricCoversTheRangeAndKeepsZeroExact) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> bound(0.01F, 50.0F);
  for (int r = 0; r < 200; ++r) {
    const float lo = r % 3 == 0 ? 0.0F : -bound(rng), hi = r % 5 == 0 && r % 3 != 0 ? 0.0F : bound(rng);
    const QuantParams p = asymmetric_params({lo, hi});
    ASSERT_GT(p.scale, 0.0F);
    ASSERT_GE(p.zero_point, -128);
    ASSERT_LE(p.zero_point, 127);
    EXPECT_EQ(dequantize_int8(quantize_int8(0.0F, p.scale, p.zero_point), p.scale, p.zero_point), 0.0F);
    std::uniform_real_distribution<float> value(lo, hi);
    for (int i = 0; i < 200; ++i) {
      const float x = value(rng);
      const float back = dequantize_int8(quantize_int8(x, p.scale, p.zero_point), p.scale, p.zero_point);
      ASSERT_LE(std::fabs(back - x), p.scale * 0.5F * 1.0001F + 1e-6F) << x << " in [" << lo << ", " << hi << "]";
    }
    EXPECT_EQ(quantize_int8(hi + 100 * p.scale, p.scale, p.zero_point), 127);
    EXPECT_EQ(quantize_int8(lo - 100 * p.scale, p.scale, p.zero_point), -128);
  }
  const QuantParams relu = asymmetric_params({0.0F, 6.0F});
  EXPECT_EQ(relu.zero_point, -128);
  EXPECT_FLOAT_EQ(relu.scale, 6.0F / 255.0F);
  EXPECT_THROW(asymmetric_params({-std::numeric_limits<float>::infinity(), 1.0F}), Error);
  const QuantParams sym = symmetric_params({-3.0F, 1.0F});
  EXPECT_EQ(sym.zero_point, 0);
  EXPECT_FLOAT_EQ(sym.scale, 3.0F / 127.0F);
}

TEST(WeightsRoundTrip, PerChannelSymmetricWithinHalfAStep) {
  std::mt19937 rng(9);
  std::vector<float> w(4 * 27);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::normal_distribution<float>(0.0F, 0.1F * static_cast<float>(1 + i / 27))(rng);
  std::fill(w.begin() + 54, w.begin() + 81, 0.0F);  // an all-zero channel
  const ChannelWeights q = quantize_weights(w, 4);
  ASSERT_EQ(q.scales.size(), 4U);
  EXPECT_EQ(q.scales[2], 1.0F);
  for (std::size_t c = 0; c < 4; ++c) {
    int max_abs = 0;
    for (std::size_t k = 0; k < 27; ++k) {
      const std::size_t i = c * 27 + k;
      max_abs = std::max(max_abs, std::abs(static_cast<int>(q.q[i])));
      EXPECT_LE(std::fabs(q.q[i] * q.scales[c] - w[i]), q.scales[c] * 0.5F * 1.0001F) << c << "," << k;
    }
    EXPECT_EQ(max_abs, c == 2 ? 0 : 127);  // the largest weight of a channel maps to +-127
  }
  EXPECT_THROW(quantize_weights(w, 5), Error);
  EXPECT_EQ(quantize_bias(1.0, 0.25, -10, "b"), -6);
  EXPECT_EQ(quantize_bias(0.625, 0.25, 0, "b"), 2);  // 2.5 -> 2: half to even
  EXPECT_THROW(quantize_bias(1e10, 1.0, 0, "b"), Error);
}

TEST(QuantizeInt8, RoundsHalfToEvenSaturatesAndRoundTripsWithinHalfAScale) {
  EXPECT_EQ(quantize_int8(2.5F, 1.0F), 2);
  EXPECT_EQ(quantize_int8(3.5F, 1.0F), 4);
  EXPECT_EQ(quantize_int8(-2.5F, 1.0F), -2);
  EXPECT_EQ(quantize_int8(1000.0F, 1.0F), 127);
  EXPECT_EQ(quantize_int8(-1000.0F, 1.0F), -128);
  const float scale = symmetric_scale(3.0F);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> value(-3.0F, 3.0F);
  for (int i = 0; i < 10000; ++i) {
    const float x = value(rng);
    const float back = dequantize_int8(quantize_int8(x, scale), scale);
    EXPECT_LE(std::fabs(back - x), scale / 2 * (1 + 1e-5F)) << x;
  }
}

// A small Conv+Relu+Gemm graph with known weights to check the integer path by hand.
graph::Graph tiny_graph() {
  graph::Graph g;
  g.name = "tiny";
  g.add_value({"x", DType::float32, {1, 1, 3, 3}, true, std::nullopt});
  g.inputs = {"x"};
  Tensor w = Tensor::from<float>({2, 1, 2, 2}, {0.5F, -0.25F, 0.125F, 1.0F, -1.0F, 0.5F, 0.25F, 0.0F});
  g.add_value({"w", DType::float32, w.shape(), true, w});
  Tensor b = Tensor::from<float>({2}, {0.1F, -0.2F});
  g.add_value({"b", DType::float32, b.shape(), true, b});
  g.add_value({"c", DType::float32, {1, 2, 2, 2}, true, std::nullopt});
  g.add_value({"r", DType::float32, {1, 2, 2, 2}, true, std::nullopt});
  g.add_value({"shape", DType::int64, {2}, true, Tensor::from<std::int64_t>({2}, {1, 8})});
  g.add_value({"f", DType::float32, {1, 8}, true, std::nullopt});
  std::vector<float> fc(8 * 3);
  for (std::size_t i = 0; i < fc.size(); ++i) fc[i] = 0.1F * static_cast<float>(static_cast<int>(i % 7) - 3);
  g.add_value({"fc", DType::float32, {8, 3}, true, Tensor::from<float>({8, 3}, fc)});
  g.add_value({"y", DType::float32, {1, 3}, true, std::nullopt});
  g.nodes.push_back({"Conv", "conv", {"x", "w", "b"}, {"c"}, {}});
  g.nodes.push_back({"Relu", "relu", {"c"}, {"r"}, {}});
  g.nodes.push_back({"Reshape", "flat", {"r", "shape"}, {"f"}, {}});
  g.nodes.push_back({"Gemm", "fc", {"f", "fc"}, {"y"}, {}});
  g.outputs = {"y"};
  g.validate();
  return g;
}

TEST(QuantizeGraph, IntegerGraphIsCloseToFloatAndUsesOnlyIntegerLayers) {
  const graph::Graph g = tiny_graph();
  std::vector<graph::TensorMap> calibration;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-1.0F, 1.0F);
  for (int i = 0; i < 8; ++i) {
    std::vector<float> x(9);
    for (auto& v : x) v = value(rng);
    calibration.push_back({{"x", Tensor::from<float>({1, 1, 3, 3}, x)}});
  }
  const graph::Graph q = quantize_int8(g, calibration);
  std::vector<std::string> ops;
  for (const auto& node : q.nodes) ops.push_back(node.op);
  EXPECT_EQ(ops, (std::vector<std::string>{"QuantizeLinear", "QConv", "Reshape", "QGemm", "DequantizeLinear"}));
  const graph::RequantParams rq = graph::requant_params(q, q.nodes[1]);
  EXPECT_EQ(rq.clamp_min, 0);  // the Relu became the clamp
  EXPECT_EQ(rq.multiplier.size(), 2U);
  EXPECT_EQ(rq.bias.size(), 2U);
  for (const auto m : rq.multiplier) EXPECT_GE(m, 1 << 30);
  EXPECT_EQ(graph::requant_params(q, q.nodes[3]).clamp_min, -128);
  const graph::Executor fexec(g), qexec(q);
  for (const auto& inputs : calibration) {
    const Tensor expected_tensor = fexec.run(inputs).at("y");
    const auto expected = expected_tensor.data<float>();
    const Tensor actual = qexec.run(inputs).at("y");
    for (std::size_t i = 0; i < expected.size(); ++i)
      EXPECT_NEAR(actual.data<float>()[i], expected[i], 0.05) << i;
  }
}

TEST(QuantizeGraph, QConvIsIntegerExactAgainstAHandComputation) {
  const graph::Graph g = tiny_graph();
  const graph::TensorMap inputs{{"x", Tensor::from<float>({1, 1, 3, 3}, {1, 0.5F, -0.5F, 0.25F, -1, 0.75F, 0, 0.5F, -0.25F})}};
  const graph::Graph q = quantize_int8(g, std::vector<graph::TensorMap>{inputs});
  // Recompute the QConv output from the quantized constants with plain integer arithmetic.
  const graph::Node& conv = q.nodes[1];
  ASSERT_EQ(conv.op, "QConv");
  std::map<std::string, Tensor> seen;
  graph::Executor(q).run(inputs, [&](const std::string& name, const Tensor& t) { seen.emplace(name, t); });
  const auto x = seen.at(conv.inputs[0]).data<std::int8_t>();
  const auto w = q.value(conv.inputs[1]).constant->data<std::int8_t>();
  const auto bias = q.value(conv.inputs[2]).constant->data<std::int32_t>();
  const auto mult = q.value(conv.inputs[3]).constant->data<std::int32_t>();
  const auto shift = q.value(conv.inputs[4]).constant->data<std::int32_t>();
  const auto y = seen.at(conv.outputs[0]).data<std::int8_t>();
  for (int m = 0; m < 2; ++m)
    for (int oy = 0; oy < 2; ++oy)
      for (int ox = 0; ox < 2; ++ox) {
        std::int32_t acc = bias[m];
        for (int ky = 0; ky < 2; ++ky)
          for (int kx = 0; kx < 2; ++kx) acc += x[(oy + ky) * 3 + ox + kx] * w[m * 4 + ky * 2 + kx];
        const std::int64_t r = (static_cast<std::int64_t>(acc) * mult[m] + (std::int64_t{1} << (shift[m] - 1))) >> shift[m];
        EXPECT_EQ(y[(m * 2 + oy) * 2 + ox], std::clamp<std::int64_t>(r, 0, 127)) << m << oy << ox;
      }
}

TEST(QuantizeGraph, Mnist8KeepsTheReferenceClass) {
  const graph::Graph g = onnx_import::import_file(kMnist / "model.onnx");
  const Tensor input = io::read_tensor_proto_file(kMnist / "test_data_set_0" / "input_0.pb").tensor;
  const Tensor expected = io::read_tensor_proto_file(kMnist / "test_data_set_0" / "output_0.pb").tensor;
  std::vector<graph::TensorMap> calibration{{{g.inputs[0], input}}};
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0F, 8.0F);
  for (int copy = 0; copy < 3; ++copy) {
    Tensor perturbed = input;
    for (auto& v : perturbed.data<float>()) v = std::clamp(v + noise(rng), 0.0F, 255.0F);
    calibration.push_back({{g.inputs[0], perturbed}});
  }
  const graph::Graph q = quantize_int8(g, calibration);
  int integer_layers = 0;
  for (const auto& node : q.nodes) integer_layers += node.op == "QConv" || node.op == "QGemm";
  EXPECT_EQ(integer_layers, 3);
  const graph::Executor qexec(q), fexec(g);
  for (const auto& inputs : calibration) {
    const Tensor float_out = fexec.run(inputs).at(g.outputs[0]);
    const Tensor quant_out = qexec.run(inputs).at(q.outputs[0]);
    EXPECT_EQ(argmax(quant_out), argmax(float_out));
  }
  EXPECT_EQ(argmax(qexec.run(calibration[0]).at(q.outputs[0])), argmax(expected));
  // Running twice gives the same bits.
  const Tensor first = qexec.run(calibration[0]).at(q.outputs[0]);
  const Tensor again = qexec.run(calibration[0]).at(q.outputs[0]);
  EXPECT_TRUE(std::equal(first.bytes().begin(), first.bytes().end(), again.bytes().begin()));
}

TEST(QuantizeGraph, RefusesMissingCalibration) {
  EXPECT_THROW(quantize_int8(tiny_graph(), std::span<const graph::TensorMap>{}), Error);
}

// NaN has no int8 value: a plain cast would be undefined behaviour (UBSan halts on it).
TEST(QuantizeInt8, NanBecomesTheZeroPoint) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(quantize_int8(nan, 0.5F), 0);
  EXPECT_EQ(quantize_int8(nan, 0.5F, -7), -7);
  EXPECT_EQ(quantize_int8(1.0F, 0.0F), 127);  // x / 0 = +inf saturates
}

TEST(QuantizeWeights, RefusesANonFiniteWeightNamingIt) {
  const std::vector<float> w = {0.5F, -0.25F, std::numeric_limits<float>::infinity(), 1.0F};
  try {
    quantize_weights(w, 2);
    FAIL() << "an infinite weight was quantized";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("weight 0 of output channel 1 is inf"), std::string::npos) << e.what();
  }
}

TEST(QuantizeGraph, RefusesANonFiniteCalibrationRange) {
  EXPECT_THROW(symmetric_params({0.0F, std::numeric_limits<float>::infinity()}), Error);
  EXPECT_THROW(symmetric_params({std::numeric_limits<float>::quiet_NaN(), 1.0F}), Error);
  EXPECT_THROW(asymmetric_params({-1.0F, std::numeric_limits<float>::quiet_NaN()}), Error);
}

}  // namespace
}  // namespace zynqnn::quant
