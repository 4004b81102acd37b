#include "tclcheck/block_graph.hpp"

#include <cctype>
#include <deque>
#include <regex>
#include <set>

namespace zynqnn::tclcheck {

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

std::string config(const Cell& cell, const std::string& key, const std::string& fallback) {
  for (const auto& [k, v] : cell.config) {
    if (lower(k) == lower(key)) return v;
  }
  return fallback;
}

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

BlockGraph::BlockGraph(const BlockDesign& design) : d_(design) {
  for (const auto& [name, cell] : d_.cells) {
    if (kind_of(cell) == Kind::ps7) ps_ = name;
  }
  for (const auto& [a, b] : d_.intf_nets) {
    intf_[a].push_back(b);
    intf_[b].push_back(a);
  }
  for (const auto& pins : d_.nets) {
    for (const auto& p : pins) parent_.try_emplace(p, p);
    for (std::size_t i = 1; i < pins.size(); ++i) parent_[find(pins[0])] = find(pins[i]);
  }
}

Kind BlockGraph::kind_of_pin(const std::string& pin) const {
  auto it = d_.cells.find(cell_of(pin));
  return it == d_.cells.end() ? Kind::other : kind_of(it->second);
}

std::vector<std::string> BlockGraph::peers(const std::string& intf_pin) const {
  auto it = intf_.find(intf_pin);
  return it == intf_.end() ? std::vector<std::string>{} : it->second;
}

bool BlockGraph::reaches(const std::string& start, const std::function<bool(const std::string&)>& target) const {
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

bool BlockGraph::reaches_gp_master(const std::string& start) const {
  return reaches(start, [&](const std::string& p) { return cell_of(p) == ps_ && port_of(p).rfind("M_AXI_GP", 0) == 0; });
}

std::string BlockGraph::find(const std::string& pin) const {
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

std::vector<std::string> BlockGraph::wired_pins() const {
  std::vector<std::string> pins;
  for (const auto& [p, _] : parent_) pins.push_back(p);
  return pins;
}

std::vector<std::string> BlockGraph::net_of(const std::string& pin) const {
  std::vector<std::string> pins;
  if (!parent_.count(pin)) return pins;
  const std::string root = find(pin);
  for (const auto& p : wired_pins()) {
    if (find(p) == root) pins.push_back(p);
  }
  return pins;
}

bool BlockGraph::net_has(const std::string& pin, const std::function<bool(const std::string&)>& predicate) const {
  for (const auto& p : net_of(pin)) {
    if (predicate(p)) return true;
  }
  return false;
}

std::optional<int> BlockGraph::interrupt_line(const std::string& pin) const {
  const std::string irq_f2p = ps_ + "/IRQ_F2P";
  auto reaches_ps = [&](const std::string& source) {
    return net_has(source, [&](const std::string& p) {
      if (p == irq_f2p) return true;
      return kind_of_pin(p) == Kind::intc && port_of(p) == "intr" &&
             net_has(cell_of(p) + "/irq", [&](const std::string& q) { return q == irq_f2p; });
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

}  // namespace zynqnn::tclcheck
