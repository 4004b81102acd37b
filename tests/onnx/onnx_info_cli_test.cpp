// `zynqnn onnx-info` as users run it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_run.hpp"

namespace {

using Result = zynqnn::testing::CliResult;
Result run(const std::string& arguments) { return zynqnn::testing::run_cli(arguments); }

const std::string kFixtures = ZYNQNN_FIXTURES_DIR;

TEST(OnnxInfoCli, JsonDescribesMnist8) {
  const Result r = run("onnx-info " + kFixtures + "/onnx/mnist-8/model.onnx --json");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc["opset"], 8);
  EXPECT_EQ(doc["parameters"], 5994);  // weights and biases (the int64 reshape target excluded)
  ASSERT_EQ(doc["layers"].size(), 8U);
  EXPECT_EQ(doc["layers"][0]["op"], "Conv");
  EXPECT_EQ(doc["layers"][0]["details"]["out_channels"], 8);
  EXPECT_EQ(doc["layers"][0]["details"]["pads"], nlohmann::json({2, 2, 2, 2}));
  EXPECT_EQ(doc["layers"][7]["op"], "Gemm");
  EXPECT_EQ(doc["layers"][7]["details"]["k"], 256);
  EXPECT_EQ(doc["outputs"][0]["type"], "float32[1,10]");
}

TEST(OnnxInfoCli, TextListsLayersAndUnsupportedModelsFail) {
  const Result ok = run("onnx-info " + kFixtures + "/onnx/mnist-8/model.onnx --no-optimize");
  ASSERT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("MatMul"), std::string::npos);
  EXPECT_NE(ok.output.find("11 layers, 5994 parameters"), std::string::npos) << ok.output;
  const Result bad = run("onnx-info " + kFixtures + "/onnx/node/test_qlinearmatmul_2D_int8_float16/model.onnx");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.output.find("unsupported: QLinearMatMul (FLOAT16 tensor 'a_scale') at node QLinearMatMul_0"), std::string::npos)
      << bad.output;
  const Result missing = run("onnx-info /nonexistent.onnx");
  EXPECT_NE(missing.status, 0);
}

}  // namespace
