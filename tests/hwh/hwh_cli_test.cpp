// Runs the real `zynqnn hwh inspect` executable on the fixtures.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace {

struct Run {
  int status = -1;
  std::string output;
};

Run run(const std::string& arguments) {
  Run result;
  const std::string command = std::string(ZYNQNN_CLI) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk;
  std::size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0) result.output.append(chunk.data(), n);
  result.status = ::pclose(pipe);
  return result;
}

std::string fixture(const char* name) { return std::string(ZYNQNN_FIXTURES_DIR) + "/hwh/" + name; }

TEST(HwhInspectCli, JsonIsOneObjectWithDmasIpsAndClocks) {
  auto result = run("hwh inspect " + fixture("pynq_tutorials_dma_axis_ip_example.hwh") + " --json");
  ASSERT_EQ(result.status, 0) << result.output;
  auto json = nlohmann::json::parse(result.output);
  ASSERT_EQ(json["dmas"].size(), 1u);
  EXPECT_EQ(json["dmas"][0]["name"], "axi_dma");
  EXPECT_EQ(json["dmas"][0]["base"], "0x40400000");
  EXPECT_EQ(json["dmas"][0]["mm2s"]["mem_width"], 64);
  EXPECT_EQ(json["dmas"][0]["mm2s"]["peer"], "example_0.A");
  EXPECT_EQ(json["dmas"][0]["s2mm"]["peer"], "example_0.B");
  EXPECT_EQ(json["pl_clocks"][0]["requested_mhz"], 100.0);
  EXPECT_TRUE(json["ips"].is_array());
}

TEST(HwhInspectCli, NoDmaDesignPrintsAnEmptyList) {
  auto result = run("hwh inspect " + fixture("pynq_workshop_axi_gpio_no_dma.hwh") + " --json");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_TRUE(nlohmann::json::parse(result.output)["dmas"].empty());
  auto table = run("hwh inspect " + fixture("pynq_workshop_axi_gpio_no_dma.hwh"));
  ASSERT_EQ(table.status, 0);
  EXPECT_NE(table.output.find("DMAs (0):"), std::string::npos);
  EXPECT_NE(table.output.find("leds"), std::string::npos);
}

TEST(HwhInspectCli, MissingFileFailsWithAClearMessage) {
  auto result = run("hwh inspect /nonexistent/x.hwh --json");
  EXPECT_NE(result.status, 0);
  EXPECT_NE(result.output.find("not_found"), std::string::npos) << result.output;
}

}  // namespace
