#pragma once
// The manifest: what the generator knows about a kernel design, written once as
// manifest.json and read by the runtime, the Python layer, the virtual board, the watchdog
// and the build scripts. Nothing else re-derives stream sizes or types. The schema is
// documented in docs/manifest.md.
//
// This reader depends only on the core library and nlohmann json: it builds for the board
// (armhf) and in the runtime-only build.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zynqnn::manifest {

inline constexpr int schema_version = 1;

struct StreamInfo {
  std::string name;
  std::string direction;    // "in" (DMA MM2S feeds it) or "out" (feeds DMA S2MM)
  std::string dtype;        // spec type: int8 ... uint32, float32, fixed<W,I>
  std::string numpy_dtype;  // host array dtype (fixed: the raw integer of the slot)
  std::vector<std::int64_t> shape;
  int element_bits = 0;     // bits per element slot in the DMA word (8, 16, 32, 64)
  int value_bits = 0;       // significant bits of the value (W for fixed<W,I>)
  int fraction_bits = 0;    // fixed-point fraction bits; 0 otherwise
  std::int64_t elements = 0;
  int stream_bits = 0;      // DMA word (TDATA) width
  int elements_per_word = 0;
  std::int64_t words = 0;   // words per frame; TLAST on the last one
  std::int64_t bytes = 0;   // DMA transfer length for one frame
  std::string dma;          // DMA instance name
  std::string channel;      // "mm2s" or "s2mm"
  std::uint64_t frame_latency_cycles = 0;  // estimate, see Manifest::latency_is_estimate
  // Optional, inputs only: a file (relative to the manifest's folder, no "..") holding one
  // frame of `bytes` bytes in the stream's word layout. The accelerator loads it once and
  // sends it with every call; callers never fill this stream. Empty: an ordinary stream.
  std::string constant;

  bool is_constant() const { return !constant.empty(); }
};

struct DmaInfo {
  std::string name;                // Vivado instance name (and .hwh INSTANCE)
  std::uint64_t base_address = 0;  // S_AXI_LITE base assigned by the block design
  std::uint64_t address_range = 0;
  bool include_mm2s = false;
  bool include_s2mm = false;
  int mm2s_bits = 0;               // stream width of each included channel
  int s2mm_bits = 0;
  int length_width = 26;           // C_SG_LENGTH_WIDTH
  bool include_sg = false;
  // The channel's interrupt: its input on the interrupt controller (Manifest::interrupts).
  std::optional<int> mm2s_interrupt;
  std::optional<int> s2mm_interrupt;
};

// The AXI interrupt controller (axi_intc) that gathers the DMA interrupts onto the processing
// system's IRQ_F2P[0], the one fabric interrupt PYNQ's Linux image serves.
struct InterruptControllerInfo {
  std::string name;                // Vivado instance name
  std::uint64_t base_address = 0;  // S_AXI register window
  std::uint64_t address_range = 0;
};

struct ControlInfo {
  std::string mode;                 // "none" (ap_ctrl_none) or "axilite" (ap_ctrl_hs)
  std::string instance;             // the kernel's Vivado instance name
  std::optional<std::uint64_t> base_address;  // s_axilite control base (axilite only)
  std::optional<std::uint64_t> address_range;
};

struct Artifacts {
  std::string bitstream;    // relative to the manifest's folder
  std::string hwh;
  std::string sim_library;  // the kernel compiled for the host (virtual board)
  std::string hls_top;
  std::string block_design_tcl;
  std::string partial_bitstream;  // optional: the kernel's region alone (with reconfigurable_region)
};

struct Manifest {
  int schema_version = manifest::schema_version;
  std::string kernel;
  std::string board;
  std::string part;
  std::string board_part;
  // FCLK_CLK0 as the block design makes it (the IO PLL divided by integers); the virtual
  // board's modeled time runs at it.
  double clock_mhz = 0;
  // The frequency the spec asked for; clock_mhz is the reachable one at or below it.
  double requested_clock_mhz = 0;
  ControlInfo control;
  std::vector<StreamInfo> streams;
  std::vector<DmaInfo> dmas;
  std::optional<InterruptControllerInfo> interrupt_controller;
  std::uint64_t frame_latency_cycles = 0;
  bool latency_is_estimate = true;
  std::string pl_kernel_abi = "zynqnn_pl_kernel_v1";  // sim library entry point
  int pl_kernel_abi_version = 1;
  Artifacts artifacts;
  // Optional: the name of the partial-reconfiguration region that holds the kernel. When set,
  // recovery on the board reloads artifacts.partial_bitstream into that region instead of the
  // whole PL (the DMAs and the processing system's configuration stay as they are).
  std::string reconfigurable_region;

  // Views of the input streams, each in manifest order:
  //  - inputs(): the inputs a caller fills (constant ones left out): the caller's view, as
  //    Accelerator::inputs() (the C ABI, Python, the watchdog's and campaign's test data);
  //  - all_inputs(): every input stream, constant ones included: the hardware view (every
  //    MM2S channel: DMA and .hwh binding, the PL kernel ABI's input order);
  //  - constant_inputs(): the inputs the accelerator feeds itself from their constant file.
  std::vector<const StreamInfo*> inputs() const;
  std::vector<const StreamInfo*> all_inputs() const;
  std::vector<const StreamInfo*> constant_inputs() const;
  std::vector<const StreamInfo*> outputs() const;
  const StreamInfo* find_stream(std::string_view name) const;
  const DmaInfo* find_dma(std::string_view name) const;
};

// Parses and checks a manifest: types, ranges, and consistency (elements = product of
// shape, words and bytes agree with widths, every stream names an existing DMA channel of
// its direction and width, no channel used twice). Throws zynqnn::Error (parse for
// malformed JSON, invalid_argument for an inconsistent field, unsupported for a newer
// schema), naming the field by JSON pointer.
Manifest parse_manifest(std::string_view json_text, std::string_view origin = "manifest");
// The manifest alone; what runs a folder (open_accelerator, SimKernelLibrary) first checks the
// folder against its stamp (folder_stamp.hpp).
Manifest load_manifest(const std::filesystem::path& path);

// A constant stream's frame: the file `stream.constant` under `manifest_folder` (a symbolic
// link that leads out of the folder is refused), which must
// hold exactly stream.bytes bytes. Error(io) when it cannot be read, Error(invalid_argument)
// for another size, Error(invalid_argument) for a stream that is not constant; each names the
// stream and the file.
std::vector<std::byte> load_constant_frame(const StreamInfo& stream, const std::filesystem::path& manifest_folder);

// The manifest as pretty-printed JSON (parse_manifest(to_json(m)) == m).
std::string to_json(const Manifest& manifest);

}  // namespace zynqnn::manifest
