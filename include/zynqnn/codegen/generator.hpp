#pragma once
// The interface generator: from a validated kernel spec to the HLS top and testbench, the
// Vivado block design and build scripts, the manifest, the host (virtual board) build of the
// kernel and a typed Python wrapper. Every generated file comes from a template under
// templates/; names in the spec are validated identifiers before they reach a template.
#include <filesystem>
#include <string>
#include <vector>

#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

namespace zynqnn::codegen {

// Register windows the generated block design assigns (and the manifest records).
inline constexpr std::uint64_t dma_base_address = 0x40400000;
inline constexpr std::uint64_t dma_address_stride = 0x10000;
inline constexpr std::uint64_t kernel_control_base_address = 0x43C00000;
inline constexpr std::uint64_t interrupt_controller_base_address = 0x41800000;  // as in PYNQ's base designs
inline constexpr std::uint64_t register_window = 0x10000;

// The manifest of the design generated from `spec`: DMA k carries input k on MM2S and
// output k on S2MM (inputs and outputs in spec order); their interrupts are inputs of one
// AXI interrupt controller; the clock is the reachable FCLK (spec/fclk.hpp); latencies are
// estimates.
manifest::Manifest build_manifest(const spec::KernelSpec& spec);

struct GenerateOptions {
  std::filesystem::path output_dir;
  // The project's C-simulation headers (hls_stream.h, ap_int.h...) for the host build.
  std::filesystem::path hls_include_dir;
  // zynqnn's include/ (for zynqnn/board/virtual/pl_kernel_abi.h) for the host build.
  std::filesystem::path project_include_dir;
  bool build_sim = true;  // run OUT/sim/build.sh after writing (needs a C++ compiler)
  // Replace output_dir even when it is a non-empty folder zynqnn did not make (`--force`).
  bool replace_foreign_folder = false;
  // The command the generated files say wrote them.
  std::string command = "zynqnn generate";
};

struct GenerateResult {
  std::vector<std::filesystem::path> files;  // written, relative to output_dir
  bool sim_built = false;
  std::string sim_build_log;  // compiler output when the host build ran
  std::string sim_skipped_reason;  // why it did not run, when it did not
  // The structural check of vivado/build_bd.tcl (tcl-check) ran and found no error; when it
  // could not run, why.
  bool block_design_checked = false;
  std::string block_design_skipped_reason;
  double requested_clock_mhz = 0;  // the spec's clock
  double clock_mhz = 0;            // the FCLK the block design makes (the manifest's)
};

// A line saying the PL clock differs from the one requested, or "" when it does not.
std::string clock_note(double requested_mhz, double actual_mhz);

// Writes the folder options.output_dir whole (output_folder.hpp): every file is rendered
// and every constant file read first, then written into a staging folder beside it, the
// host build run there, and the stamped result renamed into place; the previous folder stays
// until then. A non-empty folder zynqnn did not make is refused unless
// replace_foreign_folder. Throws zynqnn::Error: invalid_argument for a name or size the
// generated code cannot carry (name_rules.hpp) or a refused folder, io when a file cannot be
// read or written (a full disk included), internal when a template fails to render,
// bad_state when the block design fails its structural check or the host build ran and failed
// (with its log).
GenerateResult generate(const spec::KernelSpec& spec, const GenerateOptions& options);

// The generated files written into `folder` as they are (no staging, no stamp, no host
// build), for a caller that stages the folder itself (the ONNX compiler); same checks.
GenerateResult write_generated_files(const spec::KernelSpec& spec, const GenerateOptions& options,
                                     const std::filesystem::path& folder);

}  // namespace zynqnn::codegen
