// The C ABI (zynqnn.h) on the null board (transfers complete at once, no data moves; a
// pass-through kernel's manifest): stream queries, buffers and their physical
// addresses, calls, and refusals with a status and a message.
#include "zynqnn/zynqnn.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

namespace {

std::filesystem::path write_manifest() {
  const auto spec = zynqnn::spec::parse_kernel_spec(R"({
    "kernel": "capi_probe", "board": "pynq-z1",
    "streams": [{"name": "image", "direction": "in", "type": "uint8", "shape": [28, 28]},
                {"name": "echo", "direction": "out", "type": "uint8", "shape": [784]}]})");
  const auto folder = std::filesystem::temp_directory_path() /
                      ("zynqnn_capi_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "manifest.json") << zynqnn::manifest::to_json(zynqnn::codegen::build_manifest(spec));
  return folder / "manifest.json";
}

class CapiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(zynqnn_open(write_manifest().c_str(), "null", &handle_), ZYNQNN_OK) << zynqnn_last_error();
  }
  void TearDown() override { zynqnn_close(handle_); }
  zynqnn_accelerator* handle_ = nullptr;
};

TEST(CapiVersion, MatchesTheHeader) { EXPECT_EQ(zynqnn_abi_version(), ZYNQNN_ABI_VERSION); }

TEST_F(CapiTest, DescribesTheStreams) {
  size_t count = 0;
  ASSERT_EQ(zynqnn_stream_count(handle_, ZYNQNN_INPUT, &count), ZYNQNN_OK);
  EXPECT_EQ(count, 1u);
  zynqnn_stream_info info{};
  ASSERT_EQ(zynqnn_stream_info_get(handle_, ZYNQNN_INPUT, 0, &info), ZYNQNN_OK);
  EXPECT_STREQ(info.name, "image");
  EXPECT_STREQ(info.dtype, "uint8");
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.shape[0], 28);
  EXPECT_EQ(info.bytes, 784u);
  ASSERT_EQ(zynqnn_stream_info_get(handle_, ZYNQNN_OUTPUT, 0, &info), ZYNQNN_OK);
  EXPECT_STREQ(info.name, "echo");
  EXPECT_EQ(info.rank, 1u);
  EXPECT_EQ(info.bytes, 784u);
}

TEST_F(CapiTest, BuffersHaveDistinctPhysicalAddresses) {
  uint64_t in = 0, out = 0;
  ASSERT_EQ(zynqnn_stream_physical_address(handle_, ZYNQNN_INPUT, 0, &in), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_stream_physical_address(handle_, ZYNQNN_OUTPUT, 0, &out), ZYNQNN_OK);
  EXPECT_NE(in, 0u);
  EXPECT_NE(out, 0u);
  EXPECT_NE(in, out);
  void* data = nullptr;
  size_t bytes = 0;
  ASSERT_EQ(zynqnn_stream_buffer(handle_, ZYNQNN_INPUT, 0, &data, &bytes), ZYNQNN_OK);
  EXPECT_NE(data, nullptr);
  EXPECT_EQ(bytes, 784u);
}

TEST_F(CapiTest, RefusesBadQueries) {
  uint64_t address = 0;
  EXPECT_EQ(zynqnn_stream_physical_address(handle_, ZYNQNN_INPUT, 1, &address), ZYNQNN_OUT_OF_RANGE);
  EXPECT_NE(std::string(zynqnn_last_error()).find("stream index 1 >= 1"), std::string::npos);
  EXPECT_EQ(zynqnn_stream_physical_address(handle_, 7, 0, &address), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_stream_physical_address(handle_, ZYNQNN_INPUT, 0, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_stream_physical_address(nullptr, ZYNQNN_INPUT, 0, &address), ZYNQNN_INVALID_ARGUMENT);
}

TEST_F(CapiTest, RunsCallsAndCountsThem) {
  zynqnn_call_result result{};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(zynqnn_run(handle_, 1'000'000'000, &result), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(result.status, ZYNQNN_OK);
  EXPECT_EQ(zynqnn_run(handle_, 0, &result), ZYNQNN_INVALID_ARGUMENT);
  zynqnn_stats stats{};
  ASSERT_EQ(zynqnn_stats_get(handle_, &stats), ZYNQNN_OK);
  EXPECT_EQ(stats.calls, 3u);
  EXPECT_EQ(stats.ok, 3u);
}

TEST_F(CapiTest, RunNamedChecksEverythingBeforeWriting) {
  void* data = nullptr;
  size_t bytes = 0;
  ASSERT_EQ(zynqnn_stream_buffer(handle_, ZYNQNN_INPUT, 0, &data, &bytes), ZYNQNN_OK);
  std::memset(data, 0x55, bytes);
  std::vector<unsigned char> image(784, 7), short_image(700, 7);
  std::vector<unsigned char> echo(784);
  const char* in_names[] = {"image"};
  const char* out_names[] = {"echo"};
  void* outs[] = {echo.data()};
  const size_t out_bytes[] = {784};
  const void* short_ins[] = {short_image.data()};
  const size_t short_bytes[] = {700};
  EXPECT_EQ(zynqnn_run_named(handle_, 1, in_names, short_ins, short_bytes, 1, out_names, outs, out_bytes,
                             1'000'000'000, nullptr),
            ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("input 'image': 700 bytes, expected 784"), std::string::npos);
  const char* wrong_names[] = {"pixels"};
  const void* ins[] = {image.data()};
  const size_t in_bytes[] = {784};
  EXPECT_EQ(zynqnn_run_named(handle_, 1, wrong_names, ins, in_bytes, 1, out_names, outs, out_bytes, 1'000'000'000,
                             nullptr),
            ZYNQNN_NOT_FOUND);
  zynqnn_stats stats{};
  ASSERT_EQ(zynqnn_stats_get(handle_, &stats), ZYNQNN_OK);
  EXPECT_EQ(stats.calls, 0u);
  EXPECT_EQ(static_cast<unsigned char*>(data)[0], 0x55);  // nothing written by a refused call
  EXPECT_EQ(zynqnn_run_named(handle_, 1, in_names, ins, in_bytes, 1, out_names, outs, out_bytes, 1'000'000'000,
                             nullptr),
            ZYNQNN_OK)
      << zynqnn_last_error();
  EXPECT_EQ(static_cast<unsigned char*>(data)[783], 7);
}

TEST(CapiOpen, RefusesAnUnknownBoard) {
  zynqnn_accelerator* handle = nullptr;
  EXPECT_EQ(zynqnn_open(write_manifest().c_str(), "fpga-of-dreams", &handle), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(handle, nullptr);
  EXPECT_NE(std::string(zynqnn_last_error()).find("board must be"), std::string::npos);
}

}  // namespace
