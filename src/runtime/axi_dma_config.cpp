// Configuration checks and the names of channels, outcomes, strategies and DMASR bits.
#include <fmt/format.h>

#include <bit>

#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/axi_dma.hpp"
#include "zynqnn/runtime/axi_dma_registers.hpp"

namespace zynqnn {
namespace {

[[noreturn]] void reject(const AxiDmaConfig& config, std::string_view field, std::string message) {
  throw Error(ErrorCode::invalid_argument, std::move(message),
              fmt::format("AXI DMA '{}' configuration, {}", config.name, field));
}

void check_stream_bits(const AxiDmaConfig& config, std::string_view field, unsigned bits) {
  // PG021: stream widths 8..1024 bits, powers of two.
  if (bits < 8 || bits > 1024 || !std::has_single_bit(bits)) {
    reject(config, field, fmt::format("stream width {} bits is not one of 8, 16, 32, ..., 1024", bits));
  }
}

void check_memory_bits(const AxiDmaConfig& config, std::string_view field, unsigned bits) {
  // PG021: memory-map data widths 32..1024 bits, powers of two.
  if (bits < 32 || bits > 1024 || !std::has_single_bit(bits)) {
    reject(config, field, fmt::format("memory-map width {} bits is not one of 32, 64, ..., 1024", bits));
  }
}

struct BitName {
  std::uint32_t bit;
  std::string_view name;
};

// PG021's names for the DMASR bits.
constexpr BitName status_bits[] = {
    {axi_dma::dmasr::halted, "Halted"},
    {axi_dma::dmasr::idle, "Idle"},
    {axi_dma::dmasr::sg_included, "SGIncld"},
    {axi_dma::dmasr::dma_internal_error, "DMAIntErr"},
    {axi_dma::dmasr::dma_slave_error, "DMASlvErr"},
    {axi_dma::dmasr::dma_decode_error, "DMADecErr"},
    {axi_dma::dmasr::sg_internal_error, "SGIntErr"},
    {axi_dma::dmasr::sg_slave_error, "SGSlvErr"},
    {axi_dma::dmasr::sg_decode_error, "SGDecErr"},
    {axi_dma::dmasr::ioc_irq, "IOC_Irq"},
    {axi_dma::dmasr::delay_irq, "Dly_Irq"},
    {axi_dma::dmasr::error_irq, "Err_Irq"},
};

std::string describe(std::uint32_t dmasr, std::uint32_t mask) {
  std::string text;
  for (const auto& entry : status_bits) {
    if ((dmasr & mask & entry.bit) == 0) continue;
    if (!text.empty()) text += ' ';
    text += entry.name;
  }
  return text;
}

}  // namespace

void validate(const AxiDmaConfig& config) {
  if (config.name.empty()) reject(config, "name", "the DMA needs a name for its messages");
  if (!config.has_mm2s && !config.has_s2mm) {
    reject(config, "has_mm2s/has_s2mm", "neither an MM2S nor an S2MM channel: nothing to drive");
  }
  if (config.scatter_gather) {
    reject(config, "C_INCLUDE_SG", "scatter-gather is enabled; this driver needs direct-register mode (C_INCLUDE_SG=0)");
  }
  if (config.has_mm2s) check_stream_bits(config, "mm2s_stream_bits", config.mm2s_stream_bits);
  if (config.has_s2mm) check_stream_bits(config, "s2mm_stream_bits", config.s2mm_stream_bits);
  if (config.has_mm2s) check_memory_bits(config, "mm2s_memory_bits", config.mm2s_memory_bits);
  if (config.has_s2mm) check_memory_bits(config, "s2mm_memory_bits", config.s2mm_memory_bits);
  if (config.length_width < 8 || config.length_width > 26) {
    reject(config, "length_width (C_SG_LENGTH_WIDTH)",
           fmt::format("length width {} bits is outside 8..26", config.length_width));
  }
  if (config.address_width < 32 || config.address_width > 64) {
    reject(config, "address_width", fmt::format("address width {} bits is outside 32..64", config.address_width));
  }
  if (config.register_bytes < axi_dma::register_span) {
    reject(config, "register_bytes",
           fmt::format("a register window of {:#x} bytes does not reach S2MM_LENGTH (needs {:#x})",
                       config.register_bytes, axi_dma::register_span));
  }
  if (config.base % 4 != 0) reject(config, "base", fmt::format("base {:#x} is not 4-byte aligned", config.base));
}

std::string_view to_string(DmaChannel channel) noexcept {
  return channel == DmaChannel::mm2s ? "MM2S" : "S2MM";
}

std::string_view to_string(WaitStrategy strategy) noexcept {
  switch (strategy) {
    case WaitStrategy::busy_poll: return "busy_poll";
    case WaitStrategy::poll_with_backoff: return "poll_with_backoff";
    case WaitStrategy::interrupt: return "interrupt";
  }
  return "unknown";
}

std::string_view to_string(DmaOutcome outcome) noexcept {
  switch (outcome) {
    case DmaOutcome::done: return "done";
    case DmaOutcome::timed_out: return "timeout";
    case DmaOutcome::error: return "error";
  }
  return "unknown";
}

std::string describe_dma_errors(std::uint32_t dmasr) { return describe(dmasr, axi_dma::dmasr::all_errors); }

std::string describe_dma_status(std::uint32_t dmasr) { return describe(dmasr, ~0u); }

}  // namespace zynqnn
