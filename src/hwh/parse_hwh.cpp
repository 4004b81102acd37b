// .hwh parsing with pugixml. Layout (see docs/hwh.md): EDKSYSTEM/MODULES/MODULE with
// PARAMETERS/PARAMETER, BUSINTERFACES/BUSINTERFACE and, on the processing system,
// MEMORYMAP/MEMRANGE giving the register range of every peripheral it can reach.
#include <pugixml.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iterator>

#include "zynqnn/core/error.hpp"
#include "zynqnn/hwh/design.hpp"

namespace zynqnn::hwh {

const std::string* Module::parameter(const std::string& name) const {
  auto found = parameters.find(name);
  return found == parameters.end() ? nullptr : &found->second;
}

const AxisPort* Module::axis_port(const std::string& port) const {
  for (const auto& candidate : axis_ports) {
    if (candidate.name == port) return &candidate;
  }
  return nullptr;
}

const Module* Design::find_module(std::string_view instance) const {
  for (const auto& module : modules) {
    if (module.instance == instance) return &module;
  }
  return nullptr;
}

std::vector<Endpoint> Design::stream_ends(const std::string& busname, const Endpoint& self) const {
  std::vector<Endpoint> ends;
  if (busname.empty()) return ends;
  for (const auto& module : modules) {
    for (const auto& port : module.axis_ports) {
      Endpoint end{module.instance, port.name};
      if (port.busname == busname && !(end == self)) ends.push_back(std::move(end));
    }
  }
  return ends;
}

namespace {

constexpr std::string_view kAxisVlnv = "xilinx.com:interface:axis:1.0";

// Offset of the first byte that is not part of well-formed UTF-8, or npos. Names and values
// go on into JSON and messages, which must be valid UTF-8.
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length;
    std::uint32_t code;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code = lead & 0x07u;
    } else {
      return i;
    }
    if (length > text.size() - i) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      code = (code << 6) | (next & 0x3Fu);
    }
    const std::uint32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  Design parse() {
    if (auto bad = first_invalid_utf8(text_); bad != std::string_view::npos) {
      throw Error(ErrorCode::parse, fmt::format("invalid UTF-8 at byte {}", bad), location(bad));
    }
    pugi::xml_document document;
    auto result = document.load_buffer(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
      throw Error(ErrorCode::parse, fmt::format("not well-formed XML: {}", result.description()),
                  location(static_cast<std::size_t>(result.offset)));
    }
    auto system = document.child("EDKSYSTEM");
    if (!system) throw Error(ErrorCode::parse, "no EDKSYSTEM root element: not a .hwh file", std::string(source_));
    auto modules = system.child("MODULES");
    if (!modules) throw fail(system, "EDKSYSTEM has no MODULES element");

    Design design;
    design.source = std::string(source_);
    std::vector<pugi::xml_node> dma_nodes;
    pugi::xml_node processing_system;
    for (auto node : modules.children("MODULE")) {
      design.modules.push_back(parse_module(node));
      const auto& module = design.modules.back();
      if (module.modtype == "axi_dma") dma_nodes.push_back(node);
      if (!processing_system && (module.modtype == "processing_system7" || module.modtype == "zynq_ultra_ps_e")) {
        processing_system = node;
      }
    }
    if (processing_system) {
      assign_addresses(design, processing_system);
      design.pl_clocks = parse_clocks(design.modules[index_of(modules, processing_system)]);
    }
    for (auto node : dma_nodes) design.dmas.push_back(parse_dma(design, node));
    std::sort(design.dmas.begin(), design.dmas.end(), [](const Dma& a, const Dma& b) { return a.name < b.name; });
    return design;
  }

 private:
  static std::size_t index_of(pugi::xml_node modules, pugi::xml_node target) {
    std::size_t index = 0;
    for (auto node : modules.children("MODULE")) {
      if (node == target) return index;
      ++index;
    }
    return index;
  }

  std::string location(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    const auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    return fmt::format("{}:{}", source_, line);
  }
  Error fail(pugi::xml_node node, std::string message) const {
    return Error(ErrorCode::parse, std::move(message), location(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset_debug()))));
  }

  std::string required(pugi::xml_node node, const char* attribute) const {
    auto value = node.attribute(attribute);
    if (!value) throw fail(node, fmt::format("{} has no {} attribute", node.name(), attribute));
    return value.as_string();
  }

  std::uint64_t number(pugi::xml_node node, std::string_view text, std::string_view what) const {
    std::string_view digits = text;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
      digits.remove_prefix(2);
      base = 16;
    }
    std::uint64_t value = 0;
    bool ok = !digits.empty() && digits.size() <= (base == 16 ? 16u : 19u);
    for (char c : digits) {
      if (!ok) break;
      int digit = (c >= '0' && c <= '9') ? c - '0'
                  : (base == 16 && c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (base == 16 && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                          : -1;
      if (digit < 0) ok = false;
      else value = value * static_cast<unsigned>(base) + static_cast<unsigned>(digit);
    }
    if (!ok) throw fail(node, fmt::format("{} is '{}', not an unsigned number", what, text));
    return value;
  }

  Module parse_module(pugi::xml_node node) const {
    Module module;
    module.instance = required(node, "INSTANCE");
    if (module.instance.empty()) throw fail(node, "MODULE has an empty INSTANCE attribute");
    module.fullname = node.attribute("FULLNAME").as_string();
    module.vlnv = node.attribute("VLNV").as_string();
    module.modtype = node.attribute("MODTYPE").as_string();
    for (auto parameter : node.child("PARAMETERS").children("PARAMETER")) {
      module.parameters[required(parameter, "NAME")] = parameter.attribute("VALUE").as_string();
    }
    for (auto bus : node.child("BUSINTERFACES").children("BUSINTERFACE")) {
      if (std::string_view(bus.attribute("VLNV").as_string()) != kAxisVlnv) continue;
      AxisPort port;
      port.name = required(bus, "NAME");
      port.busname = bus.attribute("BUSNAME").as_string();
      const std::string type = required(bus, "TYPE");
      if (type == "TARGET" || type == "SLAVE") {
        port.direction = AxisDirection::in;
      } else if (type == "INITIATOR" || type == "MASTER") {
        port.direction = AxisDirection::out;
      } else {
        throw fail(bus, fmt::format("BUSINTERFACE {} of {} has TYPE '{}' (expected TARGET, SLAVE, INITIATOR or MASTER)",
                                    port.name, module.instance, type));
      }
      for (auto parameter : bus.children("PARAMETER")) {
        if (std::string_view(parameter.attribute("NAME").as_string()) == "TDATA_NUM_BYTES") {
          const auto bytes = number(parameter, parameter.attribute("VALUE").as_string(),
                                    fmt::format("TDATA_NUM_BYTES of {}.{}", module.instance, port.name));
          if (bytes == 0 || bytes > 512) {
            throw fail(parameter, fmt::format("TDATA_NUM_BYTES of {}.{} is {}", module.instance, port.name, bytes));
          }
          port.width_bits = static_cast<unsigned>(bytes * 8);
        }
      }
      module.axis_ports.push_back(std::move(port));
    }
    return module;
  }

  void assign_addresses(Design& design, pugi::xml_node processing_system) const {
    for (auto range : processing_system.child("MEMORYMAP").children("MEMRANGE")) {
      if (std::string_view(range.attribute("MEMTYPE").as_string()) != "REGISTER") continue;
      const std::string instance = required(range, "INSTANCE");
      AddressRange address;
      address.base = number(range, required(range, "BASEVALUE"), fmt::format("BASEVALUE of {}", instance));
      address.high = number(range, required(range, "HIGHVALUE"), fmt::format("HIGHVALUE of {}", instance));
      address.slave_interface = range.attribute("SLAVEBUSINTERFACE").as_string();
      if (address.high < address.base) {
        throw fail(range, fmt::format("MEMRANGE of {}: HIGHVALUE {:#x} is below BASEVALUE {:#x}", instance,
                                      address.high, address.base));
      }
      for (auto& module : design.modules) {
        if (module.instance != instance) continue;
        // A DMA's registers are its S_AXI_LITE range; other IPs keep their first range.
        const bool is_dma_lite = module.modtype == "axi_dma" && address.slave_interface == "S_AXI_LITE";
        if (!module.address || is_dma_lite) module.address = address;
      }
    }
  }

  std::vector<PlClock> parse_clocks(const Module& ps) const {
    std::vector<PlClock> clocks;
    for (unsigned index = 0; index < 4; ++index) {
      const auto* requested = ps.parameter(fmt::format("PCW_FPGA{}_PERIPHERAL_FREQMHZ", index));
      if (requested == nullptr) continue;
      PlClock clock;
      clock.index = index;
      clock.requested_mhz = frequency(*requested, ps.instance, index);
      if (const auto* actual = ps.parameter(fmt::format("PCW_ACT_FPGA{}_PERIPHERAL_FREQMHZ", index))) {
        clock.actual_mhz = frequency(*actual, ps.instance, index);
      }
      const auto* enabled = ps.parameter(fmt::format("PCW_EN_CLK{}_PORT", index));
      clock.enabled = enabled != nullptr && *enabled == "1";
      clocks.push_back(clock);
    }
    return clocks;
  }

  double frequency(const std::string& text, const std::string& instance, unsigned index) const {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !(value >= 0) || value > 1e6) {
      throw Error(ErrorCode::parse,
                  fmt::format("frequency of FCLK_CLK{} on {} is '{}', not a number of MHz", index, instance, text),
                  std::string(source_));
    }
    return value;
  }

  unsigned dma_parameter(pugi::xml_node node, const Module& module, const char* name, unsigned low,
                         unsigned high) const {
    const auto* text = module.parameter(name);
    if (text == nullptr) throw fail(node, fmt::format("axi_dma {} has no PARAMETER {}", module.instance, name));
    const auto value = number(node, *text, fmt::format("PARAMETER {} of {}", name, module.instance));
    if (value < low || value > high) {
      throw fail(node, fmt::format("PARAMETER {} of {} is {}, outside [{}, {}]", name, module.instance, value, low, high));
    }
    return static_cast<unsigned>(value);
  }

  std::optional<DmaChannel> parse_channel(const Design& design, pugi::xml_node node, const Module& module,
                                          const char* include, const char* mem_width, const char* stream_width,
                                          const char* realignment, const char* port) const {
    // The width parameters exist for a disabled channel too: C_INCLUDE_* decides.
    if (dma_parameter(node, module, include, 0, 1) == 0) return std::nullopt;
    DmaChannel channel;
    channel.port = port;
    channel.mem_width_bits = dma_parameter(node, module, mem_width, 8, 1024);
    channel.stream_width_bits = dma_parameter(node, module, stream_width, 8, 1024);
    channel.realignment =
        module.parameter(realignment) != nullptr && dma_parameter(node, module, realignment, 0, 1) == 1;
    if (const auto* axis = module.axis_port(port)) channel.busname = axis->busname;
    auto ends = design.stream_ends(channel.busname, Endpoint{module.instance, port});
    if (ends.size() == 1) channel.peer = ends.front();
    return channel;
  }

  Dma parse_dma(const Design& design, pugi::xml_node node) const {
    const Module& module = *design.find_module(node.attribute("INSTANCE").as_string());
    Dma dma;
    dma.name = module.instance;
    dma.fullname = module.fullname;
    dma.address = module.address;
    dma.scatter_gather = dma_parameter(node, module, "C_INCLUDE_SG", 0, 1) == 1;
    dma.length_width = dma_parameter(node, module, "C_SG_LENGTH_WIDTH", 8, 26);
    dma.mm2s = parse_channel(design, node, module, "C_INCLUDE_MM2S", "C_M_AXI_MM2S_DATA_WIDTH",
                             "C_M_AXIS_MM2S_TDATA_WIDTH", "C_INCLUDE_MM2S_DRE", "M_AXIS_MM2S");
    dma.s2mm = parse_channel(design, node, module, "C_INCLUDE_S2MM", "C_M_AXI_S2MM_DATA_WIDTH",
                             "C_S_AXIS_S2MM_TDATA_WIDTH", "C_INCLUDE_S2MM_DRE", "S_AXIS_S2MM");
    return dma;
  }

  std::string_view text_;
  std::string_view source_;
};

}  // namespace

Design parse_hwh(std::string_view xml, std::string_view source) {
  if (xml.substr(0, 3) == "\xEF\xBB\xBF") xml.remove_prefix(3);
  return Parser(xml, source).parse();
}

Design read_hwh(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(std::filesystem::exists(path) ? ErrorCode::io : ErrorCode::not_found, "cannot open the .hwh file",
                path.string());
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorCode::io, "cannot read the .hwh file", path.string());
  return parse_hwh(text, path.string());
}

}  // namespace zynqnn::hwh
