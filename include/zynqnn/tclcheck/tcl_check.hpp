#pragma once
// `zynqnn tcl-check`: runs a Vivado block-design script in tclsh against recorded
// definitions of the Vivado commands it uses (src/tclcheck/vivado_model.tcl), builds the
// block graph it describes, and checks its structure: kernel streams wired to DMA channels
// of the same direction and width, DMA memory masters reaching an HP port, register slaves
// reaching GP0, clocks and resets connected, addresses assigned without overlap.
//
// This is a structural check. It does not prove that Vivado accepts the script (IP
// parameter legality, pin names of IPs it does not model, timing are not checked).
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn::tclcheck {

struct Cell {
  std::string name;
  std::string vlnv;
  std::map<std::string, std::string> config;  // CONFIG.* properties, key without "CONFIG."
};

struct AddressAssignment {
  std::string space;    // e.g. /processing_system7_0/Data
  std::string segment;  // e.g. axi_dma_0/S_AXI_LITE/Reg; empty for "assign everything"
  std::optional<std::uint64_t> offset;
  std::optional<std::uint64_t> range;
};

// What the script built, as recorded by the model.
struct BlockDesign {
  std::string project;
  std::string part;
  std::string board_part;
  std::map<std::string, Cell> cells;
  std::vector<std::pair<std::string, std::string>> intf_nets;  // interface pin pairs
  std::vector<std::vector<std::string>> nets;                  // pins joined by connect_bd_net
  std::vector<AddressAssignment> addresses;
  std::vector<std::pair<std::string, std::string>> automations;  // (rule, config) per object
  std::vector<std::string> steps;     // validate_bd_design, make_wrapper, ...
  std::vector<std::string> launch_steps;  // launch_runs -to_step values
  std::vector<std::string> unknown_commands;
  std::vector<std::string> missing_objects;  // get_bd_* of a pin/segment on no cell
  std::optional<std::string> script_error;
};

struct Finding {
  std::string severity;  // "error" or "warning"
  std::string check;     // e.g. "stream", "memory_path", "clock", "address"
  std::string message;
};

struct Report {
  BlockDesign design;
  std::vector<Finding> findings;
  bool passed() const;
};

struct Options {
  std::filesystem::path script;
  // The design's manifest (kernel streams, widths, addresses). When empty, manifest.json
  // in the script's parent folder is used if it exists.
  std::optional<std::filesystem::path> manifest;
  std::string tclsh = "tclsh";
  std::chrono::milliseconds timeout{30000};
};

// Parses the model's JSON-lines output.
BlockDesign parse_recording(const std::string& json_lines);

// Runs the script under the model (tclsh subprocess, bounded by options.timeout).
BlockDesign record_block_design(const Options& options);

// The structural checks; `manifest` adds the kernel-side checks (stream ports, widths,
// addresses as recorded).
std::vector<Finding> check_block_design(const BlockDesign& design, const manifest::Manifest* manifest);

// record_block_design + check_block_design, with the manifest found as Options describes.
Report run_tcl_check(const Options& options);

// The report as JSON (passed, findings, summary, and the caveat about what it proves).
std::string to_json(const Report& report);

}  // namespace zynqnn::tclcheck
