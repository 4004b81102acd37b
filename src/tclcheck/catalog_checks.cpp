// The design's IP against what exists: VLNVs, processing-system properties, pin names.
#include <algorithm>
#include <set>

#include "tclcheck/checks.hpp"
#include "tclcheck/ip_catalog.hpp"

namespace zynqnn::tclcheck {
namespace {

void check_vlnvs(Checks& k) {
  for (const auto& [name, cell] : k.d.cells) {
    if (cell.type == "hier") continue;
    const auto vlnv = parse_vlnv(cell.vlnv);
    if (!vlnv) {
      k.error("ip", name + ": '" + cell.vlnv + "' is not a VLNV (vendor:library:name:version)");
      continue;
    }
    if (vlnv->vendor != "xilinx.com" || vlnv->library != "ip") continue;
    const auto versions = known_versions(vlnv->name);
    if (versions.empty()) {
      // A generated design uses only the IP in the table; other designs may use more.
      k.strict("ip", name + ": " + cell.vlnv + " is not an IP tcl-check knows (its version was not checked)");
    } else if (std::find(versions.begin(), versions.end(), vlnv->version) == versions.end()) {
      std::string known;
      for (const auto& v : versions) known += (known.empty() ? "" : ", ") + v;
      k.error("ip", name + ": " + cell.vlnv + " does not exist (" + vlnv->name + " versions: " + known + ")");
    }
  }
}

void check_pcw_properties(Checks& k) {
  if (k.g.ps().empty()) return;
  for (const auto& [key, value] : k.d.cells.at(k.g.ps()).config) {
    if (lower(key).rfind("pcw_", 0) == 0 && !is_pcw_property(key)) {
      k.error("processing_system", k.g.ps() + ": CONFIG." + key + " is not a property of processing_system7");
    }
  }
}

// Pins of the IPs whose ports are known (and of the kernel, from the manifest) exist.
void check_pin_names(Checks& k) {
  std::set<std::string> kernel_pins{"ap_clk", "ap_rst_n", "s_axi_control", "interrupt"};
  if (k.m) {
    for (const auto& s : k.m->streams) kernel_pins.insert(s.name);
  }
  std::set<std::string> used;
  for (const auto& [a, b] : k.d.intf_nets) used.insert({a, b});
  for (const auto& pins : k.d.nets) used.insert(pins.begin(), pins.end());
  for (const auto& pin : used) {
    auto cell = k.d.cells.find(cell_of(pin));
    if (cell == k.d.cells.end()) continue;
    std::optional<bool> exists;
    std::string ip;
    if (k.m && cell->first == k.m->control.instance) {
      exists = kernel_pins.count(port_of(pin)) != 0;
      ip = "the kernel";
    } else if (const auto vlnv = parse_vlnv(cell->second.vlnv)) {
      exists = ip_has_pin(vlnv->name, port_of(pin));
      ip = vlnv->name;
    }
    if (exists && !*exists) k.error("pin", pin + ": " + ip + " has no pin " + port_of(pin));
  }
}

}  // namespace

void check_catalog(Checks& checks) {
  check_vlnvs(checks);
  check_pcw_properties(checks);
  check_pin_names(checks);
}

}  // namespace zynqnn::tclcheck
