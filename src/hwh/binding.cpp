#include "zynqnn/hwh/binding.hpp"

#include <fmt/format.h>

#include <set>

#include "zynqnn/core/error.hpp"

namespace zynqnn::hwh {
namespace {

// The stream of one DMA channel, followed from the DMA: every port where it enters a module.
struct ChannelPath {
  const Dma* dma = nullptr;
  DmaChannelKind kind = DmaChannelKind::mm2s;
  const DmaChannel* channel = nullptr;
  std::vector<Endpoint> hops;  // the last one is where the stream ends
};

// One stream in, one stream out, and not a DMA: data passes through it unchanged in meaning.
const AxisPort* other_port_of_pass_through(const Module& module, const std::string& entry_port) {
  if (module.modtype == "axi_dma" || module.axis_ports.size() != 2) return nullptr;
  const auto& a = module.axis_ports[0];
  const auto& b = module.axis_ports[1];
  if (a.direction == b.direction) return nullptr;
  if (a.name == entry_port) return &b;
  if (b.name == entry_port) return &a;
  return nullptr;
}

ChannelPath follow(const Design& design, const Dma& dma, DmaChannelKind kind, const DmaChannel& channel) {
  ChannelPath path{&dma, kind, &channel, {}};
  Endpoint current{dma.name, channel.port};
  std::string busname = channel.busname;
  std::set<std::string> visited{dma.name};
  for (;;) {
    auto ends = design.stream_ends(busname, current);
    if (ends.size() != 1) break;  // unconnected, or a broadcast this follower does not split
    path.hops.push_back(ends.front());
    const Module* module = design.find_module(ends.front().instance);
    if (module == nullptr || !visited.insert(module->instance).second) break;
    const AxisPort* next = other_port_of_pass_through(*module, ends.front().port);
    if (next == nullptr) break;
    current = Endpoint{module->instance, next->name};
    busname = next->busname;
  }
  return path;
}

std::string describe(const ChannelPath& path) {
  return fmt::format("{}.{}", path.dma->name, path.channel->port);
}

std::optional<unsigned> port_width(const Design& design, const Endpoint& end) {
  if (const Module* module = design.find_module(end.instance)) {
    if (const AxisPort* port = module->axis_port(end.port)) return port->width_bits;
  }
  return std::nullopt;
}

}  // namespace

std::vector<StreamBinding> bind_streams(const Design& design, std::span<const KernelStream> streams) {
  std::vector<ChannelPath> paths;
  for (const auto& dma : design.dmas) {
    if (dma.mm2s) paths.push_back(follow(design, dma, DmaChannelKind::mm2s, *dma.mm2s));
    if (dma.s2mm) paths.push_back(follow(design, dma, DmaChannelKind::s2mm, *dma.s2mm));
  }
  std::vector<bool> used(paths.size(), false);
  std::vector<StreamBinding> bindings;

  for (const auto& stream : streams) {
    const auto kind = stream.direction == StreamDirection::in ? DmaChannelKind::mm2s : DmaChannelKind::s2mm;
    const char* channel_name = kind == DmaChannelKind::mm2s ? "MM2S" : "S2MM";
    const std::string port = stream.port.empty() ? stream.name : stream.port;
    const std::string where = fmt::format("stream {} ({})", stream.name, design.source);

    // Candidates: (path index, index of the hop where the path meets the kernel).
    std::vector<std::pair<std::size_t, std::size_t>> exact, by_instance;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (used[i] || paths[i].kind != kind) continue;
      if (stream.kernel_instance.empty()) {
        by_instance.emplace_back(i, paths[i].hops.empty() ? 0 : paths[i].hops.size() - 1);
        continue;
      }
      for (std::size_t h = 0; h < paths[i].hops.size(); ++h) {
        if (paths[i].hops[h].instance != stream.kernel_instance) continue;
        (paths[i].hops[h].port == port ? exact : by_instance).emplace_back(i, h);
        break;
      }
    }
    const auto& chosen = !exact.empty() ? exact : by_instance;
    if (chosen.empty()) {
      throw Error(ErrorCode::not_found,
                  stream.kernel_instance.empty()
                      ? fmt::format("no free DMA {} channel for stream {}", channel_name, stream.name)
                      : fmt::format("no DMA {} channel reaches {}.{} (stream {})", channel_name,
                                    stream.kernel_instance, port, stream.name),
                  where);
    }
    if (chosen.size() > 1) {
      std::string names;
      for (const auto& [index, hop] : chosen) names += (names.empty() ? "" : ", ") + describe(paths[index]);
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("stream {} is ambiguous: DMA {} channels {} all fit; name the kernel instance and port",
                              stream.name, channel_name, names),
                  where);
    }
    const auto [index, hop] = chosen.front();
    const ChannelPath& path = paths[index];
    if (!path.dma->address) {
      throw Error(ErrorCode::not_found,
                  fmt::format("DMA {} has no register range in the processing system's memory map", path.dma->name),
                  where);
    }
    StreamBinding binding;
    binding.stream = stream.name;
    binding.dma = path.dma->name;
    binding.dma_base = path.dma->address->base;
    binding.channel = kind;
    binding.dma_stream_width_bits = path.channel->stream_width_bits;
    binding.length_width = path.dma->length_width;
    if (!path.hops.empty()) {
      binding.endpoint = path.hops[hop];
      for (std::size_t h = 0; h < hop; ++h) binding.through.push_back(path.hops[h].instance);
    }
    const unsigned kernel_width = (binding.endpoint ? port_width(design, *binding.endpoint) : std::nullopt)
                                      .value_or(path.channel->stream_width_bits);
    if (stream.width_bits != kernel_width) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("width mismatch: stream {} is {} bits but {} carries {} bits{}", stream.name,
                              stream.width_bits,
                              binding.endpoint ? binding.endpoint->to_string() : describe(path), kernel_width,
                              binding.through.empty() ? "" : fmt::format(" (via {})", describe(path))),
                  where);
    }
    used[index] = true;
    bindings.push_back(std::move(binding));
  }
  return bindings;
}

}  // namespace zynqnn::hwh
