#include "zynqnn/spec/name_rules.hpp"

#include <cctype>
#include <map>

#include "zynqnn/core/dma_memory.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/spec/identifier.hpp"

namespace zynqnn::spec {
namespace {

std::string folded_case(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The name quoted when it is plain ([A-Za-z0-9_], at most 64 characters); a name holding
// anything else is never echoed: it may be built to drive a terminal or a log reader.
std::string shown(std::string_view name) {
  const bool plain = !name.empty() && name.size() <= 64 &&
                     name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                         std::string_view::npos;
  return plain ? "'" + std::string(name) + "'" : std::string("(not shown)");
}

[[noreturn]] void refuse(const std::string& message, const std::string& where) {
  throw Error(ErrorCode::invalid_argument, message, where);
}

}  // namespace

void check_interface(const KernelSpec& spec, const NameOrigins& origins) {
  if (auto problem = identifier_problem(spec.kernel)) {
    refuse("kernel name " + shown(spec.kernel) + " is not a safe identifier: it " + *problem, origins.kernel);
  }
  // Folded names seen so far, with what carries them ("kernel" or "stream 'x'").
  std::map<std::string, std::string> seen{{folded_case(spec.kernel), "the kernel " + shown(spec.kernel)}};
  std::size_t dma_bytes = 0;  // the streams' buffers so far, as the accelerator allocates them
  for (std::size_t i = 0; i < spec.streams.size(); ++i) {
    const StreamSpec& s = spec.streams[i];
    const std::string where = origins.stream(i);
    if (auto problem = identifier_problem(s.name)) {
      refuse("stream name " + shown(s.name) + " is not a safe identifier: it " + *problem, where);
    }
    const auto [found, inserted] = seen.emplace(folded_case(s.name), "stream " + shown(s.name));
    if (!inserted) {
      refuse("stream name " + shown(s.name) + " clashes with " + found->second +
                 " (names are compared ignoring case: VHDL, Vivado and some file systems do not tell them apart)",
             where);
    }
    if (s.bytes() > dma_max_transfer_bytes) {
      refuse("stream " + shown(s.name) + ": a frame of " + std::to_string(s.bytes()) + " bytes exceeds the DMA length register (" +
                 std::to_string(dma_length_width) + " bits, at most " + std::to_string(dma_max_transfer_bytes) +
                 " bytes per transfer)",
             where);
    }
    dma_bytes += dma_buffer_footprint(static_cast<std::size_t>(s.bytes()));
    if (dma_bytes > dma_memory_bytes) {
      refuse("stream " + shown(s.name) + ": a frame of " + std::to_string(s.bytes()) + " bytes brings the streams' buffers to " +
                 std::to_string(dma_bytes) + " bytes, above the " + std::to_string(dma_memory_bytes) +
                 " bytes (" + std::to_string(dma_memory_bytes >> 20) + " MiB) of contiguous DMA memory the accelerator allocates them from",
             where);
    }
  }
}

void check_interface(const KernelSpec& spec) {
  check_interface(spec, {"kernel", [&spec](std::size_t i) { return "stream '" + spec.streams[i].name + "'"; }});
}

}  // namespace zynqnn::spec
