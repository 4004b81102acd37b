// The structural checks of tcl-check on the block graph the model recorded: the script ran,
// the processing system, DMAs, interconnects, kernel, resets, addresses and flow; then the
// groups of checks in their own files (catalog, interrupts, manifest, artifacts).
#include <algorithm>
#include <regex>
#include <set>

#include "tclcheck/checks.hpp"

namespace zynqnn::tclcheck {

void Checks::require_clock(const std::string& pin) {
  const std::regex fclk(m ? R"(^FCLK_CLK0$)" : R"(^FCLK_CLK[0-3]$)");
  static const std::regex wiz(R"(^clk_out\d+$)");
  const bool clocked = g.net_has(pin, [&](const std::string& p) {
    auto cell = d.cells.find(cell_of(p));
    return (cell_of(p) == g.ps() && std::regex_match(port_of(p), fclk)) ||
           (cell != d.cells.end() && cell->second.vlnv.find(":clk_wiz:") != std::string::npos &&
            std::regex_match(port_of(p), wiz));
  });
  if (!clocked) {
    error("clock", pin + " is not connected to " + (m ? "FCLK_CLK0, the clock the manifest records" : "a PL clock (FCLK_CLKn)"));
  }
}

void Checks::require_reset(const std::string& pin) {
  const bool reset = g.net_has(pin, [&](const std::string& p) {
    return g.kind_of_pin(p) == Kind::reset && (port_of(p) == "peripheral_aresetn" || port_of(p) == "interconnect_aresetn");
  });
  if (!reset) error("reset", pin + " is not connected to a proc_sys_reset output");
}

namespace {

bool power_of_two_in(int value, int low, int high) { return value >= low && value <= high && (value & (value - 1)) == 0; }

void check_script(Checks& k) {
  if (k.d.script_error) k.error("script", "the script stopped with an error under the model: " + *k.d.script_error);
  std::set<std::string> unknown(k.d.unknown_commands.begin(), k.d.unknown_commands.end());
  for (const auto& name : unknown) {
    k.warning("script", "command '" + name + "' has no recorded definition; its effect was not modeled");
  }
  for (const auto& missing : k.d.missing_objects) k.error("script", "refers to an object on no cell: " + missing);
  for (const auto& message : k.d.error_messages) k.warning("script", "the script reports an error: " + message);
  if (k.d.returned) k.error("script", "the script gave up (returned " + *k.d.returned + ") before its end");
  // A hierarchy's interface pin joins the net outside it to the one inside; any other
  // interface pin takes one interface net.
  std::map<std::string, int> uses;
  for (const auto& [a, b] : k.d.intf_nets) {
    for (const auto& end : {a, b}) {
      if (k.g.kind_of_pin(end) != Kind::hierarchy && ++uses[end] == 2) {
        k.error("interface", end + " is connected by more than one interface net");
      }
    }
  }
}

void check_project(Checks& k) {
  if (k.d.part.empty()) k.error("project", "no part set (create_project -part)");
  if (k.g.ps().empty()) {
    k.error("processing_system", "no processing_system7 cell");
  } else if (k.d.board_part.empty() &&
             config(k.d.cells.at(k.g.ps()), "PCW_UIPARAM_DDR_PARTNO", "").empty()) {
    // Without board files the processing system must be configured explicitly (DDR first).
    k.warning("project", "no board_part set and the processing system's DDR part (PCW_UIPARAM_DDR_PARTNO) not configured");
  }
}

void check_processing_system(Checks& k) {
  const std::string& ps_name = k.g.ps();
  if (ps_name.empty()) return;
  const Cell& ps = k.d.cells.at(ps_name);
  const bool preset = std::any_of(k.d.automations.begin(), k.d.automations.end(), [](const auto& automation) {
    return automation.first.find("processing_system7") != std::string::npos &&
           automation.second.find("apply_board_preset") != std::string::npos;
  });
  if (!preset) k.warning("processing_system", "the processing system's board preset is not applied (apply_bd_automation)");
  for (int hp = 0; hp < 4; ++hp) {
    const std::string port = ps_name + "/S_AXI_HP" + std::to_string(hp);
    if (!k.g.connected(port)) continue;
    if (config(ps, "PCW_USE_S_AXI_HP" + std::to_string(hp), "0") != "1") {
      k.error("processing_system", port + " is connected but not enabled (PCW_USE_S_AXI_HP" + std::to_string(hp) + ")");
    }
    if (config(ps, "PCW_S_AXI_HP" + std::to_string(hp) + "_DATA_WIDTH", "64") != "64") {
      k.warning("processing_system", port + " is not 64 bits wide");
    }
    k.require_clock(port + "_ACLK");
  }
  for (int gp = 0; gp < 2; ++gp) {
    const std::string port = ps_name + "/M_AXI_GP" + std::to_string(gp);
    if (k.g.connected(port)) k.require_clock(port + "_ACLK");
  }
  // UG585: each FCLK divisor is a 6-bit field (1 to 63).
  for (int fclk = 0; fclk < 4; ++fclk) {
    for (int stage = 0; stage < 2; ++stage) {
      const std::string key = "PCW_FCLK" + std::to_string(fclk) + "_PERIPHERAL_DIVISOR" + std::to_string(stage);
      const std::string value = config(ps, key, "1");
      const int divisor = number(value, 0);
      if (divisor < 1 || divisor > 63) k.error("processing_system", ps_name + ": " + key + " is " + value + " (1 to 63)");
    }
  }
}

// PG021: memory-map widths 32..1024, stream widths 8..1024, powers of two; the stream no
// wider than the memory map it is moved from or to.
void check_dma_widths(Checks& k, const Cell& dma, const std::string& channel) {
  const std::string mm_key = "c_m_axi_" + channel + "_data_width";
  const std::string stream_key = channel == "mm2s" ? "c_m_axis_mm2s_tdata_width" : "c_s_axis_s2mm_tdata_width";
  const int mm = number(config(dma, mm_key, "32"), -1);
  const int stream = number(config(dma, stream_key, "32"), -1);
  const std::string n = dma.name + ": ";
  if (!power_of_two_in(mm, 32, 1024)) {
    k.error("dma", n + mm_key + " is " + config(dma, mm_key, "32") + " (32 to 1024, a power of two)");
  }
  if (!power_of_two_in(stream, 8, 1024)) {
    k.error("dma", n + stream_key + " is " + config(dma, stream_key, "32") + " (8 to 1024, a power of two)");
  }
  if (mm > 0 && stream > mm) {
    k.error("dma", n + stream_key + " (" + std::to_string(stream) + ") is wider than " + mm_key + " (" + std::to_string(mm) + ")");
  }
}

void check_dma(Checks& k, const Cell& dma) {
  const std::string& n = dma.name;
  if (config(dma, "c_include_sg", "1") != "0") {
    k.error("dma", n + ": scatter-gather is included (c_include_sg); the runtime drives DMAs in direct register mode");
  }
  struct Channel {
    std::string name, stream, master, clock;
  };
  for (const Channel& c : {Channel{"mm2s", "M_AXIS_MM2S", "M_AXI_MM2S", "m_axi_mm2s_aclk"},
                           Channel{"s2mm", "S_AXIS_S2MM", "M_AXI_S2MM", "m_axi_s2mm_aclk"}}) {
    const std::string stream = n + "/" + c.stream;
    if (config(dma, "c_include_" + c.name, "1") != "1") {
      if (k.g.connected(stream)) k.error("stream", stream + " is connected but its channel is not included");
      continue;
    }
    check_dma_widths(k, dma, c.name);
    if (!k.g.connected(stream)) {
      k.error("stream", stream + " is not connected to a kernel stream port");
    } else {
      for (const auto& peer : k.g.peers(stream)) {
        if (k.g.kind_of_pin(peer) == Kind::dma) k.error("stream", stream + " is connected to another DMA (" + peer + ")");
      }
    }
    const std::string master = n + "/" + c.master;
    if (!k.g.reaches(master, [&](const std::string& p) {
          return cell_of(p) == k.g.ps() && (port_of(p).rfind("S_AXI_HP", 0) == 0 || port_of(p) == "S_AXI_ACP");
        })) {
      k.error("memory_path", master + " does not reach a high-performance port (S_AXI_HPn) of the processing system");
    }
    k.require_clock(n + "/" + c.clock);
  }
  if (!k.g.reaches_gp_master(n + "/S_AXI_LITE")) {
    k.error("register_path", n + "/S_AXI_LITE does not reach a general-purpose master port (M_AXI_GPn)");
  }
  k.require_clock(n + "/s_axi_lite_aclk");
  k.require_reset(n + "/axi_resetn");
}

void check_interconnect(Checks& k, const Cell& ic) {
  static const std::regex port_re(R"(^([SM])(\d\d)_AXI$)");
  const std::string n = ic.name;
  const bool smartconnect = ic.vlnv.find(":smartconnect:") != std::string::npos;
  bool any = false;
  for (const auto& [pin, _] : k.g.interface_pins()) {
    std::smatch match;
    const std::string port = port_of(pin);
    if (cell_of(pin) != n || !std::regex_match(port, match, port_re)) continue;
    any = true;
    const int index = std::stoi(match[2].str());
    const std::string count_key = match[1].str() == "S" ? "NUM_SI" : "NUM_MI";
    const std::string count = config(ic, count_key, "");
    if (!count.empty() && index >= std::atoi(count.c_str())) {
      k.error("interconnect", pin + " is used but " + n + " has " + count_key + "=" + count);
    }
    if (!smartconnect) {
      k.require_clock(n + "/" + match[1].str() + match[2].str() + "_ACLK");
      k.require_reset(n + "/" + match[1].str() + match[2].str() + "_ARESETN");
    }
  }
  if (any) {
    k.require_clock(n + "/" + (smartconnect ? "aclk" : "ACLK"));
    k.require_reset(n + "/" + (smartconnect ? "aresetn" : "ARESETN"));
  }
}

void check_kernel(Checks& k, const Cell& kernel) {
  k.require_clock(kernel.name + "/ap_clk");
  k.require_reset(kernel.name + "/ap_rst_n");
  // A kernel the manifest drives through s_axi_control must have it wired.
  const bool axilite = k.m && k.m->control.instance == kernel.name && k.m->control.mode == "axilite";
  if ((axilite || k.g.connected(kernel.name + "/s_axi_control")) && !k.g.reaches_gp_master(kernel.name + "/s_axi_control")) {
    k.error("register_path", kernel.name + "/s_axi_control does not reach a general-purpose master port");
  }
}

void check_reset_block(Checks& k, const Cell& reset) {
  k.require_clock(reset.name + "/slowest_sync_clk");
  if (!k.g.net_has(reset.name + "/ext_reset_in", [&](const std::string& p) {
        return cell_of(p) == k.g.ps() && port_of(p).rfind("FCLK_RESET", 0) == 0;
      })) {
    k.error("reset", reset.name + "/ext_reset_in is not driven by the processing system's FCLK_RESETn_N");
  }
}

void check_addresses(Checks& k) {
  const auto& addresses = k.d.addresses;
  const bool assign_all =
      std::any_of(addresses.begin(), addresses.end(), [](const AddressAssignment& a) { return a.segment.empty(); });
  auto assigned = [&](const std::string& prefix) {
    return assign_all || std::any_of(addresses.begin(), addresses.end(),
                                     [&](const AddressAssignment& a) { return a.segment.rfind(prefix, 0) == 0; });
  };
  auto space_assigned = [&](const std::string& space) {
    return assign_all ||
           std::any_of(addresses.begin(), addresses.end(), [&](const AddressAssignment& a) { return a.space == space; });
  };
  for (const auto& [name, cell] : k.d.cells) {
    if (kind_of(cell) == Kind::dma) {
      if (!assigned(name + "/S_AXI_LITE")) k.error("address", name + "/S_AXI_LITE has no address assigned");
      for (const char* channel : {"MM2S", "S2MM"}) {
        if (config(cell, std::string("c_include_") + lower(channel), "1") == "1" &&
            !space_assigned("/" + name + "/Data_" + channel)) {
          k.error("address", name + "/Data_" + channel + " has no memory segment assigned");
        }
      }
    }
    if (kind_of(cell) == Kind::kernel && k.g.connected(name + "/s_axi_control") && !assigned(name + "/s_axi_control")) {
      k.error("address", name + "/s_axi_control has no address assigned");
    }
  }
  // Explicit windows in one address space must not overlap and must be aligned.
  std::vector<const AddressAssignment*> windows;
  for (const auto& a : addresses) {
    if (a.segment.empty() || !a.offset) continue;
    if (!a.range) {
      k.warning("address", a.segment + ": offset without a range; overlap not checked");
      continue;
    }
    if (*a.range == 0 || (*a.range & (*a.range - 1)) != 0) {
      k.error("address", a.segment + ": range is not a power of two");
    } else if (*a.offset % *a.range != 0) {
      k.error("address", a.segment + ": offset is not aligned to its range");
    }
    windows.push_back(&a);
  }
  for (std::size_t i = 0; i < windows.size(); ++i) {
    for (std::size_t j = i + 1; j < windows.size(); ++j) {
      const auto& a = *windows[i];
      const auto& b = *windows[j];
      if (a.space == b.space && *a.offset < *b.offset + *b.range && *b.offset < *a.offset + *a.range) {
        k.error("address", "address windows overlap in " + a.space + ": " + a.segment + " and " + b.segment);
      }
    }
  }
}

void check_flow(Checks& k) {
  auto has = [&](const std::string& step) { return std::find(k.d.steps.begin(), k.d.steps.end(), step) != k.d.steps.end(); };
  // Exported designs (write_bd_tcl) leave validation to whoever sources them.
  if (!has("validate_bd_design")) k.strict("flow", "validate_bd_design is never called");
  if (!has("make_wrapper")) k.warning("flow", "make_wrapper is never called (no HDL wrapper for synthesis)");
  if (std::find(k.d.launch_steps.begin(), k.d.launch_steps.end(), "write_bitstream") == k.d.launch_steps.end()) {
    k.warning("flow", "no launch_runs ... -to_step write_bitstream");
  }
}

}  // namespace

std::vector<Finding> check_block_design(const BlockDesign& design, const CheckContext& context) {
  Checks checks(design, context);
  check_script(checks);
  check_project(checks);
  check_processing_system(checks);
  check_catalog(checks);
  for (const auto& [name, cell] : design.cells) {
    if (kind_of(cell) == Kind::dma) check_dma(checks, cell);
    if (kind_of(cell) == Kind::interconnect) check_interconnect(checks, cell);
    if (kind_of(cell) == Kind::kernel) check_kernel(checks, cell);
    if (kind_of(cell) == Kind::reset) check_reset_block(checks, cell);
  }
  check_interrupts(checks);
  if (checks.m) check_against_manifest(checks);
  check_addresses(checks);
  check_artifacts(checks);
  check_flow(checks);
  return checks.findings;
}

}  // namespace zynqnn::tclcheck
