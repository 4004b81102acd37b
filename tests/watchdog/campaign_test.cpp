// A small campaign mixing every fault kind, transient and persistent: nothing lost by the
// watchdog policies, every hang and DMA error detected, deterministic for a seed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "zynqnn/core/error.hpp"
#include "zynqnn/watchdog/campaign.hpp"

namespace zynqnn::watchdog {
namespace {

CampaignConfig small_campaign() {
  CampaignConfig config;
  config.calls = 3000;
  config.seed = 11;
  config.rates = parse_fault_rates(
      "hang=0.004,stall=0.004,missing_tlast=0.003,extra_words=0.003,bus_error=0.003,corrupt=0.003,drift=0.003");
  config.calibration_calls = 200;
  config.none_wait_cap = std::chrono::milliseconds(50);
  return config;
}

ModelAcceleratorConfig small_model() {
  ModelAcceleratorConfig model;
  model.words = 64;
  return model;
}

TEST(Campaign, WatchdogPoliciesLoseNoInputAndDetectEveryHangAndDmaError) {
  const auto report = run_campaign(small_campaign(), model_loopback_target(small_model()));
  ASSERT_TRUE(report["policies"].contains("none"));
  for (const char* policy : {"fixed", "adaptive"}) {
    SCOPED_TRACE(policy);
    const auto& p = report["policies"][policy];
    EXPECT_EQ(p["lost"], 0);
    for (const char* kind : {"hang", "missing_tlast", "extra_words", "bus_error"}) {
      ASSERT_TRUE(p["faults"].contains(kind)) << kind;
      EXPECT_GT(p["faults"][kind]["injected"].get<int>(), 0) << kind;
      EXPECT_EQ(p["faults"][kind]["detected"], p["faults"][kind]["injected"]) << kind;
      EXPECT_EQ(p["faults"][kind]["recovered"], p["faults"][kind]["injected"]) << kind;
    }
    EXPECT_EQ(p["false_positives"], 0);
  }
  // The capped PYNQ-style wait loses what hangs; the adaptive policy also catches corruption.
  EXPECT_GT(report["policies"]["none"]["lost"].get<int>(), 0);
  EXPECT_EQ(report["policies"]["adaptive"]["silent_corruptions"], 0);
  EXPECT_GT(report["policies"]["fixed"]["silent_corruptions"].get<int>(), 0);
  // Drift: the detector reloads the PL before the hang.
  const auto& drift = report["policies"]["adaptive"]["faults"]["drift"];
  EXPECT_GT(drift["injected"].get<int>(), 0);
  EXPECT_EQ(drift["caught_before_hang"], drift["injected"]);
  EXPECT_EQ(report["policies"]["fixed"]["faults"]["drift"]["caught_before_hang"], 0);
}

TEST(Campaign, DeterministicForASeed) {
  CampaignConfig config = small_campaign();
  config.calls = 800;
  config.policies = {Policy::adaptive};
  auto strip = [](nlohmann::json report) {
    report["policies"]["adaptive"].erase("watchdog_overhead");  // measured CPU time
    return report;
  };
  const auto first = strip(run_campaign(config, model_loopback_target(small_model())));
  const auto second = strip(run_campaign(config, model_loopback_target(small_model())));
  EXPECT_EQ(first, second);
  config.seed = 12;
  EXPECT_NE(strip(run_campaign(config, model_loopback_target(small_model()))), first);
}

TEST(Campaign, BadFaultSpecificationsAreRefused) {
  EXPECT_THROW(parse_fault_rates("gremlins=0.1"), Error);
  EXPECT_THROW(parse_fault_rates("hang=2"), Error);
  EXPECT_THROW(parse_fault_rates("hang"), Error);
  EXPECT_THROW(parse_fault_rates("hang=0.1x"), Error);
  const FaultRates rates = parse_fault_rates("hang=0.25,drift=0.5");
  EXPECT_DOUBLE_EQ(rates.per_kind[static_cast<int>(FaultKind::hang)], 0.25);
  EXPECT_DOUBLE_EQ(rates.drift, 0.5);
}

}  // namespace
}  // namespace zynqnn::watchdog
