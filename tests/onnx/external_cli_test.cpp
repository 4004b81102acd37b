// mnist-8 saved by onnx with every tensor in model.onnx.data (ZYNQNN_EXTERNAL_MNIST_DIR, made
// by external/make_external_mnist.py): the CLI reads and compiles it as the inline model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_run.hpp"

namespace {
namespace fs = std::filesystem;
using zynqnn::testing::run_cli;

const fs::path kInline = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8" / "model.onnx";
const fs::path kExternal = fs::path(ZYNQNN_EXTERNAL_MNIST_DIR) / "model.onnx";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `onnx-info --json` of the model, without the model's path.
nlohmann::json info(const fs::path& model) {
  const auto r = run_cli("onnx-info " + model.string() + " --json");
  EXPECT_EQ(r.status, 0) << r.output;
  if (r.status != 0) return {};
  auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc["model"], model.string());
  doc.erase("model");
  return doc;
}

// The folder stamp without the copied model's hash (its weights are stored differently).
std::string stamp_without_model(const fs::path& stamp) {
  auto doc = nlohmann::json::parse(read_file(stamp));
  EXPECT_EQ(doc["files"].erase("model.onnx"), 1U) << stamp;
  return doc.dump();
}

TEST(ExternalDataCli, OnnxInfoMatchesTheInlineModel) {
  ASSERT_TRUE(fs::exists(kExternal.parent_path() / "model.onnx.data"));
  const auto external = info(kExternal);
  EXPECT_EQ(external["parameters"], 5994);
  EXPECT_EQ(external, info(kInline));
}

TEST(ExternalDataCli, CompilesToTheSameProjectWithTheDataInline) {
  const fs::path root = fs::temp_directory_path() / ("zynqnn_external_cli_" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path inline_out = root / "inline";
  const fs::path external_out = root / "external";
  for (const auto& [model, out] : {std::pair{kInline, inline_out}, std::pair{kExternal, external_out}}) {
    const auto r = run_cli("compile " + model.string() + " -o " + out.string() + " --no-build");
    ASSERT_EQ(r.status, 0) << model << "\n" << r.output;
  }
  // Every generated file is the same; the copied model differs only in how it stores the weights.
  std::size_t compared = 0;
  for (const auto& entry : fs::recursive_directory_iterator(inline_out)) {
    if (!entry.is_regular_file() || entry.path().filename() == "model.onnx") continue;
    const fs::path relative = fs::relative(entry.path(), inline_out);
    if (relative == "zynqnn.stamp")
      EXPECT_EQ(stamp_without_model(entry.path()), stamp_without_model(external_out / relative));
    else
      EXPECT_EQ(read_file(entry.path()), read_file(external_out / relative)) << relative;
    ++compared;
  }
  EXPECT_GT(compared, 3U);
  // The compiled folder's model.onnx stands alone: no data file beside it, and it reads the same.
  EXPECT_FALSE(fs::exists(external_out / "model.onnx.data"));
  EXPECT_EQ(info(external_out / "model.onnx"), info(kInline));
  fs::remove_all(root);
}

}  // namespace
