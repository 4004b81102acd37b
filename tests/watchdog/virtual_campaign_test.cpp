// The watchdog on the virtual board through the DMA driver, on a generated pass-through kernel
// (512 int32 elements: longer than the board's 64-word stream FIFOs, so that a halted S2MM
// channel leaves the kernel backed up mid-frame): each fault kind provoked and classified, the
// ladder end to end, the CPU fallback from the manifest, a small campaign with its trace.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "zynqnn/accelerator/cpu_fallback.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/spec/kernel_spec.hpp"
#include "zynqnn/watchdog/kernel_target.hpp"

namespace zynqnn::watchdog {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kElements = 512;
constexpr std::size_t kBytes = 4 * kElements;

// Generated and built once for the whole suite.
const fs::path& kernel_folder() {
  static const fs::path folder = [] {
    const fs::path dir = fs::temp_directory_path() / ("zynqnn_wd_virtual_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const auto spec = spec::parse_kernel_spec(R"({"kernel": "passthrough", "board": "pynq-z2", "streams": [
        {"name": "in_data", "direction": "in", "type": "int32", "shape": [512]},
        {"name": "out_data", "direction": "out", "type": "int32", "shape": [512]}]})");
    codegen::GenerateOptions options;
    options.output_dir = dir;
    options.hls_include_dir = fs::path(ZYNQNN_SOURCE_DIR) / "hls/include";
    options.project_include_dir = fs::path(ZYNQNN_SOURCE_DIR) / "include";
    ::setenv("ZYNQNN_SIM_OPT", "-O1", 1);
    codegen::generate(spec, options);
    return dir;
  }();
  return folder;
}

KernelTargetConfig target_config() {
  KernelTargetConfig config;
  config.folder = kernel_folder();
  config.input_range = ValueRange{0, 16777215};
  config.output_range = ValueRange{0, 16777215};
  return config;
}

struct Fixture : ::testing::Test {
  std::unique_ptr<CampaignTarget> target = kernel_folder_target(target_config())(7);
  std::vector<std::vector<std::byte>> inputs;
  std::vector<std::vector<std::byte>> expected{std::vector<std::byte>(kBytes)};

  InputViews input(std::uint64_t index) {
    target->make_input(index, inputs);
    InputViews views{std::span<const std::byte>(inputs[0])};
    target->expected(views, {std::span<std::byte>(expected[0])});
    return views;
  }
  std::unique_ptr<Watchdog> watchdog(Policy policy) {
    WatchdogConfig config = preset(policy);
    config.expert_threshold = target->nominal_latency() * 5 / 4;
    config.ranges = target->declared_ranges();
    config.reload_after_broken_frame = target->keeps_frames_across_dma_reset();
    auto w = std::make_unique<Watchdog>(target->accelerator(), config, std::nullopt, "passthrough");
    w->set_fallback(target->fallback());
    return w;
  }
  bool correct(const CallReport& report) {
    return report.delivered && report.outputs.size() == 1 &&
           std::memcmp(report.outputs[0].data(), expected[0].data(), expected[0].size()) == 0;
  }
};

TEST_F(Fixture, CpuFallbackFromTheManifestIsTheKernelAndChecksSizes) {
  const CpuFallback fallback = cpu_fallback_from_manifest(kernel_folder() / "manifest.json");
  const InputViews views = input(3);
  std::vector<std::byte> out(kBytes);
  fallback(views, {std::span<std::byte>(out)});
  EXPECT_EQ(0, std::memcmp(out.data(), inputs[0].data(), kBytes));  // a pass-through
  std::vector<std::byte> small(kBytes / 2);
  try {
    fallback(views, {std::span<std::byte>(small)});
    FAIL() << "a short output buffer was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("out_data"), std::string::npos) << error.what();
  }
  EXPECT_THROW(cpu_fallback_from_manifest(kernel_folder() / "nowhere.json"), Error);
}

TEST_F(Fixture, InputsAreSeededAndInTheirRange) {
  target->make_input(5, inputs);
  const auto first = inputs;
  target->make_input(5, inputs);
  EXPECT_EQ(first, inputs);
  for (std::size_t k = 0; k < kElements; ++k) {
    std::int32_t v;
    std::memcpy(&v, inputs[0].data() + 4 * k, 4);
    EXPECT_GE(v, 0);
    EXPECT_LE(v, 16777215);
  }
  target->make_input(6, inputs);
  EXPECT_NE(first, inputs);
}

TEST_F(Fixture, EachFaultKindIsClassifiedAndHealedWithoutLosingTheInput) {
  auto w = watchdog(Policy::adaptive);
  const struct {
    FaultKind kind;
    Outcome outcome;
  } cases[] = {{FaultKind::hang, Outcome::hang},
               {FaultKind::stall, Outcome::slow},
               {FaultKind::missing_tlast, Outcome::hang},
               {FaultKind::extra_words, Outcome::dma_error},
               {FaultKind::bus_error, Outcome::dma_error},
               {FaultKind::early_tlast, Outcome::bad_output},
               {FaultKind::corrupt_output, Outcome::bad_output}};
  std::uint64_t index = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.kind)));
    const InputViews views = input(index);
    ASSERT_TRUE(correct(w->process(index++, views))) << "clean call before the fault";
    InjectedFault fault;
    fault.kind = c.kind;
    fault.stall_factor = 3.0;
    target->inject(fault);
    EXPECT_TRUE(target->fault_active());
    const InputViews faulty = input(index);
    const CallReport report = w->process(index++, faulty);
    EXPECT_EQ(report.outcome, c.outcome) << report.detail;
    EXPECT_TRUE(correct(report)) << "the input was answered correctly";
    EXPECT_FALSE(report.fallback);
  }
  EXPECT_TRUE(w->failures().empty());
}

// A slave error on S2MM in a long frame: the kernel backs up behind the halted channel. The
// call ends as a DMA error within its deadline in modeled time; after an abort and a reload
// the next call is clean; all of it in far less than a second of real time.
TEST_F(Fixture, AnS2mmBusErrorInALongFrameIsADmaErrorAndAReloadHealsIt) {
  const auto wall_start = std::chrono::steady_clock::now();
  Accelerator& accelerator = target->accelerator();
  const Nanoseconds timeout = target->nominal_latency() * 4;
  const auto run = [&](std::uint64_t index) {
    const InputViews views = input(index);
    std::memcpy(accelerator.input_buffer(0).data(), views[0].data(), views[0].size());
    return accelerator.run(timeout);
  };
  ASSERT_EQ(run(1).status, CallStatus::ok);
  target->inject({FaultKind::bus_error});  // the first bus error of a target hits S2MM
  const CallResult broken = run(2);
  EXPECT_EQ(broken.status, CallStatus::dma_error) << broken.detail;
  EXPECT_NE(broken.detail.find("S2MM"), std::string::npos) << broken.detail;
  EXPECT_LE(broken.elapsed, timeout);
  accelerator.abort();
  accelerator.reconfigure();
  const CallResult clean = run(3);
  EXPECT_EQ(clean.status, CallStatus::ok) << clean.detail;
  EXPECT_EQ(0, std::memcmp(accelerator.output_buffer(0).data(), expected[0].data(), kBytes));
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::milliseconds(500));

  // Through the watchdog: classified, reloaded, answered from the PL; the next call is clean.
  auto w = watchdog(Policy::adaptive);
  for (std::uint64_t index = 4; index < 6; ++index) {
    target->inject({FaultKind::bus_error});  // MM2S, then S2MM
    const CallReport report = w->process(index, input(index));
    EXPECT_EQ(report.outcome, Outcome::dma_error) << report.detail;
    const std::vector<Action> healed{Action::reconfigure, Action::retry};
    EXPECT_EQ(report.actions, healed);
    EXPECT_TRUE(correct(report));
    EXPECT_FALSE(report.fallback);
  }
  const CallReport next = w->process(6, input(6));
  EXPECT_EQ(next.outcome, Outcome::ok);
  EXPECT_TRUE(correct(next));
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(1));
}

TEST_F(Fixture, APersistentHangIsHealedByTheReconfigureRung) {
  auto w = watchdog(Policy::fixed);
  const auto generation = target->accelerator().board().generation();
  target->inject({FaultKind::hang, true});
  const InputViews views = input(1);
  const CallReport report = w->process(1, views);
  EXPECT_EQ(report.outcome, Outcome::hang);
  EXPECT_EQ(report.attempts, 3u);
  const std::vector<Action> ladder{Action::abort, Action::retry, Action::reconfigure, Action::retry};
  EXPECT_EQ(report.actions, ladder);
  EXPECT_TRUE(correct(report));
  EXPECT_EQ(target->accelerator().board().generation(), generation + 1);
  EXPECT_FALSE(target->fault_active());
}

TEST_F(Fixture, AReloadThatFailsIsAFailedRungAndTheNextRungReloadsAgain) {
  WatchdogConfig config = preset(Policy::fixed);
  config.expert_threshold = target->nominal_latency() * 5 / 4;
  config.max_retries = 3;  // abort, reconfigure, reconfigure
  Watchdog w(target->accelerator(), config, std::nullopt, "passthrough");
  auto& board = dynamic_cast<virtual_board::VirtualBoard&>(target->accelerator().board());
  const auto generation = board.generation();
  target->inject({FaultKind::hang, true});                    // healed only by a reload
  board.inject(virtual_board::Fault{virtual_board::FaultKind::load_failure});  // the first reload fails
  const CallReport report = w.process(1, input(1));
  const std::vector<Action> ladder{Action::abort, Action::retry, Action::reconfigure, Action::reconfigure,
                                   Action::retry};
  EXPECT_EQ(report.actions, ladder);
  EXPECT_EQ(report.attempt_outcomes, (std::vector<Outcome>{Outcome::hang, Outcome::hang, Outcome::ok}));
  EXPECT_TRUE(correct(report));
  EXPECT_TRUE(board.pl_up());
  EXPECT_EQ(board.generation(), generation + 1) << "one load succeeded";
  EXPECT_EQ(board.stats().reconfigurations, 2u);
}

TEST_F(Fixture, WhileEveryLoadFailsNoRegisterIsTouchedAndTheInputIsRecordedAsAFailure) {
  WatchdogConfig config = preset(Policy::fixed);
  config.expert_threshold = target->nominal_latency() * 5 / 4;
  Watchdog w(target->accelerator(), config, std::nullopt, "passthrough");
  auto& board = dynamic_cast<virtual_board::VirtualBoard&>(target->accelerator().board());
  target->inject({FaultKind::hang, true});
  board.inject(virtual_board::Fault{virtual_board::FaultKind::load_failure, true});  // every load fails
  const CallReport first = w.process(1, input(1));
  EXPECT_FALSE(first.delivered);
  EXPECT_FALSE(board.pl_up());
  EXPECT_NE(first.detail.find("the reload of the PL failed"), std::string::npos) << first.detail;

  // A whole watched call on a PL that is down: refused attempt, refused abort, failed reload.
  const virtual_board::Stats before = board.stats();
  const CallReport second = w.process(2, input(2));
  const virtual_board::Stats after = board.stats();
  EXPECT_FALSE(second.delivered);
  EXPECT_EQ(after.register_reads, before.register_reads);
  EXPECT_EQ(after.register_writes, before.register_writes);
  EXPECT_GT(after.reconfigurations, before.reconfigurations) << "the ladder still tried to reload";
  EXPECT_EQ(w.failures().size(), 2u) << "both inputs recorded, none lost silently";

  board.clear_faults();  // the cause goes away: the next call's ladder brings the PL back
  const CallReport third = w.process(3, input(3));
  EXPECT_TRUE(correct(third));
  EXPECT_TRUE(board.pl_up());
}

TEST_F(Fixture, AFaultThatSurvivesReconfigurationIsAnsweredByTheCpuUntilItIsGone) {
  auto w = watchdog(Policy::adaptive);
  InjectedFault fault{FaultKind::bus_error, true};
  fault.survives_reconfigure = true;
  target->inject(fault);
  const InputViews views = input(2);
  const CallReport report = w->process(2, views);
  EXPECT_EQ(report.outcome, Outcome::dma_error);
  EXPECT_TRUE(report.fallback);
  EXPECT_TRUE(correct(report));
  EXPECT_TRUE(w->pl_down());
  EXPECT_TRUE(target->fault_active()) << "a reconfiguration did not clear it";
  const CallReport next = w->process(3, input(3));
  EXPECT_TRUE(next.fallback);
  EXPECT_TRUE(correct(next));
}

TEST(VirtualCampaign, EveryKindAndDriftLoseNothingAndTheTraceHasEveryCall) {
  CampaignConfig config;
  config.calls = 400;
  config.seed = 3;
  config.calibration_calls = 64;
  for (double& rate : config.rates.per_kind) rate = 0.01;
  config.rates.drift = 0.005;
  std::vector<CallTrace> traces;
  config.trace = [&](const CallTrace& t) { traces.push_back(t); };
  const nlohmann::json report = run_campaign(config, kernel_folder_target(target_config()));
  ASSERT_EQ(traces.size(), 3 * config.calls);
  for (const char* policy : {"fixed", "adaptive"}) {
    SCOPED_TRACE(policy);
    const auto& p = report["policies"][policy];
    EXPECT_EQ(p["lost"], 0);
    EXPECT_EQ(p["false_positives"], 0);
    for (const char* kind : {"hang", "missing_tlast", "extra_words", "bus_error", "early_tlast"}) {
      EXPECT_EQ(p["faults"][kind]["detected"], p["faults"][kind]["injected"]) << kind;
    }
  }
  EXPECT_EQ(report["policies"]["adaptive"]["silent_corruptions"], 0);
  EXPECT_GT(report["policies"]["none"]["lost"].get<int>(), 0);
  // The trace: one line per call, in order, faults named.
  bool saw_fault = false;
  for (std::size_t k = 0; k < traces.size(); ++k) {
    EXPECT_EQ(traces[k].call, k % config.calls);
    if (!traces[k].faults.empty()) saw_fault = true;
    if (traces[k].lost) {
      EXPECT_EQ(traces[k].policy, Policy::none);
    }
  }
  EXPECT_TRUE(saw_fault);
  const nlohmann::json line = to_json(traces.front());
  for (const char* field : {"call", "policy", "latency_ns", "outcome", "fault", "persistent", "detected", "recovered",
                            "lost", "actions"}) {
    EXPECT_TRUE(line.contains(field)) << field;
  }
}

TEST(VirtualCampaign, BadConfigurationsAreRefusedNamingTheProblem) {
  KernelTargetConfig config = target_config();
  config.folder = "/nonexistent";
  EXPECT_THROW(kernel_folder_target(config), Error);
  config = target_config();
  config.output_range = ValueRange{5, 1};
  EXPECT_THROW(kernel_folder_target(config), Error);
  EXPECT_THROW(parse_fault_rates("hang=2"), Error);
  EXPECT_THROW(parse_fault_rates("gremlins=0.1"), Error);
  EXPECT_THROW(parse_policy("lucky"), Error);
}

}  // namespace
}  // namespace zynqnn::watchdog
