// The network's PL part through the watchdog: a hung frame is timed, aborted and retried
// (the network still answers), a frame the ladder cannot heal is an Error with its outcome.
#include <gtest/gtest.h>

#include <memory>

#include "network_test_support.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/network/watchdog_pl_runner.hpp"

namespace zynqnn::network {
namespace {

using namespace std::chrono_literals;
using testing::Failure;
using testing::LoopbackAccelerator;

struct Watched {
  Watched() {
    auto acc = std::make_unique<LoopbackAccelerator>(32);
    loopback = acc.get();
    watchdog::WatchdogConfig config = watchdog::preset(watchdog::Policy::fixed);
    config.expert_threshold = 5ms;
    auto pl = std::make_unique<WatchdogPlRunner>(std::move(acc), config, std::nullopt, "watched loopback");
    watched = pl.get();
    runner = std::make_unique<NetworkRunner>(testing::sample_contract(), std::vector<StreamLayout>{testing::float_layout(8)},
                                             std::vector<StreamLayout>{testing::float_layout(8)}, std::move(pl));
  }
  graph::TensorMap input() const {
    graph::TensorMap m;
    m.emplace("x", graph::Tensor::from<float>(testing::kImage, {1, 2, 3, 4, -1, -2, -3, -4}));
    return m;
  }
  LoopbackAccelerator* loopback = nullptr;
  WatchdogPlRunner* watched = nullptr;
  std::unique_ptr<NetworkRunner> runner;
};

TEST(WatchdogPlRunner, AHungFrameIsAbortedAndRetriedAndTheNetworkAnswers) {
  Watched w;
  w.loopback->fail = Failure::timeout;
  const auto out = w.runner->run(w.input());
  EXPECT_FLOAT_EQ(out.at("y").data<float>()[3], (4.0F + 0.25F) * 2.0F);
  EXPECT_EQ(w.loopback->calls, 2);
  EXPECT_EQ(w.loopback->aborts, 1);
  const auto counters = w.watched->watchdog().counters();
  EXPECT_EQ(counters.calls, 1U);
  EXPECT_EQ(counters.outcomes[static_cast<int>(watchdog::Outcome::hang)], 1U);
}

TEST(WatchdogPlRunner, AFrameTheLadderCannotHealIsAnErrorWithItsOutcome) {
  Watched w;
  w.loopback->fail = Failure::timeout;
  w.loopback->fail_always = true;
  try {
    w.runner->run(w.input());
    FAIL() << "an unanswered frame gave a result";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::timeout);
    EXPECT_EQ(e.where(), "watched loopback");
    EXPECT_NE(std::string(e.what()).find("hang"), std::string::npos) << e.what();
  }
  EXPECT_EQ(w.loopback->calls, 3);  // 1 + max_retries
  EXPECT_GE(w.loopback->aborts + w.loopback->reconfigurations, 2);
  EXPECT_EQ(w.watched->watchdog().failures().size(), 1U);
}

}  // namespace
}  // namespace zynqnn::network
