#pragma once
// What the runtime needs from a Vivado hardware handoff (.hwh): the IP modules, the AXI DMAs
// with their channels, register ranges and stream peers, and the PL clocks.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zynqnn::hwh {

// Direction of an AXI4-Stream port seen from its module: a TARGET (slave) port takes data
// in, an INITIATOR (master) port sends it out.
enum class AxisDirection { in, out };

struct AxisPort {
  std::string name;     // BUSINTERFACE NAME, e.g. "M_AXIS_MM2S" or an HLS port "A"
  std::string busname;  // both ends of one stream share it; empty when unconnected
  AxisDirection direction = AxisDirection::in;
  std::optional<unsigned> width_bits;  // TDATA_NUM_BYTES * 8, when given
};

struct AddressRange {
  std::uint64_t base = 0;
  std::uint64_t high = 0;  // inclusive, as in the file
  std::string slave_interface;
};

struct Module {
  std::string instance;  // flattened name, e.g. "hier_0_axi_dma_0"
  std::string fullname;  // hierarchical path, e.g. "/hier_0/axi_dma_0"
  std::string vlnv;
  std::string modtype;
  std::map<std::string, std::string> parameters;
  std::vector<AxisPort> axis_ports;
  std::optional<AddressRange> address;  // the register range the processing system sees

  const std::string* parameter(const std::string& name) const;
  const AxisPort* axis_port(const std::string& port) const;
};

// One end of a stream: "instance.port".
struct Endpoint {
  std::string instance;
  std::string port;
  std::string to_string() const { return instance + "." + port; }
  bool operator==(const Endpoint&) const = default;
};

struct DmaChannel {
  std::string port;     // "M_AXIS_MM2S" or "S_AXIS_S2MM"
  std::string busname;  // empty when the stream port is not connected
  unsigned mem_width_bits = 0;
  unsigned stream_width_bits = 0;
  bool realignment = false;      // C_INCLUDE_*_DRE (absent: 0, as Vivado's default)
  std::optional<Endpoint> peer;  // the other end of the stream
};

struct Dma {
  std::string name;  // INSTANCE
  std::string fullname;
  std::optional<AddressRange> address;
  bool scatter_gather = false;
  unsigned length_width = 0;  // C_SG_LENGTH_WIDTH: LENGTH holds at most 2^w - 1 bytes
  std::optional<DmaChannel> mm2s;
  std::optional<DmaChannel> s2mm;
};

struct PlClock {
  unsigned index = 0;  // FCLK_CLKn
  double requested_mhz = 0;
  std::optional<double> actual_mhz;
  bool enabled = false;
};

struct Design {
  std::string source;
  std::vector<Module> modules;  // in file order
  std::vector<Dma> dmas;        // sorted by name
  std::vector<PlClock> pl_clocks;

  const Module* find_module(std::string_view instance) const;
  // Every other end of the stream `busname`, except `self`.
  std::vector<Endpoint> stream_ends(const std::string& busname, const Endpoint& self) const;
};

// Parses .hwh text (a UTF-8 BOM is accepted). Error(parse) naming the element or attribute
// and the line on malformed input.
Design parse_hwh(std::string_view xml, std::string_view source = "<memory>");
Design read_hwh(const std::filesystem::path& path);

}  // namespace zynqnn::hwh
