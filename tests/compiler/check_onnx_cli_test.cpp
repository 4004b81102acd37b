// `zynqnn check-onnx --json` over the ONNX backend node fixtures (PL parts on the virtual board
// through the DMA driver): no case fails, and the supported set (pass, on the PL or on the PS)
// covers at least 90% of the folders.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace {

namespace fs = std::filesystem;

TEST(CheckOnnxCli, NodeFixturesPassOrAreUnsupportedWithAReason) {
  const fs::path node = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "node";
  std::string command = std::string(ZYNQNN_CLI) + " check-onnx --json --work-dir '" + ZYNQNN_BINARY_DIR + "/check-onnx'";
  int folders = 0;
  for (const auto& e : fs::directory_iterator(node))
    if (e.is_directory()) {
      command += " '" + e.path().string() + "'";
      ++folders;
    }
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = pclose(pipe);
  const auto doc = nlohmann::json::parse(out);
  const auto& s = doc.at("summary");
  for (const auto& r : doc.at("results")) {
    EXPECT_NE(r.at("status"), "fail") << r.at("dir") << ": " << r.at("reason");
    if (r.at("status") == "unsupported") {
      EXPECT_TRUE(r.at("reason").get<std::string>().starts_with("unsupported: ")) << r.at("dir");
    }
  }
  EXPECT_EQ(s.at("total").get<int>(), folders);
  EXPECT_EQ(s.at("fail").get<int>(), 0);
  EXPECT_GE(s.at("pass").get<int>() * 10, folders * 9) << "supported cases below 90%";
  EXPECT_EQ(status, 0);
  EXPECT_EQ(doc.at("tolerance").at("float32").at("relative").get<double>(), 1e-4);
  // Every case went through open_accelerator(manifest, "virtual"), each frame with a deadline.
  EXPECT_EQ(doc.at("board"), "virtual");
  EXPECT_GT(doc.at("deadline_ms").get<double>(), 0.0);
}

}  // namespace
