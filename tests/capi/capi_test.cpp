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


// External buffers (zynqnn_register_buffer): the checks, and a call that runs on a registered
// output without copying into it (the null board moves no data: a copy would be visible).
TEST_F(CapiTest, RegisteredBuffersAreCheckedAndUsedWithoutACopy) {
  void* own = nullptr;
  size_t bytes = 0;
  ASSERT_EQ(zynqnn_stream_buffer(handle_, ZYNQNN_OUTPUT, 0, &own, &bytes), ZYNQNN_OK);
  std::memset(own, 0x55, bytes);  // what a copy out of the stream's own buffer would deliver
  uint64_t own_in = 0, own_out = 0;
  ASSERT_EQ(zynqnn_stream_physical_address(handle_, ZYNQNN_INPUT, 0, &own_in), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_stream_physical_address(handle_, ZYNQNN_OUTPUT, 0, &own_out), ZYNQNN_OK);
  std::vector<unsigned char> echo(784, 0x11), image(784, 3);
  const uint64_t physical = 0x2000'0000;

  auto refused = [&](int status, const char* text, int direction, size_t index, void* data, size_t size,
                     uint64_t address) {
    EXPECT_EQ(zynqnn_register_buffer(handle_, direction, index, data, size, address), status) << text;
    EXPECT_NE(std::string(zynqnn_last_error()).find(text), std::string::npos) << zynqnn_last_error();
  };
  refused(ZYNQNN_INVALID_ARGUMENT, "700 bytes, the stream transfers 784", ZYNQNN_OUTPUT, 0, echo.data(), 700,
          physical);
  refused(ZYNQNN_INVALID_ARGUMENT, "not 64-byte aligned", ZYNQNN_OUTPUT, 0, echo.data(), 784, physical + 8);
  refused(ZYNQNN_INVALID_ARGUMENT, "no physical address", ZYNQNN_OUTPUT, 0, echo.data(), 784, 0);
  refused(ZYNQNN_OUT_OF_RANGE, "32-bit address space", ZYNQNN_OUTPUT, 0, echo.data(), 784, 0xFFFF'FF00);
  refused(ZYNQNN_INVALID_ARGUMENT, "overlaps the buffer", ZYNQNN_OUTPUT, 0, echo.data(), 784, own_in + 64);
  refused(ZYNQNN_INVALID_ARGUMENT, "the host pointer is NULL", ZYNQNN_OUTPUT, 0, nullptr, 784, physical);
  refused(ZYNQNN_OUT_OF_RANGE, "output stream index 1 >= 1", ZYNQNN_OUTPUT, 1, echo.data(), 784, physical);
  refused(ZYNQNN_INVALID_ARGUMENT, "direction must be", 5, 0, echo.data(), 784, physical);

  ASSERT_EQ(zynqnn_register_buffer(handle_, ZYNQNN_OUTPUT, 0, echo.data(), 784, physical), ZYNQNN_OK)
      << zynqnn_last_error();
  // Another stream's buffer may not overlap it; the same range again for the same stream
  // replaces the host pointer (the memory mapped anew).
  refused(ZYNQNN_INVALID_ARGUMENT, "overlaps the buffer [0x20000000, 0x20000310)", ZYNQNN_INPUT, 0, image.data(), 784,
          physical + 64);
  std::vector<unsigned char> remapped(784, 0x22);
  ASSERT_EQ(zynqnn_register_buffer(handle_, ZYNQNN_OUTPUT, 0, remapped.data(), 784, physical), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_register_buffer(handle_, ZYNQNN_OUTPUT, 0, echo.data(), 784, physical), ZYNQNN_OK);
  EXPECT_EQ(zynqnn_unregister_buffer(handle_, ZYNQNN_OUTPUT, 0, remapped.data()), ZYNQNN_NOT_FOUND);

  const void* ins[] = {image.data()};
  void* outs[] = {echo.data()};
  zynqnn_call_result result{};
  ASSERT_EQ(zynqnn_run_buffers(handle_, ins, outs, 1'000'000'000, &result), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(echo, std::vector<unsigned char>(784, 0x11));  // the DMA's, not a copy of 0x55

  // An unregistered output buffer is copied into as before.
  ASSERT_EQ(zynqnn_unregister_buffer(handle_, ZYNQNN_OUTPUT, 0, echo.data()), ZYNQNN_OK);
  ASSERT_EQ(zynqnn_run_buffers(handle_, ins, outs, 1'000'000'000, &result), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(echo, std::vector<unsigned char>(784, 0x55));
  EXPECT_EQ(zynqnn_unregister_buffer(handle_, ZYNQNN_OUTPUT, 0, echo.data()), ZYNQNN_NOT_FOUND);
}

TEST_F(CapiTest, DmaBuffersComeFromTheBoardsMemory) {
  zynqnn_dma_buffer* buffer = nullptr;
  void* data = nullptr;
  uint64_t physical = 0;
  ASSERT_EQ(zynqnn_dma_buffer_allocate(handle_, 784, 4096, &buffer, &data, &physical), ZYNQNN_OK)
      << zynqnn_last_error();
  EXPECT_NE(data, nullptr);
  EXPECT_EQ(physical % 4096, 0u);
  uint64_t own_in = 0;
  ASSERT_EQ(zynqnn_stream_physical_address(handle_, ZYNQNN_INPUT, 0, &own_in), ZYNQNN_OK);
  EXPECT_NE(physical, own_in);
  EXPECT_EQ(zynqnn_dma_buffer_sync(buffer, ZYNQNN_INPUT, 0, 784), ZYNQNN_OK);
  EXPECT_EQ(zynqnn_dma_buffer_sync(buffer, ZYNQNN_OUTPUT, 0, 784), ZYNQNN_OK);
  EXPECT_EQ(zynqnn_dma_buffer_sync(buffer, 9, 0, 784), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_register_buffer(handle_, ZYNQNN_INPUT, 0, data, 784, physical), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_dma_buffer* refused = nullptr;
  EXPECT_EQ(zynqnn_dma_buffer_allocate(handle_, 0, 64, &refused, &data, &physical), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(refused, nullptr);
  EXPECT_EQ(zynqnn_dma_buffer_allocate(handle_, 64, 64, nullptr, &data, &physical), ZYNQNN_INVALID_ARGUMENT);
  zynqnn_dma_buffer_free(buffer);
  zynqnn_dma_buffer_free(nullptr);
}

}  // namespace
