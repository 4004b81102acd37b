// The layers as DATAFLOW processes: each layer of a linear chain runs on its own thread,
// looping over frames, connected by 2-deep FIFOs (blocking reads and writes, as in hardware).
// It must finish without deadlock and give, frame by frame, the results of the same layers
// called one after the other.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "conv_harness.hpp"

namespace {

namespace zh = zynqnn_hls;
using namespace zynqnn_hls_test;
using i8 = ap_int<8>;
using i32 = ap_int<32>;

using conv_window = zh::window_config<8, 8, 4, 2, 3, 3, 2, 2, 1, 1, 1, 1>;  // -> 4x4x8
using conv_cfg = zh::conv_mvu_config<conv_window, 8, 4>;
using conv_out = zh::stream_shape<16, 8, 4>;
using pool_window = zh::window_config<4, 4, 8, 4, 2, 2, 2, 2>;  // -> 2x2x8
using pooled = zh::stream_shape<4, 8, 4>;
using fc_window = zh::window_config<1, 1, 8, 4, 1, 1>;
using fc_cfg = zh::conv_mvu_config<fc_window, 6, 3>;
constexpr int kFrames = 4;

struct model {
  folded_mvu_params<conv_cfg, i8, i32> conv;
  folded_mvu_params<fc_cfg, i8, i32> fc;
  zh::requant_params rq[4][2];
};

struct chain_streams {
  hls::stream<zh::word<i8, 2>> in{"in"};
  hls::stream<zh::word<i32, 4>> acc{"acc"};
  hls::stream<zh::word<i8, 4>> act{"act"}, windows{"windows"}, pooled{"pooled"}, gap{"gap"};
  hls::stream<zh::word<i32, 3>> out{"out"};
  void bound(std::size_t depth) {
    acc.set_capacity(depth);
    act.set_capacity(depth);
    windows.set_capacity(depth);
    pooled.set_capacity(depth);
    gap.set_capacity(depth);
  }
};

// The stages of the chain, one frame each.
std::vector<std::function<void()>> stages(chain_streams& s, const model& m) {
  return {
      [&] { zh::conv2d<conv_window, 8, 4, i8, i8, i32>(s.in, s.acc, m.conv.weights, m.conv.bias, i8(0)); },
      [&] { zh::requantize<conv_out, i32, i8>(s.acc, s.act, m.rq, zh::requant_output{0, 0, 127}); },
      [&] { zh::sliding_window<pool_window>(s.act, s.windows, i8(-128)); },
      [&] { zh::pool<pool_window, zh::pool_kind::max, true, i8, i8, i8>(s.windows, s.pooled); },
      [&] { zh::global_pool<pooled, zh::pool_kind::average, i8, i32, i8>(s.pooled, s.gap); },
      [&] { zh::conv2d<fc_window, 6, 3, i8, i8, i32>(s.gap, s.out, m.fc.weights, m.fc.bias, i8(0)); },
  };
}

TEST(ConcurrentDataflow, ThreadPerLayerWithShallowFifosMatchesSequentialCalls) {
  std::mt19937 rng(99);
  auto m = std::make_unique<model>();
  m->conv.fill(random_ints(rng, 8 * 4 * 9, -30, 30), random_ints(rng, 8, -500, 500));
  m->fc.fill(random_ints(rng, 6 * 8, -60, 60), random_ints(rng, 6, -100, 100));
  for (int c = 0; c < 8; ++c) ASSERT_TRUE(zh::quantize_multiplier(1.0 / (200 + 30 * c), m->rq[c % 4][c / 4].multiplier,
                                                                  m->rq[c % 4][c / 4].shift));
  std::vector<std::vector<std::int64_t>> frames;
  for (int f = 0; f < kFrames; ++f) frames.push_back(random_ints(rng, 8 * 8 * 4, -128, 127));

  // Sequential: one layer after the other, per frame.
  std::vector<std::vector<std::int64_t>> expected;
  {
    chain_streams s;
    auto run = stages(s, *m);
    for (const auto& frame : frames) {
      push_tensor(s.in, frame);
      for (auto& stage : run) stage();
      expected.push_back(pop_tensor<std::int64_t>(s.out, 6));
    }
  }

  // Concurrent: a thread per layer, FIFOs two words deep.
  hls::csim::set_blocked_wait_limit(std::chrono::milliseconds(10000));  // a deadlock fails, never hangs
  chain_streams s;
  s.bound(2);
  auto run = stages(s, *m);
  std::mutex error_mutex;
  std::exception_ptr error;
  std::vector<std::thread> threads;
  for (auto& stage : run) {
    threads.emplace_back([&stage, &error, &error_mutex] {
      try {
        for (int f = 0; f < kFrames; ++f) stage();
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    });
  }
  for (const auto& frame : frames) push_tensor(s.in, frame);
  std::vector<std::vector<std::int64_t>> actual;
  for (int f = 0; f < kFrames; ++f) actual.push_back(pop_tensor<std::int64_t>(s.out, 6));
  for (auto& t : threads) t.join();
  hls::csim::set_blocked_wait_limit(std::chrono::milliseconds(60000));
  ASSERT_FALSE(error) << "a layer thread failed (deadlock or closed stream)";
  EXPECT_EQ(actual, expected);
  EXPECT_TRUE(s.in.empty() && s.acc.empty() && s.act.empty() && s.windows.empty() && s.pooled.empty() &&
              s.gap.empty() && s.out.empty());
}

}  // namespace
