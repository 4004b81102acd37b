#pragma once
// A kernel spec: the JSON a user writes to describe a streaming kernel (its streams, types,
// shapes, board and clock), parsed and validated. Everything the generator emits is derived
// from a validated KernelSpec.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zynqnn/spec/element_type.hpp"

namespace zynqnn::spec {

enum class Direction { in, out };
enum class Control { none, axilite };  // ap_ctrl_none, or ap_ctrl_hs over s_axilite

std::string_view to_string(Direction direction);
std::string_view to_string(Control control);

struct BoardInfo {
  std::string name;        // pynq-z1, pynq-z2
  std::string part;        // xc7z020clg400-1
  std::string board_part;  // Vivado board part
};

// The supported boards; nullopt for an unknown name.
std::optional<BoardInfo> find_board(std::string_view name);

// The AXI DMA length register is this many bits wide in generated designs (the maximum).
inline constexpr int dma_length_width = 26;
inline constexpr std::int64_t dma_max_transfer_bytes = (std::int64_t{1} << dma_length_width) - 1;
inline constexpr std::size_t max_streams_per_direction = 8;

struct StreamSpec {
  std::string name;
  Direction direction = Direction::in;
  ElementType type;
  std::vector<std::int64_t> shape;
  int stream_bits = 32;  // DMA stream (TDATA) width: 32 or 64
  // A constant input: one frame of bytes() bytes, already packed in the stream's DMA words,
  // that the accelerator loads once and sends with every call (the user never supplies it).
  // Empty: an ordinary stream. Only on inputs. As written in the spec; load_kernel_spec
  // resolves a relative path against the spec's folder.
  std::filesystem::path constant_file;

  bool is_constant() const { return !constant_file.empty(); }

  std::int64_t elements() const;           // NUMBER_OF_POINTS: product of the shape
  int elements_per_word() const { return stream_bits / type.slot_bits(); }
  std::int64_t words() const;              // DMA words per frame; the last one may be padded
  std::int64_t bytes() const { return words() * (stream_bits / 8); }
};

struct ComputeSpec {
  std::filesystem::path source;  // as written in the spec, resolved against the spec's folder
  std::string function;
  // Filled by check_compute_signature: the element type spelling of each parameter as the
  // source declares it (one of ElementType::accepted_hls_spellings), in stream order.
  std::vector<std::string> parameter_types;
};

struct KernelSpec {
  std::string kernel;
  BoardInfo board;
  double clock_mhz = 100.0;
  Control control = Control::none;
  std::vector<StreamSpec> streams;
  std::optional<ComputeSpec> compute;  // none: pass-through (output k copies input k)
  // A latency estimate from a model of the compute (e.g. the DNN compiler's per-layer
  // estimate); none: the generator's streaming estimate.
  std::optional<std::uint64_t> frame_latency_cycles;

  std::vector<const StreamSpec*> inputs() const;  // every input, constant ones included
  std::vector<const StreamSpec*> outputs() const;
};

// Parses and validates spec JSON without touching the file system (the compute source is
// not read; see check_compute_signature). `origin` names the document in errors. Throws
// zynqnn::Error: parse (malformed JSON), invalid_argument/unsupported (invalid field), each
// naming the field by JSON pointer (e.g. "spec.json:/streams/1/type").
KernelSpec parse_kernel_spec(std::string_view json_text, std::string_view origin = "spec");

// Checks that `source_text` declares spec.compute->function with one hls::stream<T>&
// parameter per stream, in stream order, with T matching each stream's element type, and
// records the spellings found. The check reads declarations with a regular expression:
// it finds `void NAME(...)` (not inside comments), splits parameters at top-level commas,
// and does not expand macros, typedefs or using-aliases other than the accepted spellings.
void check_compute_signature(KernelSpec& spec, std::string_view source_text, std::string_view origin);

// Reads, parses and validates a spec file; a relative compute source and relative constant
// files are resolved against the spec's folder; the compute source is read and its signature
// checked (constant files are read by the generator).
KernelSpec load_kernel_spec(const std::filesystem::path& path);

}  // namespace zynqnn::spec
