#include "zynqnn/runtime/null_board.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <limits>
#include <new>

#include "zynqnn/core/error.hpp"
#include "zynqnn/runtime/axi_dma_registers.hpp"

namespace zynqnn {
namespace {

class HostDmaBuffer final : public DmaBuffer {
 public:
  HostDmaBuffer(std::byte* data, std::size_t size, std::uint64_t physical_address, std::align_val_t alignment)
      : DmaBuffer(data, size, physical_address), alignment_(alignment) {}
  ~HostDmaBuffer() override { ::operator delete(data(), alignment_); }
  void sync_for_device(std::size_t, std::size_t) override {}
  void sync_for_cpu(std::size_t, std::size_t) override {}

 private:
  std::align_val_t alignment_;
};

class ImmediateInterruptLine final : public InterruptLine {
 public:
  void enable() override {}
  bool wait_until(Nanoseconds) override { return true; }
};

}  // namespace

HostDmaMemory::HostDmaMemory(std::uint64_t first_physical_address)
    : next_physical_address_(first_physical_address) {}

std::unique_ptr<DmaBuffer> HostDmaMemory::allocate(std::size_t bytes, std::size_t alignment) {
  if (bytes == 0 || alignment == 0 || (alignment & (alignment - 1)) != 0) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("cannot allocate {} bytes aligned to {} (size > 0, alignment a power of two)", bytes,
                            alignment),
                "HostDmaMemory");
  }
  std::lock_guard lock(mutex_);
  const std::uint64_t physical = (next_physical_address_ + alignment - 1) & ~std::uint64_t{alignment - 1};
  if (physical + bytes > std::numeric_limits<std::uint32_t>::max()) {
    throw Error(ErrorCode::out_of_range, fmt::format("no room for {} more bytes below 4 GiB", bytes), "HostDmaMemory");
  }
  auto* data = static_cast<std::byte*>(::operator new(bytes, std::align_val_t{alignment}));
  next_physical_address_ = physical + bytes;
  return std::make_unique<HostDmaBuffer>(data, bytes, physical, std::align_val_t{alignment});
}

InstantAxiDmaRegisters::InstantAxiDmaRegisters(std::size_t size_bytes) : RegisterSpace(size_bytes) {
  reset_engine();
}

void InstantAxiDmaRegisters::reset_engine() {
  for (auto& word : registers_) word = 0;
  for (std::uint32_t channel : {axi_dma::mm2s_channel_offset, axi_dma::s2mm_channel_offset}) {
    registers_[(channel + axi_dma::reg::dmacr) / 4] = 1u << axi_dma::dmacr::irq_threshold_shift;
    registers_[(channel + axi_dma::reg::dmasr) / 4] = axi_dma::dmasr::halted;
  }
}

std::uint32_t InstantAxiDmaRegisters::do_read32(std::uint32_t offset) const {
  return offset / 4 < words ? registers_[offset / 4] : 0;
}

void InstantAxiDmaRegisters::do_write32(std::uint32_t offset, std::uint32_t value) {
  if (offset / 4 >= words) return;
  const std::uint32_t channel = offset < axi_dma::s2mm_channel_offset ? axi_dma::mm2s_channel_offset
                                                                      : axi_dma::s2mm_channel_offset;
  std::uint32_t& status = registers_[(channel + axi_dma::reg::dmasr) / 4];
  switch (offset - channel) {
    case axi_dma::reg::dmacr:
      if ((value & axi_dma::dmacr::reset) != 0) {
        reset_engine();
        return;
      }
      registers_[offset / 4] = value;
      if ((value & axi_dma::dmacr::run_stop) != 0) {
        status &= ~axi_dma::dmasr::halted;
      } else {
        status = (status | axi_dma::dmasr::halted) & ~axi_dma::dmasr::idle;
      }
      return;
    case axi_dma::reg::dmasr:
      status &= ~(value & axi_dma::dmasr::all_irq);
      return;
    case axi_dma::reg::length:
      registers_[offset / 4] = value;
      if (value != 0 && (status & axi_dma::dmasr::halted) == 0) status |= axi_dma::dmasr::idle | axi_dma::dmasr::ioc_irq;
      return;
    default:
      registers_[offset / 4] = value;
  }
}

NullBoard::NullBoard(Clock& clock) : clock_(clock) {}

std::unique_ptr<RegisterSpace> NullBoard::map_device_registers(std::uint64_t, std::size_t size) {
  return std::make_unique<InstantAxiDmaRegisters>(size);
}

std::unique_ptr<InterruptLine> NullBoard::open_interrupt(std::uint64_t, unsigned) {
  return std::make_unique<ImmediateInterruptLine>();
}

}  // namespace zynqnn
