// The network runner on a loopback accelerator: PS operators before and after the PL, the
// NCHW <-> NHWC reordering and the int8 conversion at the PL ports, a deadline on every call,
// and failures that leave the accelerator usable.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "network_test_support.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/network/runner.hpp"

namespace zynqnn::network {
namespace {

using namespace std::chrono_literals;
using testing::Failure;
using testing::LoopbackAccelerator;

const std::vector<float> kInput{-1.0F, 0.3F, 2.0F, -0.5F, 1.25F, 0.0F, -3.0F, 4.0F};

graph::TensorMap input_map(const std::vector<float>& values = kInput) {
  graph::TensorMap m;
  m.emplace("x", graph::Tensor::from<float>(testing::kImage, values));
  return m;
}

struct Fixture {
  explicit Fixture(const Precision& precision = {}, std::int64_t bytes_per_element = 4) {
    const std::int64_t n = 8;
    const StreamLayout layout = bytes_per_element == 4 ? testing::float_layout(n) : testing::int8_layout(n);
    auto acc = std::make_unique<LoopbackAccelerator>(static_cast<std::size_t>(layout.bytes));
    loopback = acc.get();
    auto pl = std::make_unique<AcceleratorPlRunner>(std::move(acc), 5ms, "loopback");
    runner = std::make_unique<NetworkRunner>(testing::sample_contract(precision), std::vector<StreamLayout>{layout},
                                             std::vector<StreamLayout>{layout}, std::move(pl));
  }
  LoopbackAccelerator* loopback = nullptr;
  std::unique_ptr<NetworkRunner> runner;
};

TEST(NetworkRunner, RunsThePsBeforeThePlAndThePsAfterItInFloat32) {
  Fixture f;
  const auto out = f.runner->run(input_map());
  ASSERT_EQ(out.size(), 1U);
  const auto y = out.at("y").data<float>();
  ASSERT_EQ(out.at("y").shape(), testing::kImage);
  const float bias[2] = {0.25F, -1.0F};
  for (std::size_t i = 0; i < kInput.size(); ++i)
    EXPECT_FLOAT_EQ(y[i], (std::max(kInput[i], 0.0F) + bias[i / 4]) * 2.0F) << i;
  EXPECT_EQ(f.loopback->calls, 1);
  EXPECT_EQ(f.loopback->last_timeout, 5ms);
}

TEST(NetworkRunner, StreamsAnNchwTensorInNhwcOrder) {
  Fixture f;
  f.runner->run(input_map());
  const auto& sent = f.loopback->last_input;
  ASSERT_EQ(sent.size(), 32U);
  // Stream element j is NCHW element (j % 2) * 4 + j / 2 of relu(x) + bias.
  const float bias[2] = {0.25F, -1.0F};
  for (std::size_t j = 0; j < 8; ++j) {
    const std::size_t k = (j % 2) * 4 + j / 2;
    float v = 0;
    std::memcpy(&v, sent.data() + 4 * j, 4);
    EXPECT_FLOAT_EQ(v, std::max(kInput[k], 0.0F) + bias[k / 4]) << j;
  }
}

TEST(NetworkRunner, QuantizesInt8PortsWithTheirScaleAndDequantizesTheOutput) {
  Fixture f(Precision::parse("int8"), 1);
  const auto out = f.runner->run(input_map());
  const auto y = out.at("y").data<float>();
  const float bias[2] = {0.25F, -1.0F};
  for (std::size_t i = 0; i < kInput.size(); ++i) {
    const float a = std::max(kInput[i], 0.0F) + bias[i / 4];
    const float q = std::clamp(std::nearbyint(a / 0.5F), -128.0F, 127.0F) * 0.5F;  // scale 0.5, zero point 0
    EXPECT_FLOAT_EQ(y[i], q * 2.0F) << i;
  }
  EXPECT_EQ(f.loopback->last_input.size(), 8U);  // one byte per element
}

TEST(NetworkRunner, ATimeoutIsAnErrorAfterWhichTheAcceleratorIsAbortedAndUsable) {
  Fixture f;
  for (Failure failure : {Failure::timeout, Failure::dma_error}) {
    f.loopback->fail = failure;
    try {
      f.runner->run(input_map());
      FAIL() << "a failed call gave a result";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), failure == Failure::timeout ? ErrorCode::timeout : ErrorCode::dma_error);
      EXPECT_EQ(e.where(), "loopback");
      EXPECT_NE(std::string(e.what()).find(failure == Failure::timeout ? "deadline" : "DMASlvErr"), std::string::npos);
    }
    EXPECT_FALSE(f.loopback->needs_abort);
    EXPECT_NO_THROW(f.runner->run(input_map()));
  }
  EXPECT_EQ(f.loopback->aborts, 2);
}

TEST(NetworkRunner, RefusesMissingInputsAndInputsOfTheWrongTypeOrShape) {
  Fixture f;
  try {
    f.runner->run({});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(e.where(), "x");
  }
  graph::TensorMap wrong_shape;
  wrong_shape.emplace("x", graph::Tensor::from<float>({1, 8}, kInput));
  EXPECT_THROW(f.runner->run(wrong_shape), Error);
  graph::TensorMap wrong_type;
  wrong_type.emplace("x", graph::Tensor(graph::DType::int8, testing::kImage));
  EXPECT_THROW(f.runner->run(wrong_type), Error);
  EXPECT_EQ(f.loopback->calls, 0);
}

TEST(NetworkRunner, RefusesStreamLayoutsThatDoNotMatchTheContract) {
  auto make = [](std::vector<StreamLayout> in, std::vector<StreamLayout> out) {
    return NetworkRunner(testing::sample_contract(), std::move(in), std::move(out),
                         std::make_unique<AcceleratorPlRunner>(std::make_unique<LoopbackAccelerator>(32), 1ms, "loopback"));
  };
  EXPECT_THROW(make({}, {testing::float_layout(8)}), Error);
  EXPECT_THROW(make({testing::float_layout(8)}, {testing::float_layout(6)}), Error);
  EXPECT_THROW(NetworkRunner(testing::sample_contract(), {testing::float_layout(8)}, {testing::float_layout(8)}, nullptr), Error);
  EXPECT_THROW(AcceleratorPlRunner(std::make_unique<LoopbackAccelerator>(32), 0ns, "loopback"), Error);
}

TEST(NetworkRunner, ADmaBufferOfAnotherSizeIsAnErrorNotAnOverflow) {
  auto acc = std::make_unique<LoopbackAccelerator>(16);  // the manifest says 32 bytes
  NetworkRunner runner(testing::sample_contract(), {testing::float_layout(8)}, {testing::float_layout(8)},
                       std::make_unique<AcceleratorPlRunner>(std::move(acc), 1ms, "loopback"));
  EXPECT_THROW(runner.run(input_map()), Error);
}

TEST(NetworkRunner, OpensAWrittenContractWithoutAPlPart) {
  NetworkContract c = testing::sample_contract();
  c.uses_pl = false;
  c.pl_inputs.clear();
  c.pl_outputs.clear();
  c.ps_after_pl[0].inputs[0] = "a";  // y = (relu(x) + bias) * 2 on the PS alone
  const auto dir = testing::fresh_folder("ps-only");
  write_contract(c, dir);
  bool opened = false;
  NetworkRunner runner = NetworkRunner::open(
      dir, [&](const std::filesystem::path&) -> std::unique_ptr<Accelerator> { opened = true; return nullptr; }, 1ms, "none");
  const auto out = runner.run(input_map());
  const auto y = out.at("y").data<float>();
  EXPECT_FALSE(opened);
  EXPECT_FLOAT_EQ(y[2], (2.0F + 0.25F) * 2.0F);
  EXPECT_FLOAT_EQ(y[7], (4.0F - 1.0F) * 2.0F);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zynqnn::network

namespace zynqnn::network {
namespace {

// A contract is outside input: a PS node of any operator given inputs that do not fit it (too
// few, absent, of the wrong type or shape) is an Error when the network runs, never a crash.
TEST(NetworkRunner, PsNodesThatDoNotFitTheirInputsAreErrorsNotCrashes) {
  const std::vector<std::string> ops{
      "Add", "Mul", "Relu", "Conv", "Gemm", "MatMul", "Reshape", "Transpose", "Softmax", "Concat", "Clip", "MaxPool",
      "AveragePool", "Flatten", "Gather", "Slice", "Pad", "QuantizeLinear", "DequantizeLinear", "QLinearConv",
      "QLinearMatMul", "ConvInteger", "MatMulInteger", "BatchNormalization", "GlobalAveragePool", "Squeeze",
      "Unsqueeze", "Sigmoid", "LeakyRelu", "Identity", "NoSuchOp"};
  const std::vector<std::vector<std::string>> argument_lists{
      {}, {""}, {"x"}, {"bias"}, {"x", "bias"}, {"x", "two"}, {"two", "x"}, {"x", "", "bias"}, {"x", "bias", "two", "x", "x"}};
  int errors = 0, ran = 0;
  for (const auto& op : ops)
    for (const auto& args : argument_lists) {
      NetworkContract c = testing::sample_contract();
      c.uses_pl = false;
      c.pl_inputs.clear();
      c.pl_outputs.clear();
      c.ps_before_pl = {testing::node(op, "n", args, {"y"})};
      c.ps_after_pl.clear();
      NetworkRunner runner(std::move(c), {}, {}, nullptr);
      try {
        runner.run(input_map());
        ++ran;
      } catch (const Error&) {
        ++errors;
      }
    }
  EXPECT_GT(errors, 0);
  EXPECT_GT(ran, 0);
}

}  // namespace
}  // namespace zynqnn::network
