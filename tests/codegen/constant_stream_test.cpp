// Constant input streams end to end: a kernel whose coefficient stream comes from a file
// (y = x * coeff + coeff, the coefficients first in stream order) generated once, then run on the
// virtual board through open_accelerator and the C ABI (the caller fills only x), by its CPU
// fallback, and with faults and wrong-sized frames.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <vector>

#include "test_support.hpp"
#include "zynqnn/accelerator/cpu_fallback.hpp"
#include "zynqnn/accelerator/dma_accelerator.hpp"
#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/zynqnn.h"

namespace zynqnn::codegen {
namespace {

using namespace zynqnn::testing;
using namespace std::chrono_literals;

constexpr int kElements = 45;  // odd: the last 32-bit word of each int16 stream holds one element
constexpr std::size_t kFrameBytes = 23 * 4;    // an int16 frame: 23 words
constexpr std::size_t kOutputBytes = 45 * 4;   // the int32 output: 45 words

std::int16_t coefficient(int i) { return static_cast<std::int16_t>(i * 37 - 700); }
std::int16_t sample(int i) { return static_cast<std::int16_t>(i * 113 - 2000); }

// The coefficients as one frame of DMA words (two int16 per 32-bit word, zero padding).
std::vector<std::byte> coefficient_frame(std::size_t bytes = kFrameBytes) {
  std::vector<std::byte> frame(bytes);
  for (int i = 0; i < kElements && static_cast<std::size_t>(i) * 2 + 2 <= bytes; ++i) {
    const std::int16_t value = coefficient(i);
    std::memcpy(frame.data() + i * 2, &value, 2);
  }
  return frame;
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Writes the spec, its compute source and the coefficient file into `folder`.
std::filesystem::path write_spec(const std::filesystem::path& folder, const std::string& constant,
                                 std::size_t frame_bytes = kFrameBytes) {
  std::filesystem::create_directories(folder);
  write_text(folder / "scaler.json", R"({
    "kernel": "scaler", "board": "pynq-z2",
    "streams": [
      {"name": "coeff", "direction": "in", "type": "int16", "shape": [45], "constant": ")" + constant + R"("},
      {"name": "x", "direction": "in", "type": "int16", "shape": [45]},
      {"name": "y", "direction": "out", "type": "int32", "shape": [45]}
    ],
    "compute": {"source": "scaler_compute.cpp", "function": "scale"}})");
  write_text(folder / "scaler_compute.cpp", R"(#include <stdint.h>
#include "hls_stream.h"
void scale(hls::stream<int16_t>& coeff, hls::stream<int16_t>& x, hls::stream<int32_t>& y) {
  for (int i = 0; i < 45; ++i) {
#pragma HLS PIPELINE II=1
    const int32_t c = coeff.read();
    y.write((int32_t)x.read() * c + c);  // not symmetric: a swapped stream order shows
  }
}
)");
  if (constant.front() != '/') write_bytes(folder / constant, coefficient_frame(frame_bytes));
  return folder / "scaler.json";
}

GenerateOptions options_for(const std::filesystem::path& out, bool build_sim) {
  GenerateOptions options;
  options.hls_include_dir = hls_include();
  options.project_include_dir = std::string(ZYNQNN_SOURCE_DIR) + "/include";
  options.output_dir = out;
  options.build_sim = build_sim;
  return options;
}

std::vector<std::int32_t> expected_output() {
  std::vector<std::int32_t> y(kElements);
  for (int i = 0; i < kElements; ++i) y[i] = static_cast<std::int32_t>(sample(i)) * coefficient(i) + coefficient(i);
  return y;
}

void fill_samples(std::span<std::byte> buffer) {
  ASSERT_EQ(buffer.size(), kFrameBytes);
  std::memset(buffer.data(), 0, buffer.size());
  for (int i = 0; i < kElements; ++i) {
    const std::int16_t value = sample(i);
    std::memcpy(buffer.data() + i * 2, &value, 2);
  }
}

std::vector<std::int32_t> values(std::span<const std::byte> bytes) {
  std::vector<std::int32_t> out(kElements);
  EXPECT_GE(bytes.size(), out.size() * 4);
  std::memcpy(out.data(), bytes.data(), std::min(bytes.size(), out.size() * 4));
  return out;
}

class ConstantStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::filesystem::path(scratch_dir("constant_stream"));
    generate(spec::load_kernel_spec(write_spec(*root_ / "spec", "data/coefficients.bin")), options_for(out(), true));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*root_);
    delete root_;
  }
  static std::filesystem::path out() { return *root_ / "out"; }
  static std::string manifest_path() { return (out() / "manifest.json").string(); }
  static std::filesystem::path* root_;
};
std::filesystem::path* ConstantStreamTest::root_ = nullptr;

TEST_F(ConstantStreamTest, ManifestNamesTheCopiedFrame) {
  const auto m = manifest::load_manifest(manifest_path());
  const auto* coeff = m.find_stream("coeff");
  ASSERT_NE(coeff, nullptr);
  EXPECT_EQ(coeff->constant, "constants/coeff.bin");
  EXPECT_EQ(m.find_stream("x")->constant, "");
  ASSERT_EQ(m.all_inputs().size(), 2u);  // the hardware view: both MM2S streams
  ASSERT_EQ(m.inputs().size(), 1u);      // the caller's view
  EXPECT_EQ(m.inputs()[0]->name, "x");
  ASSERT_EQ(m.constant_inputs().size(), 1u);
  EXPECT_EQ(m.constant_inputs()[0]->name, "coeff");
  EXPECT_EQ(m.dmas.size(), 2u);  // one more MM2S channel, as any input
  EXPECT_EQ(manifest::load_constant_frame(*coeff, out()), coefficient_frame());
  const std::string wrapper = read_text(out() / "python/scaler.py");
  EXPECT_NE(wrapper.find("def run(self, x):"), std::string::npos) << wrapper;
  EXPECT_NE(wrapper.find("coeff: constant input"), std::string::npos) << wrapper;
  EXPECT_NE(read_text(out() / "hls/run_hls.tcl").find("csim_design -argv"), std::string::npos);
  // The spec's path stays out of everything generated: only constants/<stream>.bin is named.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(out())) {
    if (!entry.is_regular_file() || entry.path().extension() == ".so" || entry.path().extension() == ".bin") continue;
    EXPECT_EQ(read_text(entry.path()).find("coefficients.bin"), std::string::npos) << entry.path();
  }
}

TEST_F(ConstantStreamTest, TestbenchFeedsTheFrameFromItsFile) {
  std::string output;
  const std::string hls = (out() / "hls").string();
  const std::string build = "cd " + sh_quote(hls) + " && g++ -std=c++17 -O1 -I" + sh_quote(hls_include()) +
                            " -I. scaler_top.cpp scaler_tb.cpp scaler_compute.cpp -o tb -pthread";
  ASSERT_EQ(run(build, output), 0) << output;
  EXPECT_EQ(run("cd " + sh_quote(hls) + " && ./tb", output), 0) << output;
  EXPECT_NE(output.find("scaler testbench: passed"), std::string::npos) << output;
  EXPECT_NE(run("cd " + sh_quote(hls) + " && ./tb /nonexistent", output), 0);
  EXPECT_NE(output.find("coeff: cannot open the constant file"), std::string::npos) << output;
}

TEST_F(ConstantStreamTest, RoundTripOnTheVirtualBoardFillsOnlyTheDataInput) {
  auto accelerator = open_accelerator(manifest_path(), "virtual");
  ASSERT_EQ(accelerator->inputs().size(), 1u);
  EXPECT_EQ(accelerator->inputs()[0].name, "x");
  fill_samples(accelerator->input_buffer(0));
  for (int call = 0; call < 2; ++call) {  // the frame is loaded once and sent with every call
    const CallResult result = accelerator->run(2s);
    ASSERT_EQ(result.status, CallStatus::ok) << result.detail;
    EXPECT_EQ(values(accelerator->output_buffer(0)), expected_output());
  }
  auto* dma_accelerator = dynamic_cast<DmaAccelerator*>(accelerator.get());
  ASSERT_NE(dma_accelerator, nullptr);
  ASSERT_EQ(dma_accelerator->constant_inputs().size(), 1u);
  EXPECT_EQ(dma_accelerator->constant_inputs()[0].name, "coeff");
}

TEST_F(ConstantStreamTest, ConstantFrameSurvivesReconfiguration) {
  auto accelerator = open_accelerator(manifest_path(), "virtual");
  fill_samples(accelerator->input_buffer(0));
  accelerator->reconfigure();
  const CallResult result = accelerator->run(2s);
  ASSERT_EQ(result.status, CallStatus::ok) << result.detail;
  EXPECT_EQ(values(accelerator->output_buffer(0)), expected_output());
}

TEST_F(ConstantStreamTest, BusErrorOnTheConstantChannelNamesTheStream) {
  auto accelerator = open_accelerator(manifest_path(), "virtual");
  fill_samples(accelerator->input_buffer(0));
  const auto m = manifest::load_manifest(manifest_path());
  auto& board = dynamic_cast<virtual_board::VirtualBoard&>(accelerator->board());
  virtual_board::Fault fault{virtual_board::FaultKind::bus_error};
  fault.channel = virtual_board::FaultChannel::mm2s;
  fault.dma = m.find_stream("coeff")->dma;
  board.inject(fault);
  const CallResult failed = accelerator->run(500ms);
  EXPECT_EQ(failed.status, CallStatus::dma_error) << failed.detail;
  EXPECT_NE(failed.detail.find("stream 'coeff' (" + fault.dma + ".MM2S)"), std::string::npos) << failed.detail;
  EXPECT_NE(failed.detail.find("DMASlvErr"), std::string::npos) << failed.detail;
  // Recovery as for any stream: a PL reload, then the constants are sent again.
  accelerator->abort();
  accelerator->reconfigure();
  const CallResult result = accelerator->run(2s);
  ASSERT_EQ(result.status, CallStatus::ok) << result.detail;
  EXPECT_EQ(values(accelerator->output_buffer(0)), expected_output());
}

TEST_F(ConstantStreamTest, CpuFallbackGivesTheSameOutput) {
  const auto fallback = cpu_fallback_from_manifest(manifest_path());
  std::vector<std::byte> x(kFrameBytes), y(kOutputBytes);
  fill_samples(x);
  fallback({x}, {y});
  EXPECT_EQ(values(y), expected_output());
  // Only the caller's inputs are taken.
  std::vector<std::byte> extra(kFrameBytes);
  EXPECT_THROW(fallback({extra, x}, {y}), Error);
}

TEST_F(ConstantStreamTest, CAbiAsksOnlyForTheDataInput) {
  zynqnn_accelerator* handle = nullptr;
  ASSERT_EQ(zynqnn_open(manifest_path().c_str(), "virtual", &handle), ZYNQNN_OK) << zynqnn_last_error();
  size_t count = 0;
  ASSERT_EQ(zynqnn_stream_count(handle, ZYNQNN_INPUT, &count), ZYNQNN_OK);
  EXPECT_EQ(count, 1u);
  std::vector<std::byte> x(kFrameBytes), y(kOutputBytes);
  fill_samples(x);
  const char* input_names[] = {"x"};
  const void* inputs[] = {x.data()};
  const size_t input_bytes[] = {x.size()};
  const char* output_names[] = {"y"};
  void* outputs[] = {y.data()};
  const size_t output_bytes[] = {y.size()};
  zynqnn_call_result result{};
  EXPECT_EQ(zynqnn_run_named(handle, 1, input_names, inputs, input_bytes, 1, output_names, outputs, output_bytes,
                             2'000'000'000, &result),
            ZYNQNN_OK)
      << result.detail << zynqnn_last_error();
  EXPECT_EQ(values(y), expected_output());
  const char* both[] = {"coeff", "x"};
  const void* two_inputs[] = {x.data(), x.data()};
  const size_t two_bytes[] = {x.size(), x.size()};
  EXPECT_NE(zynqnn_run_named(handle, 2, both, two_inputs, two_bytes, 1, output_names, outputs, output_bytes,
                             2'000'000'000, &result),
            ZYNQNN_OK);
  zynqnn_close(handle);
}

TEST_F(ConstantStreamTest, OpenRefusesAWrongSizedFrame) {
  const auto copy = *root_ / "wrong_size";
  std::filesystem::remove_all(copy);
  std::filesystem::copy(out(), copy, std::filesystem::copy_options::recursive);
  write_bytes(copy / "constants/coeff.bin", coefficient_frame(kFrameBytes - 4));
  // With its stamp the folder is refused as a whole: the frame is not the one generated.
  try {
    open_accelerator((copy / "manifest.json").string(), "virtual");
    FAIL() << "a constant file other than the generated one was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_state);
    EXPECT_NE(std::string(error.what()).find("constants/coeff.bin"), std::string::npos) << error.what();
  }
  // A folder edited by hand (its stamp removed): the frame's own checks.
  std::filesystem::remove(copy / "zynqnn.stamp");
  try {
    open_accelerator((copy / "manifest.json").string(), "virtual");
    FAIL() << "a short constant file was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    const std::string text = error.what();
    EXPECT_NE(text.find("holds 88 bytes, the stream needs exactly 92"), std::string::npos) << text;
    EXPECT_NE(text.find("constant stream 'coeff'"), std::string::npos) << text;
    EXPECT_NE(text.find("constants/coeff.bin"), std::string::npos) << text;
  }
  write_bytes(copy / "constants/coeff.bin", coefficient_frame(kFrameBytes + 1));
  EXPECT_THROW(open_accelerator((copy / "manifest.json").string(), "virtual"), Error);
  std::filesystem::remove(copy / "constants/coeff.bin");
  try {
    open_accelerator((copy / "manifest.json").string(), "virtual");
    FAIL() << "a missing constant file was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
  }
  EXPECT_THROW(cpu_fallback_from_manifest(copy / "manifest.json"), Error);
}

TEST(ConstantStreamGenerate, RefusesAWrongSizedFrame) {
  const auto root = scratch_dir("constant_wrong_size");
  const auto spec = spec::load_kernel_spec(write_spec(root / "spec", "coefficients.bin", kFrameBytes - 2));
  try {
    generate(spec, options_for(root / "out", false));
    FAIL() << "a short constant file was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    const std::string text = error.what();
    EXPECT_NE(text.find("constant stream 'coeff' needs exactly 92 bytes"), std::string::npos) << text;
    EXPECT_NE(text.find("the file has 90"), std::string::npos) << text;
  }
  EXPECT_FALSE(std::filesystem::exists(root / "out" / "manifest.json"));
  std::filesystem::remove_all(root);
}

TEST(ConstantStreamGenerate, ReadsAFrameFromTheFolderItReplaces) {
  // The spec names the frame inside the very folder it is generated into: every constant is
  // read before the folder is replaced, so the new folder holds the old frame.
  const auto root = scratch_dir("constant_in_place");
  const auto out = root / "out";
  const auto first = write_spec(root / "spec", "coefficients.bin");
  generate(spec::load_kernel_spec(first), options_for(out, false));
  const auto spec_path = write_spec(root / "spec_again", (out / "constants/coeff.bin").string());
  const auto result = generate(spec::load_kernel_spec(spec_path), options_for(out, false));
  EXPECT_EQ(manifest::load_manifest(out / "manifest.json").find_stream("coeff")->constant, "constants/coeff.bin");
  const std::vector<std::byte> expected = coefficient_frame();
  EXPECT_EQ(read_text(out / "constants/coeff.bin"),
            std::string(reinterpret_cast<const char*>(expected.data()), expected.size()));
  EXPECT_NE(std::find(result.files.begin(), result.files.end(), std::filesystem::path("constants/coeff.bin")),
            result.files.end());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace zynqnn::codegen
