// `zynqnn loopback`: the seed example end to end. N int32 points go through the loopback
// kernel on the virtual board (arm receive, send, wait for both with a deadline) and come
// back checked. With --fault the board misbehaves once; a transfer that times out or fails is
// recovered (abort, reconfigure, re-init) and a clean transfer follows.
//
// Exit status: 0 when every transfer that reported "done" carried the right data and the
// final data are right; 1 when data were wrong (a "done" with wrong data, or no good data
// even after recovery); 2 for errors (main.cpp).
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/dma_devices.hpp"
#include "cli/verbs.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/axi_dma.hpp"

namespace zynqnn::cli {
namespace {

namespace vb = zynqnn::virtual_board;

struct LoopbackOptions {
  std::size_t points = 1024;
  std::string fault;  // empty: none
  bool persistent = false;
  double timeout_ms = 100.0;
  std::string wait = "poll_with_backoff";
  std::string time = "modeled";
  bool json = false;
};

vb::FaultKind parse_fault(const std::string& name) {
  for (vb::FaultKind kind : {vb::FaultKind::hang, vb::FaultKind::stall, vb::FaultKind::missing_tlast,
                             vb::FaultKind::extra_words, vb::FaultKind::corrupt_output, vb::FaultKind::bus_error}) {
    if (name == vb::to_string(kind)) return kind;
  }
  throw Error(ErrorCode::invalid_argument, fmt::format("unknown fault '{}'", name), "--fault");
}

std::vector<std::string> fault_names() {
  return {"hang", "stall", "missing_tlast", "extra_words", "corrupt_output", "bus_error"};
}

// One round trip and what came of it.
struct Trip {
  DmaWaitResult sent, received;
  double waited_ms = 0;
  std::size_t mismatches = 0;  // words differing from the input, over the words both have
  bool length_ok = false;      // S2MM received exactly the bytes sent
  bool done() const { return sent.done() && received.done(); }
  bool ok() const { return done() && length_ok && mismatches == 0; }
  std::string outcome() const {
    if (sent.outcome == DmaOutcome::error || received.outcome == DmaOutcome::error) return "error";
    if (!done()) return "timeout";
    return "done";
  }
};

std::int32_t point_value(std::size_t index) {
  // Distinct, sign-mixed values so that a shifted or stale word cannot pass as right.
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(index) * 2654435761u ^ 0x5A5A5A5Au);
}

Trip round_trip(AxiDma& dma, DmaBuffer& input, DmaBuffer& output, std::size_t points, Nanoseconds timeout) {
  const std::size_t bytes = points * sizeof(std::int32_t);
  std::memset(output.data(), 0xEE, output.size());  // stale data must not look like a result
  Clock& clock = dma.board().clock();
  const Nanoseconds start = clock.now();
  const Nanoseconds deadline = start + timeout;
  Trip trip;
  dma.start_receive(output, 0, output.size());  // room for more than sent: extra words show
  dma.start_send(input, 0, bytes);
  trip.sent = dma.wait(DmaChannel::mm2s, deadline);
  trip.received = dma.wait(DmaChannel::s2mm, deadline);
  trip.waited_ms = std::chrono::duration<double, std::milli>(clock.now() - start).count();
  if (trip.received.done()) {
    trip.length_ok = trip.received.bytes == bytes;
    const std::size_t words = std::min<std::size_t>(trip.received.bytes, bytes) / sizeof(std::int32_t);
    for (std::size_t i = 0; i < words; ++i) {
      std::int32_t value;
      std::memcpy(&value, output.data() + i * sizeof value, sizeof value);
      if (value != point_value(i)) ++trip.mismatches;
    }
  }
  return trip;
}

// DMASR bits by name; no bit set means running and not idle (busy).
std::string status_text(std::uint32_t status) {
  const std::string names = describe_dma_status(status);
  return names.empty() ? "running, not idle" : names;
}

nlohmann::json channel_json(const DmaWaitResult& result) {
  return {{"outcome", std::string(to_string(result.outcome))},
          {"bytes", result.bytes},
          {"dmasr", fmt::format("{:#010x}", result.status)},
          {"dmasr_decoded", describe_dma_status(result.status)},
          {"errors", describe_dma_errors(result.status)}};
}

void run_loopback(const LoopbackOptions& options) {
  if (options.points == 0) throw Error(ErrorCode::invalid_argument, "--points must be at least 1", "loopback");
  if (!(options.timeout_ms > 0)) throw Error(ErrorCode::invalid_argument, "--timeout-ms must be positive", "loopback");
  const Nanoseconds timeout{static_cast<std::int64_t>(options.timeout_ms * 1e6)};
  const std::size_t bytes = options.points * sizeof(std::int32_t);

  DmaDevice device = open_dma_device("virtual", 32, parse_wait_strategy(options.wait), options.time);
  auto& board = dynamic_cast<vb::VirtualBoard&>(*device.board);
  AxiDma& dma = *device.dma;
  if (bytes > (std::size_t{1} << dma.config().length_width) - 1 - 64) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} points ({} bytes) exceed one transfer of this DMA", options.points, bytes), "--points");
  }
  auto input = board.memory().allocate(bytes, 64);
  auto output = board.memory().allocate(bytes + 64, 64);
  for (std::size_t i = 0; i < options.points; ++i) {
    const std::int32_t value = point_value(i);
    std::memcpy(input->data() + i * sizeof value, &value, sizeof value);
  }
  dma.register_buffer(*input);
  dma.register_buffer(*output);
  dma.init();

  if (!options.fault.empty()) board.inject(vb::Fault{parse_fault(options.fault), options.persistent});
  const Trip first = round_trip(dma, *input, *output, options.points, timeout);

  bool recovered = false;
  bool wrong_data_presented = first.done() && !first.ok();
  Trip after;
  if (!first.ok()) {
    // Recovery: stop the engine, reload the PL (a hung kernel only restarts with it), re-init.
    dma.abort();
    board.reconfigure();
    dma.init();
    recovered = true;
    after = round_trip(dma, *input, *output, options.points, timeout);
    wrong_data_presented = wrong_data_presented || (after.done() && !after.ok());
  }
  const bool final_ok = first.ok() || (recovered && after.ok());
  const AxiDmaStatistics& stats = dma.statistics();

  if (options.json) {
    nlohmann::json out = {
        {"outcome", first.outcome()},
        {"ok", first.ok()},
        {"points", options.points},
        {"fault", options.fault.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.fault)},
        {"timeout_ms", options.timeout_ms},
        {"waited_ms", first.waited_ms},
        {"wait_strategy", options.wait},
        {"mismatches", first.mismatches},
        {"bytes_expected", bytes},
        {"bytes_received", first.received.bytes},
        {"length_ok", first.length_ok},
        {"mm2s", channel_json(first.sent)},
        {"s2mm", channel_json(first.received)},
        {"recovered", recovered},
        {"after_recovery_ok", recovered ? nlohmann::json(after.ok()) : nlohmann::json(nullptr)},
        {"after_recovery_outcome", recovered ? nlohmann::json(after.outcome()) : nlohmann::json(nullptr)},
        {"after_recovery_waited_ms", recovered ? nlohmann::json(after.waited_ms) : nlohmann::json(nullptr)},
        {"board_generation", board.generation()},
        {"statistics",
         {{"transfers_started", stats.transfers_started},
          {"transfers_done", stats.transfers_done},
          {"timeouts", stats.timeouts},
          {"errors", stats.errors},
          {"resets", stats.resets}}},
    };
    fmt::print("{}\n", out.dump());
  } else {
    fmt::print("loopback: {} int32 points through the loopback kernel on the virtual board{}\n", options.points,
               options.fault.empty() ? "" : fmt::format(" with fault '{}'", options.fault));
    fmt::print("  outcome {} after {:.3f} ms (deadline {:.3f} ms): data {}\n", first.outcome(), first.waited_ms,
               options.timeout_ms,
               first.ok() ? "ok"
               : first.done()
                   ? fmt::format("WRONG ({} mismatching words, {} of {} bytes)", first.mismatches,
                                 first.received.bytes, bytes)
                   : std::string("not delivered"));
    fmt::print("  MM2S {} ({} bytes, DMASR {:#010x} [{}]); S2MM {} ({} bytes, DMASR {:#010x} [{}])\n",
               to_string(first.sent.outcome), first.sent.bytes, first.sent.status,
               status_text(first.sent.status), to_string(first.received.outcome), first.received.bytes,
               first.received.status, status_text(first.received.status));
    if (recovered) {
      fmt::print("  recovered (abort, reconfigure, re-init): next transfer {} in {:.3f} ms, data {}\n",
                 after.outcome(), after.waited_ms, after.ok() ? "ok" : "WRONG");
    }
  }
  if (wrong_data_presented || !final_ok) set_exit_code(1);
}

}  // namespace

void add_loopback_verb(CLI::App& app) {
  auto options = std::make_shared<LoopbackOptions>();
  CLI::App* verb = app.add_subcommand("loopback", "N int32 points through the loopback kernel on the virtual board");
  verb->add_option("--points", options->points, "int32 points to send and check");
  verb->add_option("--fault", options->fault, "inject a fault first")->check(CLI::IsMember(fault_names()));
  verb->add_flag("--persistent", options->persistent, "the fault lasts until the PL is reconfigured");
  verb->add_option("--timeout-ms", options->timeout_ms, "deadline of a transfer (board clock)");
  verb->add_option("--wait", options->wait, "busy_poll, poll_with_backoff or interrupt")
      ->check(CLI::IsMember({"busy_poll", "poll_with_backoff", "interrupt"}));
  verb->add_option("--time", options->time, "the virtual board's clock: modeled (deterministic) or real (wall clock)")
      ->check(CLI::IsMember(time_mode_names()));
  verb->add_flag("--json", options->json, "print one JSON object");
  verb->callback([options] { run_loopback(*options); });
}

}  // namespace zynqnn::cli
