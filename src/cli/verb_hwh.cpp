// `zynqnn hwh inspect FILE.hwh [--json]`: the DMAs, IPs and PL clocks of a Vivado design.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "cli/verbs.hpp"
#include "zynqnn/hwh/design.hpp"
#include "zynqnn/hwh/json.hpp"

namespace zynqnn::cli {
namespace {

struct InspectOptions {
  std::string file;
  bool json = false;
};

std::string range_text(const std::optional<hwh::AddressRange>& address) {
  return address ? fmt::format("{:#x}-{:#x}", address->base, address->high) : "unmapped";
}

std::string channel_text(const std::optional<hwh::DmaChannel>& channel) {
  if (!channel) return "-";
  return fmt::format("mem {} / stream {} bits -> {}", channel->mem_width_bits, channel->stream_width_bits,
                     channel->peer ? channel->peer->to_string() : "unconnected");
}

void print_table(const hwh::Design& design) {
  fmt::print("{}\n\nDMAs ({}):\n", design.source, design.dmas.size());
  if (design.dmas.empty()) fmt::print("  none\n");
  for (const auto& dma : design.dmas) {
    fmt::print("  {} ({}) {} sg={} length_width={}\n", dma.name, dma.fullname, range_text(dma.address),
               dma.scatter_gather ? "yes" : "no", dma.length_width);
    fmt::print("    mm2s: {}\n    s2mm: {}\n", channel_text(dma.mm2s), channel_text(dma.s2mm));
  }
  fmt::print("\nIPs:\n");
  for (const auto& module : design.modules) {
    if (module.modtype == "axi_dma") continue;
    fmt::print("  {:<28} {:<44} {}\n", module.instance, module.vlnv, range_text(module.address));
    for (const auto& port : module.axis_ports) {
      auto ends = design.stream_ends(port.busname, hwh::Endpoint{module.instance, port.name});
      fmt::print("    axis {} {} {} -> {}\n", port.name, port.direction == hwh::AxisDirection::in ? "in" : "out",
                 port.width_bits ? fmt::format("{} bits", *port.width_bits) : "width unknown",
                 ends.size() == 1 ? ends.front().to_string() : "unconnected");
    }
  }
  fmt::print("\nPL clocks:\n");
  for (const auto& clock : design.pl_clocks) {
    fmt::print("  FCLK_CLK{} {} MHz{}{}\n", clock.index, clock.requested_mhz,
               clock.actual_mhz ? fmt::format(" (actual {} MHz)", *clock.actual_mhz) : "",
               clock.enabled ? "" : " (disabled)");
  }
}

}  // namespace

void add_hwh_verb(CLI::App& app) {
  auto* hwh = app.add_subcommand("hwh", "Read Vivado hardware handoff (.hwh) files");
  hwh->require_subcommand(1);
  auto options = std::make_shared<InspectOptions>();
  auto* inspect = hwh->add_subcommand("inspect", "List the DMAs (channels, widths, stream peers), IPs and PL clocks");
  inspect->add_option("file", options->file, "the .hwh file")->required();
  inspect->add_flag("--json", options->json, "print one JSON object");
  inspect->callback([options] {
    const auto design = hwh::read_hwh(options->file);
    if (options->json) {
      fmt::print("{}\n", hwh::to_json(design).dump(2));
    } else {
      print_table(design);
    }
  });
}

}  // namespace zynqnn::cli
