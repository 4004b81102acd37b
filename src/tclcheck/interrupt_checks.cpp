// Interrupts from the fabric to the processing system: IRQ_F2P, xlconcat, axi_intc, and the
// DMA channels' interrupt outputs.
#include <regex>

#include "tclcheck/checks.hpp"

namespace zynqnn::tclcheck {
namespace {

void check_concat(Checks& k, const Cell& concat) {
  static const std::regex input(R"(^In(\d+)$)");
  const int ports = number(config(concat, "NUM_PORTS", "2"), 2);
  for (const auto& pin : k.g.wired_pins()) {
    std::smatch match;
    const std::string port = port_of(pin);
    if (cell_of(pin) == concat.name && std::regex_match(port, match, input) && std::stoi(match[1].str()) >= ports) {
      k.error("interrupt", pin + " is used but " + concat.name + " has NUM_PORTS=" + std::to_string(ports));
    }
  }
}

void check_intc(Checks& k, const Cell& intc) {
  const std::string n = intc.name;
  if (!k.g.net_has(n + "/irq", [&](const std::string& p) { return p == k.g.ps() + "/IRQ_F2P"; })) {
    k.error("interrupt", n + "/irq does not drive the processing system's IRQ_F2P");
  }
  if (!k.g.net_has(n + "/intr", [&](const std::string& p) { return p != n + "/intr"; })) {
    k.warning("interrupt", n + "/intr has no interrupt source");
  }
  if (!k.g.reaches_gp_master(n + "/s_axi")) {
    k.error("register_path", n + "/s_axi does not reach a general-purpose master port (M_AXI_GPn)");
  }
  k.require_clock(n + "/s_axi_aclk");
  k.require_reset(n + "/s_axi_aresetn");
}

// IRQ_F2P exists only with fabric interrupts enabled; enabled, it must be driven.
void check_fabric_interrupts(Checks& k) {
  if (k.g.ps().empty()) return;
  const Cell& ps = k.d.cells.at(k.g.ps());
  const bool enabled = config(ps, "PCW_USE_FABRIC_INTERRUPT", "0") == "1" && config(ps, "PCW_IRQ_F2P_INTR", "0") == "1";
  const bool driven = k.g.net_of(k.g.ps() + "/IRQ_F2P").size() > 1;
  if (enabled && !driven) k.error("interrupt", k.g.ps() + "/IRQ_F2P is enabled (PCW_IRQ_F2P_INTR) but nothing drives it");
  if (driven && !enabled) {
    k.error("interrupt", k.g.ps() +
                             "/IRQ_F2P is connected but fabric interrupts are not enabled (PCW_USE_FABRIC_INTERRUPT, "
                             "PCW_IRQ_F2P_INTR)");
  }
}

void check_dma_interrupts(Checks& k, const Cell& dma) {
  for (const char* channel : {"mm2s", "s2mm"}) {
    if (config(dma, std::string("c_include_") + channel, "1") != "1") continue;
    const std::string irq = dma.name + "/" + channel + "_introut";
    if (!k.g.wired(irq)) {
      k.warning("interrupt", irq + " is not connected");
    } else if (!k.g.interrupt_line(irq)) {
      k.strict("interrupt", irq + " does not reach the processing system's IRQ_F2P");
    }
  }
}

}  // namespace

void check_interrupts(Checks& checks) {
  for (const auto& [name, cell] : checks.d.cells) {
    if (kind_of(cell) == Kind::concat) check_concat(checks, cell);
    if (kind_of(cell) == Kind::intc) check_intc(checks, cell);
    if (kind_of(cell) == Kind::dma) check_dma_interrupts(checks, cell);
  }
  check_fabric_interrupts(checks);
}

}  // namespace zynqnn::tclcheck
