// The design against its manifest (part, clock, kernel, streams, DMAs, register windows,
// interrupt lines) and the HLS export, and where it writes the bitstream and its handoff.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "tclcheck/checks.hpp"

namespace zynqnn::tclcheck {
namespace {

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llX", static_cast<unsigned long long>(value));
  return text;
}

// A register window as the manifest records it: an explicit offset (Vivado's own choice
// may differ) equal to the recorded base, and the recorded range.
void check_window(Checks& k, const std::string& interface, std::uint64_t base, std::optional<std::uint64_t> range) {
  bool assigned = false;
  for (const auto& a : k.d.addresses) {
    if (a.segment.rfind(interface + "/", 0) != 0) continue;
    assigned = true;
    if (!a.offset) {
      k.error("address", interface + " has no explicit offset; the manifest records " + hex(base));
    } else if (*a.offset != base) {
      k.error("address", interface + " is assigned a different base address (" + hex(*a.offset) +
                             ") than the manifest records (" + hex(base) + ")");
    }
    if (range && a.range && *a.range != *range) {
      k.error("address", interface + " has range " + hex(*a.range) + ", the manifest records " + hex(*range));
    }
  }
  if (!assigned) k.error("address", interface + " is given no address; the manifest records " + hex(base));
}

void check_interrupt_line(Checks& k, const std::string& pin, std::optional<int> line) {
  if (!line) return;
  const auto actual = k.g.interrupt_line(pin);
  if (!actual) {
    k.error("interrupt", pin + " does not reach IRQ_F2P; the manifest records it on line " + std::to_string(*line));
  } else if (*actual != *line) {
    k.error("interrupt",
            pin + " is on interrupt line " + std::to_string(*actual) + ", the manifest records " + std::to_string(*line));
  }
}

void check_project(Checks& k, const manifest::Manifest& m) {
  if (!k.d.part.empty() && k.d.part != m.part) k.error("project", "part " + k.d.part + " differs from the manifest's " + m.part);
  if (!k.d.board_part.empty() && k.d.board_part != m.board_part) {
    k.error("project", "board_part " + k.d.board_part + " differs from the manifest's " + m.board_part);
  }
  if (k.g.ps().empty()) return;
  const std::string freq = config(k.d.cells.at(k.g.ps()), "PCW_FPGA0_PERIPHERAL_FREQMHZ", "");
  // Vivado rounds the frequency it shows; a design written with fewer digits is the same clock.
  if (freq.empty() || std::abs(std::atof(freq.c_str()) - m.clock_mhz) > 1e-4 * m.clock_mhz) {
    k.error("clock", "FCLK_CLK0 is set to '" + freq + "' MHz, the manifest says " + std::to_string(m.clock_mhz));
  }
}

void check_kernel(Checks& k, const manifest::Manifest& m, const Cell& kernel) {
  if (!k.c.kernel_vlnv) {
    k.warning("kernel", "no hls/run_hls.tcl export beside the manifest: the kernel's VLNV was not compared");
  } else if (kernel.vlnv != *k.c.kernel_vlnv) {
    k.error("kernel", kernel.name + " is " + kernel.vlnv + ", but run_hls.tcl exports the kernel as " + *k.c.kernel_vlnv);
  }
  if (m.control.base_address) {
    check_window(k, kernel.name + "/s_axi_control", *m.control.base_address, m.control.address_range);
  }
}

void check_streams(Checks& k, const manifest::Manifest& m) {
  for (const auto& s : m.streams) {
    const std::string port = m.control.instance + "/" + s.name;
    const bool in = s.direction == "in";
    const std::string expected = s.dma + (in ? "/M_AXIS_MM2S" : "/S_AXIS_S2MM");
    if (!k.g.connected(port)) {
      k.error("stream", "kernel stream port " + port + " is not connected (expected " + expected + ")");
      continue;
    }
    const auto p = k.g.peers(port);
    if (std::find(p.begin(), p.end(), expected) == p.end()) {
      k.error("stream", "kernel stream port " + port + " is connected to " + p.front() + ", expected " + expected);
      continue;
    }
    auto dma = k.d.cells.find(s.dma);
    if (dma == k.d.cells.end()) continue;
    const std::string width_key = in ? "c_m_axis_mm2s_tdata_width" : "c_s_axis_s2mm_tdata_width";
    const std::string width = config(dma->second, width_key, "32");
    if (std::atoi(width.c_str()) != s.stream_bits) {
      k.error("stream", "width mismatch: kernel port " + port + " is " + std::to_string(s.stream_bits) + " bits, " + s.dma +
                            " " + width_key + " is " + width);
    }
  }
}

void check_dmas(Checks& k, const manifest::Manifest& m) {
  for (const auto& dma : m.dmas) {
    auto cell = k.d.cells.find(dma.name);
    if (cell == k.d.cells.end()) {
      k.error("dma", "no cell " + dma.name + " (listed in the manifest)");
      continue;
    }
    const std::string lw = config(cell->second, "c_sg_length_width", "14");
    if (std::atoi(lw.c_str()) != dma.length_width) {
      k.error("dma", dma.name + ": c_sg_length_width is " + lw + ", the manifest says " + std::to_string(dma.length_width));
    }
    check_window(k, dma.name + "/S_AXI_LITE", dma.base_address,
                 dma.address_range ? std::optional<std::uint64_t>(dma.address_range) : std::nullopt);
    check_interrupt_line(k, dma.name + "/mm2s_introut", dma.mm2s_interrupt);
    check_interrupt_line(k, dma.name + "/s2mm_introut", dma.s2mm_interrupt);
  }
}

}  // namespace

void check_against_manifest(Checks& checks) {
  const auto& m = *checks.m;
  check_project(checks, m);
  auto kernel = checks.d.cells.find(m.control.instance);
  if (kernel == checks.d.cells.end()) {
    checks.error("kernel", "no cell " + m.control.instance + " (the kernel instance the manifest names)");
    return;
  }
  check_kernel(checks, m, kernel->second);
  check_streams(checks, m);
  check_dmas(checks, m);
  if (const auto& controller = m.interrupt_controller) {
    if (checks.d.cells.count(controller->name) == 0) {
      checks.error("interrupt", "no cell " + controller->name + " (the interrupt controller the manifest names)");
    } else {
      check_window(checks, controller->name + "/S_AXI", controller->base_address,
                   controller->address_range ? std::optional<std::uint64_t>(controller->address_range) : std::nullopt);
    }
  }
}

// The bitstream and its handoff must share a stem (PYNQ finds the .hwh by the .bit's name),
// and a generated design writes them where its manifest says.
void check_artifacts(Checks& k) {
  std::optional<std::filesystem::path> bit, hwh;
  for (const auto& [source, destination] : k.d.file_copies) {
    const std::filesystem::path to(destination);
    if (to.extension() == ".bit") bit = to;
    if (to.extension() == ".hwh") hwh = to;
  }
  if (bit && hwh && (bit->stem() != hwh->stem() || bit->parent_path() != hwh->parent_path())) {
    k.error("artifacts", "the bitstream is copied to " + bit->string() + " but its hardware handoff to " + hwh->string() +
                             ": they must share a folder and a stem");
  }
  if (!k.m) return;
  for (const auto& [found, recorded, what] : {std::tuple{bit, k.m->artifacts.bitstream, "bitstream"},
                                              std::tuple{hwh, k.m->artifacts.hwh, "hardware handoff"}}) {
    if (recorded.empty()) continue;
    const auto expected = (k.c.manifest_dir / recorded).lexically_normal();
    if (!found) {
      k.error("artifacts", std::string("the script does not copy the ") + what + " to " + expected.string() + " (manifest)");
    } else if (found->lexically_normal() != expected) {
      k.error("artifacts",
              std::string("the ") + what + " is copied to " + found->string() + ", the manifest records " + expected.string());
    }
  }
}

}  // namespace zynqnn::tclcheck
