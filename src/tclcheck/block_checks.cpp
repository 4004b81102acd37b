// The structural checks of tcl-check, on the block graph the model recorded.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <functional>
#include <regex>
#include <cstdio>
#include <set>
#include <tuple>

#include "tclcheck/ip_catalog.hpp"
#include "zynqnn/tclcheck/tcl_check.hpp"

namespace zynqnn::tclcheck {
namespace {

enum class Kind { ps7, dma, interconnect, reset, concat, intc, kernel, hierarchy, other };

Kind kind_of(const Cell& cell) {
  const std::string& v = cell.vlnv;
  if (cell.type == "hier") return Kind::hierarchy;
  if (v.find(":processing_system7:") != std::string::npos) return Kind::ps7;
  if (v.find(":axi_dma:") != std::string::npos) return Kind::dma;
  if (v.find(":axi_interconnect:") != std::string::npos || v.find(":smartconnect:") != std::string::npos) {
    return Kind::interconnect;
  }
  if (v.find(":proc_sys_reset:") != std::string::npos) return Kind::reset;
  if (v.find(":xlconcat:") != std::string::npos) return Kind::concat;
  if (v.find(":axi_intc:") != std::string::npos) return Kind::intc;
  if (v.rfind("xilinx.com:", 0) != 0) return Kind::kernel;
  return Kind::other;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// CONFIG lookup, case-insensitive as in Vivado, with the IP's default when unset.
std::string config(const Cell& cell, const std::string& key, const std::string& fallback) {
  for (const auto& [k, v] : cell.config) {
    if (lower(k) == lower(key)) return v;
  }
  return fallback;
}

// A pin is CELL/NAME, the cell's path holding the hierarchies it is in; a root port has no cell.
std::string cell_of(const std::string& pin) {
  const auto slash = pin.rfind('/');
  return slash == std::string::npos ? std::string{} : pin.substr(0, slash);
}
std::string port_of(const std::string& pin) {
  const auto slash = pin.rfind('/');
  return slash == std::string::npos ? pin : pin.substr(slash + 1);
}

int number(const std::string& text, int fallback) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used, 0);
    return used == text.size() ? value : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

bool power_of_two_in(int value, int low, int high) {
  return value >= low && value <= high && (value & (value - 1)) == 0;
}

class Checker {
 public:
  Checker(const BlockDesign& design, const CheckContext& context)
      : d_(design), c_(context), m_(context.manifest) {
    for (const auto& [name, cell] : d_.cells) {
      if (kind_of(cell) == Kind::ps7) ps_ = name;
    }
    for (const auto& [a, b] : d_.intf_nets) {
      // A hierarchy's interface pin joins the net outside it to the one inside.
      for (const auto& end : {a, b}) {
        if (kind_of_pin(end) != Kind::hierarchy && ++intf_uses_[end] == 2) {
          error("interface", end + " is connected by more than one interface net");
        }
      }
      intf_[a].push_back(b);
      intf_[b].push_back(a);
    }
    for (const auto& pins : d_.nets) {
      for (const auto& p : pins) parent_.try_emplace(p, p);
      for (std::size_t i = 1; i < pins.size(); ++i) unite(pins[0], pins[i]);
    }
  }

  std::vector<Finding> run() {
    check_script();
    check_project();
    check_processing_system();
    check_catalog();
    check_pin_names();
    for (const auto& [name, cell] : d_.cells) {
      if (kind_of(cell) == Kind::dma) check_dma(cell);
      if (kind_of(cell) == Kind::interconnect) check_interconnect(cell);
      if (kind_of(cell) == Kind::kernel) check_kernel(cell);
      if (kind_of(cell) == Kind::reset) check_reset_block(cell);
      if (kind_of(cell) == Kind::concat) check_concat(cell);
      if (kind_of(cell) == Kind::intc) check_intc(cell);
    }
    check_fabric_interrupts();
    if (m_) check_against_manifest();
    check_addresses();
    check_artifacts();
    check_flow();
    return findings_;
  }

 private:
  void error(const std::string& check, const std::string& message) { findings_.push_back({"error", check, message}); }
  void warning(const std::string& check, const std::string& message) { findings_.push_back({"warning", check, message}); }

  std::string find(const std::string& pin) {
    if (!parent_.count(pin)) return pin;
    std::string root = pin;
    while (parent_[root] != root) root = parent_[root];
    for (std::string current = pin; parent_[current] != root;) {
      std::string next = parent_[current];
      parent_[current] = root;
      current = next;
    }
    return root;
  }
  void unite(const std::string& a, const std::string& b) { parent_[find(a)] = find(b); }
  std::vector<std::string> net_of(const std::string& pin) {
    std::vector<std::string> pins;
    if (!parent_.count(pin)) return pins;
    const std::string root = find(pin);
    for (const auto& [p, _] : parent_) {
      if (find(p) == root) pins.push_back(p);
    }
    return pins;
  }

  bool connected(const std::string& intf_pin) const { return intf_.count(intf_pin) != 0; }
  std::vector<std::string> peers(const std::string& intf_pin) const {
    auto it = intf_.find(intf_pin);
    return it == intf_.end() ? std::vector<std::string>{} : it->second;
  }
  Kind kind_of_pin(const std::string& pin) const {
    auto it = d_.cells.find(cell_of(pin));
    return it == d_.cells.end() ? Kind::other : kind_of(it->second);
  }

  // Follows interface nets, and through interconnects from any slave port to any master
  // port (and back), to find a pin satisfying `target`.
  bool reaches(const std::string& start, const std::function<bool(const std::string&)>& target) const {
    static const std::regex port_re(R"(^[SM]\d\d_AXI$)");
    std::set<std::string> seen{start};
    std::deque<std::string> queue{start};
    while (!queue.empty()) {
      const std::string pin = queue.front();
      queue.pop_front();
      if (pin != start && target(pin)) return true;
      std::vector<std::string> next = peers(pin);
      if (kind_of_pin(pin) == Kind::interconnect && std::regex_match(port_of(pin), port_re)) {
        const std::string cell = cell_of(pin);
        for (const auto& [p, _] : intf_) {
          if (cell_of(p) == cell && std::regex_match(port_of(p), port_re) && port_of(p)[0] != port_of(pin)[0]) {
            next.push_back(p);
          }
        }
      }
      for (const auto& n : next) {
        if (seen.insert(n).second) queue.push_back(n);
      }
    }
    return false;
  }

  bool net_has(const std::string& pin, const std::function<bool(const std::string&)>& predicate) {
    for (const auto& p : net_of(pin)) {
      if (predicate(p)) return true;
    }
    return false;
  }

  // A zynqnn design runs everything from FCLK_CLK0, the clock its manifest records.
  bool is_clock_source(const std::string& pin) const {
    static const std::regex fclk(m_ ? R"(^FCLK_CLK0$)" : R"(^FCLK_CLK[0-3]$)");
    static const std::regex wiz(R"(^clk_out\d+$)");
    return (cell_of(pin) == ps_ && std::regex_match(port_of(pin), fclk)) ||
           (d_.cells.count(cell_of(pin)) && d_.cells.at(cell_of(pin)).vlnv.find(":clk_wiz:") != std::string::npos &&
            std::regex_match(port_of(pin), wiz));
  }
  bool is_reset_source(const std::string& pin) const {
    return kind_of_pin(pin) == Kind::reset && (port_of(pin) == "peripheral_aresetn" || port_of(pin) == "interconnect_aresetn");
  }

  void require_clock(const std::string& pin) {
    if (!net_has(pin, [&](const std::string& p) { return is_clock_source(p); })) {
      error("clock", pin + " is not connected to " + (m_ ? "FCLK_CLK0, the clock the manifest records" : "a PL clock (FCLK_CLKn)"));
    }
  }
  void require_reset(const std::string& pin) {
    if (!net_has(pin, [&](const std::string& p) { return is_reset_source(p); })) {
      error("reset", pin + " is not connected to a proc_sys_reset output");
    }
  }

  void check_script() {
    if (d_.script_error) error("script", "the script stopped with an error under the model: " + *d_.script_error);
    std::set<std::string> unknown(d_.unknown_commands.begin(), d_.unknown_commands.end());
    for (const auto& name : unknown) {
      warning("script", "command '" + name + "' has no recorded definition; its effect was not modeled");
    }
    for (const auto& missing : d_.missing_objects) error("script", "refers to an object on no cell: " + missing);
    for (const auto& message : d_.error_messages) warning("script", "the script reports an error: " + message);
    if (d_.returned) error("script", "the script gave up (returned " + *d_.returned + ") before its end");
  }

  // VLNVs that exist, and processing-system properties that exist.
  void check_catalog() {
    for (const auto& [name, cell] : d_.cells) {
      if (cell.type == "hier") continue;
      const auto vlnv = parse_vlnv(cell.vlnv);
      if (!vlnv) {
        error("ip", name + ": '" + cell.vlnv + "' is not a VLNV (vendor:library:name:version)");
        continue;
      }
      if (vlnv->vendor != "xilinx.com" || vlnv->library != "ip") continue;
      const auto versions = known_versions(vlnv->name);
      if (versions.empty()) {
        // A generated design uses only the IP in the table; other designs may use more.
        const std::string message = name + ": " + cell.vlnv + " is not an IP tcl-check knows";
        c_.generated || m_ ? error("ip", message) : warning("ip", message + "; its version was not checked");
      } else if (std::find(versions.begin(), versions.end(), vlnv->version) == versions.end()) {
        std::string known;
        for (const auto& v : versions) known += (known.empty() ? "" : ", ") + v;
        error("ip", name + ": " + cell.vlnv + " does not exist (" + vlnv->name + " versions: " + known + ")");
      }
    }
    if (ps_.empty()) return;
    for (const auto& [key, value] : d_.cells.at(ps_).config) {
      if (lower(key).rfind("pcw_", 0) == 0 && !is_pcw_property(key)) {
        error("processing_system", ps_ + ": CONFIG." + key + " is not a property of processing_system7");
      }
    }
  }

  // Pins of the IPs whose ports are known (and of the kernel, from the manifest) exist.
  void check_pin_names() {
    std::set<std::string> kernel_pins{"ap_clk", "ap_rst_n", "s_axi_control", "interrupt"};
    if (m_) {
      for (const auto& s : m_->streams) kernel_pins.insert(s.name);
    }
    std::set<std::string> used;
    for (const auto& [a, b] : d_.intf_nets) used.insert({a, b});
    for (const auto& pins : d_.nets) used.insert(pins.begin(), pins.end());
    for (const auto& pin : used) {
      auto cell = d_.cells.find(cell_of(pin));
      if (cell == d_.cells.end()) continue;
      std::optional<bool> exists;
      std::string ip;
      if (m_ && cell->first == m_->control.instance) {
        exists = kernel_pins.count(port_of(pin)) != 0;
        ip = "the kernel";
      } else if (const auto vlnv = parse_vlnv(cell->second.vlnv)) {
        exists = ip_has_pin(vlnv->name, port_of(pin));
        ip = vlnv->name;
      }
      if (exists && !*exists) error("pin", pin + ": " + ip + " has no pin " + port_of(pin));
    }
  }

  void check_project() {
    if (d_.part.empty()) error("project", "no part set (create_project -part)");
    if (d_.board_part.empty()) warning("project", "no board_part set on the project");
    if (ps_.empty()) error("processing_system", "no processing_system7 cell");
  }

  void check_processing_system() {
    if (ps_.empty()) return;
    const Cell& ps = d_.cells.at(ps_);
    bool preset = false;
    for (const auto& [rule, cfg] : d_.automations) {
      if (rule.find("processing_system7") != std::string::npos && cfg.find("apply_board_preset") != std::string::npos) {
        preset = true;
      }
    }
    if (!preset) warning("processing_system", "the processing system's board preset is not applied (apply_bd_automation)");
    for (int hp = 0; hp < 4; ++hp) {
      const std::string port = ps_ + "/S_AXI_HP" + std::to_string(hp);
      if (!connected(port)) continue;
      if (config(ps, "PCW_USE_S_AXI_HP" + std::to_string(hp), "0") != "1") {
        error("processing_system", port + " is connected but not enabled (PCW_USE_S_AXI_HP" + std::to_string(hp) + ")");
      }
      if (config(ps, "PCW_S_AXI_HP" + std::to_string(hp) + "_DATA_WIDTH", "64") != "64") {
        warning("processing_system", port + " is not 64 bits wide");
      }
      require_clock(ps_ + "/S_AXI_HP" + std::to_string(hp) + "_ACLK");
    }
    for (int gp = 0; gp < 2; ++gp) {
      const std::string port = ps_ + "/M_AXI_GP" + std::to_string(gp);
      if (connected(port)) require_clock(port + "_ACLK");
    }
  }

  void check_dma(const Cell& dma) {
    const std::string& n = dma.name;
    if (config(dma, "c_include_sg", "1") != "0") {
      error("dma", n + ": scatter-gather is included (c_include_sg); the runtime drives DMAs in direct register mode");
    }
    const bool mm2s = config(dma, "c_include_mm2s", "1") == "1";
    const bool s2mm = config(dma, "c_include_s2mm", "1") == "1";
    struct Channel {
      bool included;
      std::string stream, master, clock, irq;
    };
    for (const Channel& c : {Channel{mm2s, "M_AXIS_MM2S", "M_AXI_MM2S", "m_axi_mm2s_aclk", "mm2s_introut"},
                             Channel{s2mm, "S_AXIS_S2MM", "M_AXI_S2MM", "m_axi_s2mm_aclk", "s2mm_introut"}}) {
      const std::string stream = n + "/" + c.stream;
      if (!c.included) {
        if (connected(stream)) error("stream", stream + " is connected but its channel is not included");
        continue;
      }
      check_dma_widths(dma, c.stream == "M_AXIS_MM2S" ? "mm2s" : "s2mm");
      if (!connected(stream)) {
        error("stream", stream + " is not connected to a kernel stream port");
      } else {
        for (const auto& peer : peers(stream)) {
          if (kind_of_pin(peer) == Kind::dma) error("stream", stream + " is connected to another DMA (" + peer + ")");
        }
      }
      const std::string master = n + "/" + c.master;
      if (!reaches(master, [&](const std::string& p) {
            return cell_of(p) == ps_ && (port_of(p).rfind("S_AXI_HP", 0) == 0 || port_of(p) == "S_AXI_ACP");
          })) {
        error("memory_path", master + " does not reach a high-performance port (S_AXI_HPn) of the processing system");
      }
      require_clock(n + "/" + c.clock);
      const std::string irq = n + "/" + c.irq;
      if (!parent_.count(irq)) {
        warning("interrupt", irq + " is not connected");
      } else if (!interrupt_line(irq)) {
        const std::string message = irq + " does not reach the processing system's IRQ_F2P";
        m_ ? error("interrupt", message) : warning("interrupt", message);
      }
    }
    if (!reaches(n + "/S_AXI_LITE", [&](const std::string& p) {
          return cell_of(p) == ps_ && port_of(p).rfind("M_AXI_GP", 0) == 0;
        })) {
      error("register_path", n + "/S_AXI_LITE does not reach a general-purpose master port (M_AXI_GPn)");
    }
    require_clock(n + "/s_axi_lite_aclk");
    require_reset(n + "/axi_resetn");
  }

  // PG021: memory-map widths 32..1024, stream widths 8..1024, powers of two; the stream no
  // wider than the memory map it is moved from or to.
  void check_dma_widths(const Cell& dma, const std::string& channel) {
    const std::string mm_key = "c_m_axi_" + channel + "_data_width";
    const std::string stream_key = channel == "mm2s" ? "c_m_axis_mm2s_tdata_width" : "c_s_axis_s2mm_tdata_width";
    const int mm = number(config(dma, mm_key, "32"), -1);
    const int stream = number(config(dma, stream_key, "32"), -1);
    const std::string n = dma.name + ": ";
    if (!power_of_two_in(mm, 32, 1024)) error("dma", n + mm_key + " is " + config(dma, mm_key, "32") + " (32 to 1024, a power of two)");
    if (!power_of_two_in(stream, 8, 1024)) {
      error("dma", n + stream_key + " is " + config(dma, stream_key, "32") + " (8 to 1024, a power of two)");
    }
    if (mm > 0 && stream > mm) {
      error("dma", n + stream_key + " (" + std::to_string(stream) + ") is wider than " + mm_key + " (" + std::to_string(mm) + ")");
    }
  }

  // The IRQ_F2P input an interrupt pin drives: directly (0), or as input k of an xlconcat
  // whose output drives IRQ_F2P or an axi_intc whose irq does. nullopt: it reaches neither.
  std::optional<int> interrupt_line(const std::string& pin) {
    const std::string irq_f2p = ps_ + "/IRQ_F2P";
    auto reaches_ps = [&](const std::string& source) {
      return net_has(source, [&](const std::string& p) {
        if (p == irq_f2p) return true;
        return kind_of_pin(p) == Kind::intc && port_of(p) == "intr" && net_has(cell_of(p) + "/irq", [&](const std::string& q) { return q == irq_f2p; });
      });
    };
    if (reaches_ps(pin)) return 0;
    static const std::regex input(R"(^In(\d+)$)");
    for (const auto& p : net_of(pin)) {
      std::smatch match;
      const std::string port = port_of(p);
      if (kind_of_pin(p) == Kind::concat && std::regex_match(port, match, input) && reaches_ps(cell_of(p) + "/dout")) {
        return std::stoi(match[1].str());
      }
    }
    return std::nullopt;
  }

  void check_concat(const Cell& concat) {
    static const std::regex input(R"(^In(\d+)$)");
    const int ports = number(config(concat, "NUM_PORTS", "2"), 2);
    for (const auto& [pin, _] : parent_) {
      std::smatch match;
      const std::string port = port_of(pin);
      if (cell_of(pin) == concat.name && std::regex_match(port, match, input) && std::stoi(match[1].str()) >= ports) {
        error("interrupt", pin + " is used but " + concat.name + " has NUM_PORTS=" + std::to_string(ports));
      }
    }
  }

  void check_intc(const Cell& intc) {
    const std::string n = intc.name;
    if (!net_has(n + "/irq", [&](const std::string& p) { return p == ps_ + "/IRQ_F2P"; })) {
      error("interrupt", n + "/irq does not drive the processing system's IRQ_F2P");
    }
    if (!net_has(n + "/intr", [&](const std::string& p) { return p != n + "/intr"; })) {
      warning("interrupt", n + "/intr has no interrupt source");
    }
    if (!reaches(n + "/s_axi", [&](const std::string& p) { return cell_of(p) == ps_ && port_of(p).rfind("M_AXI_GP", 0) == 0; })) {
      error("register_path", n + "/s_axi does not reach a general-purpose master port (M_AXI_GPn)");
    }
    require_clock(n + "/s_axi_aclk");
    require_reset(n + "/s_axi_aresetn");
  }

  // IRQ_F2P exists only with fabric interrupts enabled; enabled, it must be driven.
  void check_fabric_interrupts() {
    if (ps_.empty()) return;
    const Cell& ps = d_.cells.at(ps_);
    const bool enabled = config(ps, "PCW_USE_FABRIC_INTERRUPT", "0") == "1" && config(ps, "PCW_IRQ_F2P_INTR", "0") == "1";
    const bool driven = net_of(ps_ + "/IRQ_F2P").size() > 1;
    if (enabled && !driven) error("interrupt", ps_ + "/IRQ_F2P is enabled (PCW_IRQ_F2P_INTR) but nothing drives it");
    if (driven && !enabled) {
      error("interrupt", ps_ + "/IRQ_F2P is connected but fabric interrupts are not enabled (PCW_USE_FABRIC_INTERRUPT, PCW_IRQ_F2P_INTR)");
    }
  }

  void check_interconnect(const Cell& ic) {
    static const std::regex port_re(R"(^([SM])(\d\d)_AXI$)");
    const std::string n = ic.name;
    bool any = false;
    for (const auto& [pin, _] : intf_) {
      std::smatch match;
      const std::string port = port_of(pin);
      if (cell_of(pin) != n || !std::regex_match(port, match, port_re)) continue;
      any = true;
      const int index = std::stoi(match[2].str());
      const std::string count_key = match[1].str() == "S" ? "NUM_SI" : "NUM_MI";
      const std::string count = config(ic, count_key, "");
      if (!count.empty() && index >= std::atoi(count.c_str())) {
        error("interconnect", pin + " is used but " + n + " has " + count_key + "=" + count);
      }
      if (ic.vlnv.find(":axi_interconnect:") != std::string::npos) {
        require_clock(n + "/" + match[1].str() + match[2].str() + "_ACLK");
        require_reset(n + "/" + match[1].str() + match[2].str() + "_ARESETN");
      }
    }
    if (any) {
      require_clock(n + "/" + (ic.vlnv.find(":smartconnect:") != std::string::npos ? "aclk" : "ACLK"));
      require_reset(n + "/" + (ic.vlnv.find(":smartconnect:") != std::string::npos ? "aresetn" : "ARESETN"));
    }
  }

  void check_kernel(const Cell& kernel) {
    require_clock(kernel.name + "/ap_clk");
    require_reset(kernel.name + "/ap_rst_n");
    // A kernel the manifest drives through s_axi_control must have it wired.
    const bool axilite = m_ && m_->control.instance == kernel.name && m_->control.mode == "axilite";
    if ((axilite || connected(kernel.name + "/s_axi_control")) &&
        !reaches(kernel.name + "/s_axi_control", [&](const std::string& p) {
          return cell_of(p) == ps_ && port_of(p).rfind("M_AXI_GP", 0) == 0;
        })) {
      error("register_path", kernel.name + "/s_axi_control does not reach a general-purpose master port");
    }
  }

  void check_reset_block(const Cell& reset) {
    require_clock(reset.name + "/slowest_sync_clk");
    if (!net_has(reset.name + "/ext_reset_in", [&](const std::string& p) {
          return cell_of(p) == ps_ && port_of(p).rfind("FCLK_RESET", 0) == 0;
        })) {
      error("reset", reset.name + "/ext_reset_in is not driven by the processing system's FCLK_RESETn_N");
    }
  }

  void check_against_manifest() {
    const auto& m = *m_;
    if (!d_.part.empty() && d_.part != m.part) error("project", "part " + d_.part + " differs from the manifest's " + m.part);
    if (!d_.board_part.empty() && d_.board_part != m.board_part) {
      error("project", "board_part " + d_.board_part + " differs from the manifest's " + m.board_part);
    }
    if (!ps_.empty()) {
      const std::string freq = config(d_.cells.at(ps_), "PCW_FPGA0_PERIPHERAL_FREQMHZ", "");
      if (freq.empty() || std::abs(std::atof(freq.c_str()) - m.clock_mhz) > 1e-6) {
        error("clock", "FCLK_CLK0 is set to '" + freq + "' MHz, the manifest says " + std::to_string(m.clock_mhz));
      }
    }
    auto kernel = d_.cells.find(m.control.instance);
    if (kernel == d_.cells.end()) {
      error("kernel", "no cell " + m.control.instance + " (the kernel instance the manifest names)");
      return;
    }
    if (!c_.kernel_vlnv) {
      warning("kernel", "no hls/run_hls.tcl export beside the manifest: the kernel's VLNV was not compared");
    } else if (kernel->second.vlnv != *c_.kernel_vlnv) {
      error("kernel", m.control.instance + " is " + kernel->second.vlnv + ", but run_hls.tcl exports the kernel as " + *c_.kernel_vlnv);
    }
    if (m.control.base_address) {
      check_window(m.control.instance + "/s_axi_control", *m.control.base_address, m.control.address_range);
    }
    for (const auto& s : m.streams) {
      const std::string port = m.control.instance + "/" + s.name;
      const bool in = s.direction == "in";
      const std::string expected = s.dma + (in ? "/M_AXIS_MM2S" : "/S_AXIS_S2MM");
      if (!connected(port)) {
        error("stream", "kernel stream port " + port + " is not connected (expected " + expected + ")");
        continue;
      }
      const auto p = peers(port);
      if (std::find(p.begin(), p.end(), expected) == p.end()) {
        error("stream", "kernel stream port " + port + " is connected to " + p.front() + ", expected " + expected);
        continue;
      }
      auto dma = d_.cells.find(s.dma);
      if (dma == d_.cells.end()) continue;
      const std::string width_key = in ? "c_m_axis_mm2s_tdata_width" : "c_s_axis_s2mm_tdata_width";
      const std::string width = config(dma->second, width_key, "32");
      if (std::atoi(width.c_str()) != s.stream_bits) {
        error("stream", "width mismatch: kernel port " + port + " is " + std::to_string(s.stream_bits) + " bits, " +
                            s.dma + " " + width_key + " is " + width);
      }
    }
    for (const auto& dma : m.dmas) {
      auto cell = d_.cells.find(dma.name);
      if (cell == d_.cells.end()) {
        error("dma", "no cell " + dma.name + " (listed in the manifest)");
        continue;
      }
      const std::string lw = config(cell->second, "c_sg_length_width", "14");
      if (std::atoi(lw.c_str()) != dma.length_width) {
        error("dma", dma.name + ": c_sg_length_width is " + lw + ", the manifest says " + std::to_string(dma.length_width));
      }
      check_window(dma.name + "/S_AXI_LITE", dma.base_address,
                   dma.address_range ? std::optional<std::uint64_t>(dma.address_range) : std::nullopt);
      check_manifest_interrupt(dma.name + "/mm2s_introut", dma.mm2s_interrupt);
      check_manifest_interrupt(dma.name + "/s2mm_introut", dma.s2mm_interrupt);
    }
  }

  // A register window as the manifest records it: an explicit offset (Vivado's own choice
  // may differ) equal to the recorded base, and the recorded range.
  void check_window(const std::string& interface, std::uint64_t base, std::optional<std::uint64_t> range) {
    for (const auto& a : d_.addresses) {
      if (a.segment.rfind(interface + "/", 0) != 0) continue;
      if (!a.offset) {
        error("address", interface + " has no explicit offset; the manifest records " + hex(base));
      } else if (*a.offset != base) {
        error("address", interface + " is assigned a different base address (" + hex(*a.offset) + ") than the manifest records (" + hex(base) + ")");
      }
      if (range && a.range && *a.range != *range) {
        error("address", interface + " has range " + hex(*a.range) + ", the manifest records " + hex(*range));
      }
    }
  }

  void check_manifest_interrupt(const std::string& pin, std::optional<int> line) {
    if (!line) return;
    const auto actual = interrupt_line(pin);
    if (!actual) {
      error("interrupt", pin + " does not reach IRQ_F2P; the manifest records it on line " + std::to_string(*line));
    } else if (*actual != *line) {
      error("interrupt", pin + " is on interrupt line " + std::to_string(*actual) + ", the manifest records " + std::to_string(*line));
    }
  }

  // The bitstream and its handoff must share a stem (PYNQ finds the .hwh by the .bit's name),
  // and a generated design writes them where its manifest says.
  void check_artifacts() {
    std::optional<std::filesystem::path> bit, hwh;
    for (const auto& [source, destination] : d_.file_copies) {
      const std::filesystem::path to(destination);
      if (to.extension() == ".bit") bit = to;
      if (to.extension() == ".hwh") hwh = to;
    }
    if (bit && hwh && (bit->stem() != hwh->stem() || bit->parent_path() != hwh->parent_path())) {
      error("artifacts", "the bitstream is copied to " + bit->string() + " but its hardware handoff to " + hwh->string() +
                             ": they must share a folder and a stem");
    }
    if (!m_) return;
    for (const auto& [found, recorded, what] : {std::tuple{bit, m_->artifacts.bitstream, "bitstream"},
                                                std::tuple{hwh, m_->artifacts.hwh, "hardware handoff"}}) {
      if (recorded.empty()) continue;
      const auto expected = (c_.manifest_dir / recorded).lexically_normal();
      if (!found) {
        error("artifacts", std::string("the script does not copy the ") + what + " to " + expected.string() + " (manifest)");
      } else if (found->lexically_normal() != expected) {
        error("artifacts", std::string("the ") + what + " is copied to " + found->string() + ", the manifest records " + expected.string());
      }
    }
  }

  static std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llX", static_cast<unsigned long long>(value));
    return text;
  }

  void check_addresses() {
    const bool assign_all = std::any_of(d_.addresses.begin(), d_.addresses.end(),
                                        [](const AddressAssignment& a) { return a.segment.empty(); });
    auto assigned = [&](const std::string& prefix) {
      return assign_all || std::any_of(d_.addresses.begin(), d_.addresses.end(), [&](const AddressAssignment& a) {
               return a.segment.rfind(prefix, 0) == 0;
             });
    };
    auto space_assigned = [&](const std::string& space) {
      return assign_all || std::any_of(d_.addresses.begin(), d_.addresses.end(),
                                       [&](const AddressAssignment& a) { return a.space == space; });
    };
    for (const auto& [name, cell] : d_.cells) {
      if (kind_of(cell) == Kind::dma) {
        if (!assigned(name + "/S_AXI_LITE")) error("address", name + "/S_AXI_LITE has no address assigned");
        if (config(cell, "c_include_mm2s", "1") == "1" && !space_assigned("/" + name + "/Data_MM2S")) {
          error("address", name + "/Data_MM2S has no memory segment assigned");
        }
        if (config(cell, "c_include_s2mm", "1") == "1" && !space_assigned("/" + name + "/Data_S2MM")) {
          error("address", name + "/Data_S2MM has no memory segment assigned");
        }
      }
      if (kind_of(cell) == Kind::kernel && connected(name + "/s_axi_control") && !assigned(name + "/s_axi_control")) {
        error("address", name + "/s_axi_control has no address assigned");
      }
    }
    // Explicit windows in one address space must not overlap and must be aligned.
    std::vector<const AddressAssignment*> windows;
    for (const auto& a : d_.addresses) {
      if (a.segment.empty() || !a.offset) continue;
      if (!a.range) {
        warning("address", a.segment + ": offset without a range; overlap not checked");
        continue;
      }
      if (*a.range == 0 || (*a.range & (*a.range - 1)) != 0) error("address", a.segment + ": range is not a power of two");
      else if (*a.offset % *a.range != 0) error("address", a.segment + ": offset is not aligned to its range");
      windows.push_back(&a);
    }
    for (std::size_t i = 0; i < windows.size(); ++i) {
      for (std::size_t j = i + 1; j < windows.size(); ++j) {
        const auto& a = *windows[i];
        const auto& b = *windows[j];
        if (a.space != b.space) continue;
        if (*a.offset < *b.offset + *b.range && *b.offset < *a.offset + *a.range) {
          error("address", "address windows overlap in " + a.space + ": " + a.segment + " and " + b.segment);
        }
      }
    }
  }

  void check_flow() {
    auto has = [&](const std::string& step) { return std::find(d_.steps.begin(), d_.steps.end(), step) != d_.steps.end(); };
    // Exported designs (write_bd_tcl) leave validation to whoever sources them.
    if (!has("validate_bd_design")) {
      const std::string message = "validate_bd_design is never called";
      c_.generated || m_ ? error("flow", message) : warning("flow", message);
    }
    if (!has("make_wrapper")) warning("flow", "make_wrapper is never called (no HDL wrapper for synthesis)");
    if (std::find(d_.launch_steps.begin(), d_.launch_steps.end(), "write_bitstream") == d_.launch_steps.end()) {
      warning("flow", "no launch_runs ... -to_step write_bitstream");
    }
  }

  const BlockDesign& d_;
  const CheckContext& c_;
  const manifest::Manifest* m_;
  std::string ps_;
  std::map<std::string, std::vector<std::string>> intf_;
  std::map<std::string, int> intf_uses_;
  std::map<std::string, std::string> parent_;
  std::vector<Finding> findings_;
};

}  // namespace

std::vector<Finding> check_block_design(const BlockDesign& design, const CheckContext& context) {
  return Checker(design, context).run();
}

}  // namespace zynqnn::tclcheck
