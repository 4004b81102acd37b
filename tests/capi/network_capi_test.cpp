// The compiled-network calls of the C ABI (zynqnn_network_*): a small network compiled in the
// test, opened from its output folder on the virtual board, run with float32 arrays by index,
// and every wrong size, count, index or state refused without touching the caller's arrays.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "../compiler/compiler_test_util.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/zynqnn.h"

namespace zynqnn {
namespace {

namespace fs = std::filesystem;

// x[1,6] -> Gemm (PL) -> Softmax (PS after the PL) -> y[1,4], compiled once for the suite.
class NetworkCapi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    compiler::testing::GraphBuilder b;
    b.input("x", {1, 6})
        .random_constant("w", {6, 4})
        .node({"Gemm", "fc", {"x", "w"}, {"g"}, {}})
        .node({"Softmax", "sm", {"g"}, {"y"}, {}})
        .output("y");
    graph_ = new graph::Graph(b.build());
    inputs_ = new graph::TensorMap(b.random_inputs());
    compiler::compile_graph(*graph_, compiler::testing::options_for("capi_network"));
  }
  static void TearDownTestSuite() {
    delete graph_;
    delete inputs_;
  }
  static fs::path folder() { return compiler::testing::work_dir("capi_network"); }
  std::vector<float> expected() const {
    const auto outputs = graph::Executor(*graph_).run(*inputs_);
    const auto y = outputs.at("y").data<float>();
    return {y.begin(), y.end()};
  }
  std::vector<float> input() const {
    const auto x = inputs_->at("x").data<float>();
    return {x.begin(), x.end()};
  }
  static int run(zynqnn_network* net, const std::vector<float>& x, std::vector<float>& y, std::size_t x_bytes,
                 std::size_t y_bytes) {
    const float* in[1] = {x.data()};
    float* out[1] = {y.data()};
    return zynqnn_network_run(net, 1, in, &x_bytes, 1, out, &y_bytes);
  }

  static graph::Graph* graph_;
  static graph::TensorMap* inputs_;
};
graph::Graph* NetworkCapi::graph_ = nullptr;
graph::TensorMap* NetworkCapi::inputs_ = nullptr;

TEST_F(NetworkCapi, DescribesAndRunsTheNetworkOnTheVirtualBoard) {
  zynqnn_network* net = nullptr;
  ASSERT_EQ(zynqnn_network_open(folder().c_str(), "virtual", 1'000'000'000, &net), ZYNQNN_OK) << zynqnn_last_error();
  std::size_t count = 0;
  ASSERT_EQ(zynqnn_network_count(net, ZYNQNN_INPUT, &count), ZYNQNN_OK);
  EXPECT_EQ(count, 1U);
  ASSERT_EQ(zynqnn_network_count(net, ZYNQNN_OUTPUT, &count), ZYNQNN_OK);
  EXPECT_EQ(count, 1U);
  zynqnn_network_value v{};
  ASSERT_EQ(zynqnn_network_value_get(net, ZYNQNN_INPUT, 0, &v), ZYNQNN_OK);
  EXPECT_STREQ(v.name, "x");
  EXPECT_STREQ(v.dtype, "float32");
  ASSERT_EQ(v.rank, 2U);
  EXPECT_EQ(v.shape[1], 6);
  EXPECT_EQ(v.elements, 6U);
  ASSERT_EQ(zynqnn_network_value_get(net, ZYNQNN_OUTPUT, 0, &v), ZYNQNN_OK);
  EXPECT_STREQ(v.name, "y");
  EXPECT_EQ(v.elements, 4U);

  std::vector<float> y(4, -1.0F);
  ASSERT_EQ(run(net, input(), y, 24, 16), ZYNQNN_OK) << zynqnn_last_error();
  const auto e = expected();
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(y[i], e[i], 1e-5F) << i;
  zynqnn_network_close(net);
}

TEST_F(NetworkCapi, WrongSizesCountsAndIndicesAreRefusedWithoutWritingTheOutputs) {
  zynqnn_network* net = nullptr;
  ASSERT_EQ(zynqnn_network_open(folder().c_str(), nullptr, 1'000'000'000, &net), ZYNQNN_OK) << zynqnn_last_error();
  std::vector<float> y(4, -7.0F);
  EXPECT_EQ(run(net, input(), y, 20, 16), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("20 bytes"), std::string::npos) << zynqnn_last_error();
  std::vector<float> big(8, -7.0F);
  EXPECT_EQ(run(net, input(), big, 24, 32), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_TRUE(std::all_of(big.begin(), big.end(), [](float f) { return f == -7.0F; }));
  EXPECT_TRUE(std::all_of(y.begin(), y.end(), [](float f) { return f == -7.0F; }));

  const auto x = input();
  const float* in[1] = {x.data()};
  float* out[1] = {y.data()};
  const std::size_t in_bytes = 24, out_bytes = 16;
  EXPECT_EQ(zynqnn_network_run(net, 2, in, &in_bytes, 1, out, &out_bytes), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_network_run(net, 1, in, &in_bytes, 0, nullptr, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_network_run(net, 1, nullptr, &in_bytes, 1, out, &out_bytes), ZYNQNN_INVALID_ARGUMENT);
  const float* null_in[1] = {nullptr};
  EXPECT_EQ(zynqnn_network_run(net, 1, null_in, &in_bytes, 1, out, &out_bytes), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_network_run(nullptr, 1, in, &in_bytes, 1, out, &out_bytes), ZYNQNN_INVALID_ARGUMENT);

  zynqnn_network_value v{};
  EXPECT_EQ(zynqnn_network_value_get(net, ZYNQNN_OUTPUT, 1, &v), ZYNQNN_OUT_OF_RANGE);
  EXPECT_EQ(zynqnn_network_value_get(net, 5, 0, &v), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_network_value_get(net, ZYNQNN_INPUT, 0, nullptr), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_TRUE(std::all_of(y.begin(), y.end(), [](float f) { return f == -7.0F; }));
  zynqnn_network_close(net);
}

TEST_F(NetworkCapi, OpenRefusesAFolderWithoutAContractAndABadDeadline) {
  zynqnn_network* net = reinterpret_cast<zynqnn_network*>(1);
  const fs::path empty = compiler::testing::work_dir("capi_network_empty");
  fs::create_directories(empty);
  EXPECT_EQ(zynqnn_network_open(empty.c_str(), "virtual", 1'000'000'000, &net), ZYNQNN_IO);
  EXPECT_NE(std::string(zynqnn_last_error()).find("network.json"), std::string::npos) << zynqnn_last_error();
  EXPECT_EQ(net, nullptr);
  EXPECT_EQ(zynqnn_network_open(folder().c_str(), "virtual", 0, &net), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_network_open(nullptr, "virtual", 1, &net), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_EQ(zynqnn_network_open(folder().c_str(), "virtual", 1, nullptr), ZYNQNN_INVALID_ARGUMENT);
}

TEST_F(NetworkCapi, AfterShutdownRunsAreRefusedAndTheInfosStayReadable) {
  zynqnn_network* net = nullptr;
  ASSERT_EQ(zynqnn_network_open(folder().c_str(), "virtual", 1'000'000'000, &net), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(zynqnn_network_shutdown(net), ZYNQNN_OK);
  EXPECT_EQ(zynqnn_network_shutdown(net), ZYNQNN_OK);
  std::vector<float> y(4);
  EXPECT_EQ(run(net, input(), y, 24, 16), ZYNQNN_BAD_STATE);
  EXPECT_NE(std::string(zynqnn_last_error()).find("closed"), std::string::npos);
  zynqnn_network_value v{};
  EXPECT_EQ(zynqnn_network_value_get(net, ZYNQNN_INPUT, 0, &v), ZYNQNN_OK);
  EXPECT_STREQ(v.name, "x");
  zynqnn_network_close(net);
}

TEST_F(NetworkCapi, ThreadsSharingAHandleEachGetTheAnswerToTheirOwnInput) {
  zynqnn_network* net = nullptr;
  ASSERT_EQ(zynqnn_network_open(folder().c_str(), "virtual", 1'000'000'000, &net), ZYNQNN_OK) << zynqnn_last_error();
  graph::Executor reference(*graph_);
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::vector<float> x(6);
        for (int k = 0; k < 6; ++k) x[k] = 0.1F * static_cast<float>((t * 7 + i * 3 + k) % 11) - 0.5F;
        graph::TensorMap in;
        in.emplace("x", graph::Tensor::from<float>({1, 6}, x));
        const auto want = reference.run(in).at("y");
        std::vector<float> y(4);
        if (run(net, x, y, 24, 16) != ZYNQNN_OK) {
          ++wrong[t];
          continue;
        }
        for (int k = 0; k < 4; ++k)
          if (std::abs(y[k] - want.data<float>()[k]) > 1e-5F) ++wrong[t];
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
  zynqnn_network_close(net);
}

// A caller's PL step: runs the frame on its own accelerator (zynqnn_run_buffers), counting calls.
struct CallerPl {
  zynqnn_accelerator* accelerator = nullptr;
  int calls = 0;
  int status_to_return = ZYNQNN_OK;
  static int step(void* self, size_t in_count, const void* const* in, const size_t* /*in_bytes*/, size_t /*out_count*/,
                  void* const* out, const size_t* /*out_bytes*/) {
    auto* pl = static_cast<CallerPl*>(self);
    ++pl->calls;
    if (pl->status_to_return != ZYNQNN_OK || in_count != 1) return pl->status_to_return;
    zynqnn_call_result result{};
    return zynqnn_run_buffers(pl->accelerator, in, out, 1'000'000'000, &result);
  }
};

TEST_F(NetworkCapi, TheCallersPlStepRunsThePlPartAndItsFailureEndsTheRun) {
  CallerPl pl;
  ASSERT_EQ(zynqnn_open((folder() / "manifest.json").c_str(), "virtual", &pl.accelerator), ZYNQNN_OK) << zynqnn_last_error();
  zynqnn_network* net = nullptr;
  ASSERT_EQ(zynqnn_network_open_stepped(folder().c_str(), &CallerPl::step, &pl, &net), ZYNQNN_OK) << zynqnn_last_error();
  std::vector<float> y(4, -1.0F);
  ASSERT_EQ(run(net, input(), y, 6 * sizeof(float), 4 * sizeof(float)), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(pl.calls, 1);
  const auto want = expected();
  for (std::size_t k = 0; k < y.size(); ++k) EXPECT_NEAR(y[k], want[k], 1e-6F) << k;

  pl.status_to_return = ZYNQNN_TIMEOUT;  // the step's status is the run's, and y stays as it was
  std::vector<float> untouched(4, -1.0F);
  EXPECT_EQ(run(net, input(), untouched, 6 * sizeof(float), 4 * sizeof(float)), ZYNQNN_TIMEOUT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("the PL step returned timeout"), std::string::npos) << zynqnn_last_error();
  EXPECT_EQ(untouched, std::vector<float>(4, -1.0F));
  zynqnn_network_close(net);
  zynqnn_close(pl.accelerator);
  EXPECT_EQ(zynqnn_network_open_stepped(folder().c_str(), nullptr, nullptr, &net), ZYNQNN_INVALID_ARGUMENT);
}

TEST_F(NetworkCapi, EncodeGivesThePlInputBytesOfTheNetworksInputs) {
  zynqnn_network* net = nullptr;
  ASSERT_EQ(zynqnn_network_open(folder().c_str(), "virtual", 1'000'000'000, &net), ZYNQNN_OK) << zynqnn_last_error();
  const std::vector<float> x = input();
  std::vector<float> frame(6, 0.0F);  // float32 precision: the stream carries x's own bits
  const float* in[1] = {x.data()};
  const std::size_t in_bytes[1] = {6 * sizeof(float)};
  void* pl[1] = {frame.data()};
  std::size_t pl_bytes[1] = {6 * sizeof(float)};
  ASSERT_EQ(zynqnn_network_encode(net, 1, in, in_bytes, 1, pl, pl_bytes), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(frame, x);
  pl_bytes[0] = 5 * sizeof(float);
  EXPECT_EQ(zynqnn_network_encode(net, 1, in, in_bytes, 1, pl, pl_bytes), ZYNQNN_INVALID_ARGUMENT);
  EXPECT_NE(std::string(zynqnn_last_error()).find("its stream takes 24"), std::string::npos) << zynqnn_last_error();
  zynqnn_network_close(net);
}

TEST(NetworkCapiPsOnly, ANetworkWithoutAPlPartRunsOnThePsWithoutAnAccelerator) {
  compiler::testing::GraphBuilder b;
  b.input("x", {2, 3}).node({"Transpose", "t", {"x"}, {"y"}, {}}).output("y");
  const auto compiled = compiler::compile_graph(b.build(), compiler::testing::options_for("capi_network_ps"));
  ASSERT_FALSE(compiled.plan.uses_pl());
  zynqnn_network* net = nullptr;
  ASSERT_EQ(zynqnn_network_open(compiler::testing::work_dir("capi_network_ps").c_str(), "no-such-board", 1, &net), ZYNQNN_OK)
      << zynqnn_last_error();
  const std::vector<float> x{1, 2, 3, 4, 5, 6};
  std::vector<float> y(6);
  const float* in[1] = {x.data()};
  float* out[1] = {y.data()};
  const std::size_t bytes = 24;
  ASSERT_EQ(zynqnn_network_run(net, 1, in, &bytes, 1, out, &bytes), ZYNQNN_OK) << zynqnn_last_error();
  EXPECT_EQ(y, (std::vector<float>{1, 4, 2, 5, 3, 6}));
  zynqnn_network_close(net);
}

}  // namespace
}  // namespace zynqnn
