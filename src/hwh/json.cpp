#include "zynqnn/hwh/json.hpp"

#include <fmt/format.h>

namespace zynqnn::hwh {
namespace {

nlohmann::ordered_json hex(std::uint64_t value) { return fmt::format("{:#x}", value); }

nlohmann::ordered_json peer_json(const std::optional<Endpoint>& peer) {
  return peer ? nlohmann::ordered_json(peer->to_string()) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json channel_json(const std::optional<DmaChannel>& channel) {
  if (!channel) return nullptr;
  return {{"mem_width", channel->mem_width_bits},
          {"stream_width", channel->stream_width_bits},
          {"peer", peer_json(channel->peer)}};
}

}  // namespace

nlohmann::ordered_json to_json(const Design& design) {
  nlohmann::ordered_json dmas = nlohmann::ordered_json::array();
  for (const auto& dma : design.dmas) {
    dmas.push_back({{"name", dma.name},
                    {"fullname", dma.fullname},
                    {"base", dma.address ? hex(dma.address->base) : nlohmann::ordered_json(nullptr)},
                    {"high", dma.address ? hex(dma.address->high) : nlohmann::ordered_json(nullptr)},
                    {"sg", dma.scatter_gather},
                    {"length_width", dma.length_width},
                    {"mm2s", channel_json(dma.mm2s)},
                    {"s2mm", channel_json(dma.s2mm)}});
  }
  nlohmann::ordered_json ips = nlohmann::ordered_json::array();
  for (const auto& module : design.modules) {
    if (module.modtype == "axi_dma") continue;
    nlohmann::ordered_json axis = nlohmann::ordered_json::array();
    for (const auto& port : module.axis_ports) {
      auto ends = design.stream_ends(port.busname, Endpoint{module.instance, port.name});
      axis.push_back({{"port", port.name},
                      {"direction", port.direction == AxisDirection::in ? "in" : "out"},
                      {"width", port.width_bits ? nlohmann::ordered_json(*port.width_bits) : nlohmann::ordered_json(nullptr)},
                      {"peer", ends.size() == 1 ? nlohmann::ordered_json(ends.front().to_string()) : nlohmann::ordered_json(nullptr)}});
    }
    ips.push_back({{"name", module.instance},
                   {"fullname", module.fullname},
                   {"vlnv", module.vlnv},
                   {"modtype", module.modtype},
                   {"base", module.address ? hex(module.address->base) : nlohmann::ordered_json(nullptr)},
                   {"high", module.address ? hex(module.address->high) : nlohmann::ordered_json(nullptr)},
                   {"axis", std::move(axis)}});
  }
  nlohmann::ordered_json clocks = nlohmann::ordered_json::array();
  for (const auto& clock : design.pl_clocks) {
    clocks.push_back({{"name", fmt::format("FCLK_CLK{}", clock.index)},
                      {"requested_mhz", clock.requested_mhz},
                      {"actual_mhz", clock.actual_mhz ? nlohmann::ordered_json(*clock.actual_mhz) : nlohmann::ordered_json(nullptr)},
                      {"enabled", clock.enabled}});
  }
  return {{"dmas", std::move(dmas)}, {"ips", std::move(ips)}, {"pl_clocks", std::move(clocks)}};
}

}  // namespace zynqnn::hwh
