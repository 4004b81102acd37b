#pragma once
// The block graph a script built, as the checks walk it: cells by kind, nets (pins joined by
// connect_bd_net, through hierarchy pins), interface nets, and paths through interconnects.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/tclcheck/tcl_check.hpp"

namespace zynqnn::tclcheck {

enum class Kind { ps7, dma, interconnect, reset, concat, intc, kernel, hierarchy, other };

Kind kind_of(const Cell& cell);

std::string lower(std::string text);

// CONFIG lookup, case-insensitive as in Vivado, with the IP's default when unset.
std::string config(const Cell& cell, const std::string& key, const std::string& fallback);

// A pin is CELL/NAME, the cell's path holding the hierarchies it is in; a root port has no cell.
std::string cell_of(const std::string& pin);
std::string port_of(const std::string& pin);

// An integer written in decimal or 0x hex; `fallback` when it is not one.
int number(const std::string& text, int fallback);

class BlockGraph {
 public:
  explicit BlockGraph(const BlockDesign& design);

  const BlockDesign& design() const { return d_; }
  // The processing_system7 cell's name; empty when there is none.
  const std::string& ps() const { return ps_; }
  Kind kind_of_pin(const std::string& pin) const;

  // Interface nets.
  bool connected(const std::string& intf_pin) const { return intf_.count(intf_pin) != 0; }
  std::vector<std::string> peers(const std::string& intf_pin) const;
  const std::map<std::string, std::vector<std::string>>& interface_pins() const { return intf_; }
  // Follows interface nets, and through interconnects from any slave port to any master port
  // (and back), to find a pin satisfying `target`.
  bool reaches(const std::string& start, const std::function<bool(const std::string&)>& target) const;
  bool reaches_gp_master(const std::string& start) const;

  // Nets.
  bool wired(const std::string& pin) const { return parent_.count(pin) != 0; }
  std::vector<std::string> wired_pins() const;
  std::vector<std::string> net_of(const std::string& pin) const;
  bool net_has(const std::string& pin, const std::function<bool(const std::string&)>& predicate) const;

  // The IRQ_F2P input an interrupt pin drives: directly (0), or as input k of an xlconcat
  // whose output drives IRQ_F2P or an axi_intc whose irq does. nullopt: it reaches neither.
  std::optional<int> interrupt_line(const std::string& pin) const;

 private:
  std::string find(const std::string& pin) const;

  const BlockDesign& d_;
  std::string ps_;
  std::map<std::string, std::vector<std::string>> intf_;
  mutable std::map<std::string, std::string> parent_;  // union-find of nets, compressed on lookup
};

}  // namespace zynqnn::tclcheck
