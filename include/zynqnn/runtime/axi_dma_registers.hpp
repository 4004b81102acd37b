#pragma once
// AXI DMA v7.1 (PG021) registers in direct-register (simple) mode. Names follow the Linux
// driver drivers/dma/xilinx/xilinx_dma.c; offsets are bytes from the DMA's AXI-Lite base.
#include <cstdint>

namespace zynqnn::axi_dma {

// Each channel has the same register layout at its own offset.
inline constexpr std::uint32_t mm2s_channel_offset = 0x00;
inline constexpr std::uint32_t s2mm_channel_offset = 0x30;  // XILINX_DMA_S2MM_CTRL_OFFSET

// Offsets within a channel.
namespace reg {
inline constexpr std::uint32_t dmacr = 0x00;          // XILINX_DMA_REG_DMACR
inline constexpr std::uint32_t dmasr = 0x04;          // XILINX_DMA_REG_DMASR
inline constexpr std::uint32_t address = 0x18;        // XILINX_DMA_REG_SRCDSTADDR: MM2S SA / S2MM DA
inline constexpr std::uint32_t address_msb = 0x1C;    // SA_MSB / DA_MSB (address width > 32)
inline constexpr std::uint32_t length = 0x28;         // XILINX_DMA_REG_BTT: writing it starts the transfer
}  // namespace reg

// Absolute offsets, for readers of register dumps.
inline constexpr std::uint32_t mm2s_dmacr = mm2s_channel_offset + reg::dmacr;
inline constexpr std::uint32_t mm2s_dmasr = mm2s_channel_offset + reg::dmasr;
inline constexpr std::uint32_t mm2s_sa = mm2s_channel_offset + reg::address;
inline constexpr std::uint32_t mm2s_sa_msb = mm2s_channel_offset + reg::address_msb;
inline constexpr std::uint32_t mm2s_length = mm2s_channel_offset + reg::length;
inline constexpr std::uint32_t s2mm_dmacr = s2mm_channel_offset + reg::dmacr;
inline constexpr std::uint32_t s2mm_dmasr = s2mm_channel_offset + reg::dmasr;
inline constexpr std::uint32_t s2mm_da = s2mm_channel_offset + reg::address;
inline constexpr std::uint32_t s2mm_da_msb = s2mm_channel_offset + reg::address_msb;
inline constexpr std::uint32_t s2mm_length = s2mm_channel_offset + reg::length;
// Bytes the driver must be able to reach (up to and including S2MM_LENGTH).
inline constexpr std::uint32_t register_span = s2mm_length + 4;

// DMACR: control.
namespace dmacr {
inline constexpr std::uint32_t run_stop = 1u << 0;          // XILINX_DMA_DMACR_RUNSTOP
inline constexpr std::uint32_t reset = 1u << 2;             // XILINX_DMA_DMACR_RESET (whole engine)
inline constexpr std::uint32_t keyhole = 1u << 3;
inline constexpr std::uint32_t cyclic = 1u << 4;            // scatter-gather only
inline constexpr std::uint32_t ioc_irq_enable = 1u << 12;   // XILINX_DMA_DMAXR_FRM_CNT_IRQ
inline constexpr std::uint32_t delay_irq_enable = 1u << 13; // XILINX_DMA_DMAXR_DLY_CNT_IRQ
inline constexpr std::uint32_t error_irq_enable = 1u << 14; // XILINX_DMA_DMAXR_ERR_IRQ
inline constexpr std::uint32_t all_irq_enable = ioc_irq_enable | delay_irq_enable | error_irq_enable;
inline constexpr unsigned irq_threshold_shift = 16;         // bits 23:16, reset value 1
inline constexpr std::uint32_t irq_threshold_mask = 0xFFu << irq_threshold_shift;
inline constexpr unsigned irq_delay_shift = 24;             // bits 31:24
inline constexpr std::uint32_t irq_delay_mask = 0xFFu << irq_delay_shift;
}  // namespace dmacr

// DMASR: status. The IRQ bits are write-1-to-clear.
namespace dmasr {
inline constexpr std::uint32_t halted = 1u << 0;            // XILINX_DMA_DMASR_HALTED: 1 after reset
inline constexpr std::uint32_t idle = 1u << 1;              // XILINX_DMA_DMASR_IDLE: 0 while halted!
inline constexpr std::uint32_t sg_included = 1u << 3;       // XILINX_DMA_DMASR_SG_MASK
inline constexpr std::uint32_t dma_internal_error = 1u << 4;  // XILINX_DMA_DMASR_DMA_INT_ERR
inline constexpr std::uint32_t dma_slave_error = 1u << 5;     // XILINX_DMA_DMASR_DMA_SLAVE_ERR
inline constexpr std::uint32_t dma_decode_error = 1u << 6;    // XILINX_DMA_DMASR_DMA_DEC_ERR
inline constexpr std::uint32_t sg_internal_error = 1u << 8;
inline constexpr std::uint32_t sg_slave_error = 1u << 9;
inline constexpr std::uint32_t sg_decode_error = 1u << 10;
inline constexpr std::uint32_t ioc_irq = 1u << 12;          // XILINX_DMA_DMASR_FRM_CNT_IRQ
inline constexpr std::uint32_t delay_irq = 1u << 13;        // XILINX_DMA_DMASR_DLY_CNT_IRQ
inline constexpr std::uint32_t error_irq = 1u << 14;        // XILINX_DMA_DMASR_ERR_IRQ
inline constexpr std::uint32_t all_irq = ioc_irq | delay_irq | error_irq;
inline constexpr std::uint32_t all_errors = dma_internal_error | dma_slave_error | dma_decode_error |
                                            sg_internal_error | sg_slave_error | sg_decode_error;
}  // namespace dmasr

}  // namespace zynqnn::axi_dma
