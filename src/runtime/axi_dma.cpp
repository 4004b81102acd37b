// AXI DMA driver: set-up, reset, buffers and starting transfers. Waiting is in
// axi_dma_wait.cpp. Every refusal happens before the first register write of a call.
#include "zynqnn/runtime/axi_dma.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "zynqnn/runtime/axi_dma_registers.hpp"

namespace zynqnn {
namespace {

constexpr Nanoseconds first_reset_poll{1'000};
constexpr Nanoseconds max_reset_poll{100'000};

std::string_view address_register_name(DmaChannel id) { return id == DmaChannel::mm2s ? "MM2S_SA" : "S2MM_DA"; }
std::string_view length_register_name(DmaChannel id) { return id == DmaChannel::mm2s ? "MM2S_LENGTH" : "S2MM_LENGTH"; }
std::string_view control_register_name(DmaChannel id) { return id == DmaChannel::mm2s ? "MM2S_DMACR" : "S2MM_DMACR"; }
std::string_view status_register_name(DmaChannel id) { return id == DmaChannel::mm2s ? "MM2S_DMASR" : "S2MM_DMASR"; }

// Polls `done()` until it holds or `timeout` passes on `clock`, sleeping (through the clock,
// so modeled time advances) between looks with a doubling interval.
template <typename Predicate>
bool poll_until(Clock& clock, Nanoseconds timeout, Predicate done) {
  const Nanoseconds deadline = clock.now() + timeout;
  Nanoseconds pause = first_reset_poll;
  for (;;) {
    if (done()) return true;
    const Nanoseconds now = clock.now();
    if (now >= deadline) return done();
    clock.sleep_for(std::min(pause, deadline - now));
    pause = std::min(pause * 2, max_reset_poll);
  }
}

}  // namespace

AxiDma::AxiDma(Board& board, AxiDmaConfig config, AxiDmaOptions options)
    : board_(board), config_(std::move(config)), options_(options), clock_(board.clock()) {
  validate(config_);
  if (options_.reset_timeout.count() <= 0 || options_.first_backoff.count() <= 0 ||
      options_.max_backoff < options_.first_backoff) {
    throw Error(ErrorCode::invalid_argument,
                "reset_timeout and first_backoff must be positive and max_backoff >= first_backoff",
                fmt::format("AXI DMA '{}' options", config_.name));
  }
  max_length_ = static_cast<std::uint32_t>((std::uint64_t{1} << config_.length_width) - 1);
  channels_[0].id = DmaChannel::mm2s;
  channels_[0].offset = axi_dma::mm2s_channel_offset;
  channels_[0].present = config_.has_mm2s;
  // No data realignment engine: PG021 wants the memory-map width (as PYNQ and XAxiDma check);
  // a transfer is also whole stream beats, so the wider of the two.
  channels_[0].alignment =
      config_.mm2s_realignment ? 1 : std::max(config_.mm2s_stream_bits, config_.mm2s_memory_bits) / 8;
  channels_[1].id = DmaChannel::s2mm;
  channels_[1].offset = axi_dma::s2mm_channel_offset;
  channels_[1].present = config_.has_s2mm;
  channels_[1].alignment =
      config_.s2mm_realignment ? 1 : std::max(config_.s2mm_stream_bits, config_.s2mm_memory_bits) / 8;
}

AxiDma::~AxiDma() = default;

bool AxiDma::ready() const noexcept {
  return initialised_ && board_.pl_up() && board_.generation() == generation_;
}

void AxiDma::refuse(ErrorCode code, const Channel* channel, std::string_view register_name,
                    std::string message) const {
  ++stats_.refusals;
  std::string where = channel == nullptr ? fmt::format("AXI DMA '{}'", config_.name)
                                         : fmt::format("AXI DMA '{}' {}", config_.name, to_string(channel->id));
  if (!register_name.empty()) where += fmt::format(" {}", register_name);
  throw Error(code, std::move(message), std::move(where));
}

// ---- set-up -------------------------------------------------------------------------------

void AxiDma::soft_reset() {
  // Reset in either channel resets the whole engine; use the first one that exists.
  Channel& channel = config_.has_mm2s ? channels_[0] : channels_[1];
  ++stats_.resets;
  write(channel, axi_dma::reg::dmacr, axi_dma::dmacr::reset);
  std::uint32_t control = 0;
  const bool completed = poll_until(clock_, options_.reset_timeout, [&] {
    control = read(channel, axi_dma::reg::dmacr);
    return (control & axi_dma::dmacr::reset) == 0;
  });
  for (Channel& each : channels_) {
    each.in_flight = false;
    each.buffer = nullptr;
    each.failed = false;
  }
  if (!completed) {
    initialised_ = false;
    throw Error(ErrorCode::timeout,
                fmt::format("soft reset did not complete: the Reset bit still reads 1 after {} us "
                            "({} = {:#010x}); the engine may be stuck on an AXI transaction",
                            options_.reset_timeout.count() / 1000, control_register_name(channel.id), control),
                fmt::format("AXI DMA '{}' {}", config_.name, control_register_name(channel.id)));
  }
}

void AxiDma::run_channel(Channel& channel) {
  // Clear stale interrupt bits (write 1 to clear), then RS=1 with the reset IRQ threshold of 1
  // and, for the interrupt strategy, the completion and error interrupts enabled.
  write(channel, axi_dma::reg::dmasr, axi_dma::dmasr::all_irq);
  std::uint32_t control = axi_dma::dmacr::run_stop | (1u << axi_dma::dmacr::irq_threshold_shift);
  if (options_.wait_strategy == WaitStrategy::interrupt) {
    control |= axi_dma::dmacr::ioc_irq_enable | axi_dma::dmacr::error_irq_enable;
  }
  write(channel, axi_dma::reg::dmacr, control);
  std::uint32_t status = 0;
  const bool running = poll_until(clock_, options_.reset_timeout, [&] {
    status = read(channel, axi_dma::reg::dmasr);
    return (status & axi_dma::dmasr::halted) == 0;
  });
  if (!running) {
    throw Error(ErrorCode::timeout,
                fmt::format("the channel did not leave Halted after RS=1 within {} us ({} = {:#010x}: {})",
                            options_.reset_timeout.count() / 1000, status_register_name(channel.id), status,
                            describe_dma_status(status)),
                fmt::format("AXI DMA '{}' {}", config_.name, status_register_name(channel.id)));
  }
}

void AxiDma::init() {
  initialised_ = false;
  generation_ = board_.generation();
  // A reconfiguration may replace the device behind the old mapping: map afresh every time.
  registers_.reset();
  registers_ = board_.map_registers(config_.base, config_.register_bytes);
  if (!registers_ || registers_->size_bytes() < axi_dma::register_span) {
    throw Error(ErrorCode::io,
                fmt::format("the board '{}' could not map {:#x} register bytes at {:#x}", board_.name(),
                            config_.register_bytes, config_.base),
                fmt::format("AXI DMA '{}'", config_.name));
  }
  for (Channel& channel : channels_) channel.line.reset();
  soft_reset();
  refuse_scatter_gather();
  if (options_.wait_strategy == WaitStrategy::interrupt) {
    for (Channel& channel : channels_) {
      if (!channel.present) continue;
      const unsigned line = channel.id == DmaChannel::mm2s ? 0u : 1u;
      channel.line = board_.open_interrupt(config_.base, line);
      if (!channel.line) {
        throw Error(ErrorCode::not_found,
                    fmt::format("the board '{}' has no interrupt line {} ({}) for this DMA; use a polling "
                                "wait strategy or wire the interrupt",
                                board_.name(), line, line == 0 ? "mm2s_introut" : "s2mm_introut"),
                    fmt::format("AXI DMA '{}' {}", config_.name, to_string(channel.id)));
      }
    }
  }
  for (Channel& channel : channels_) {
    if (channel.present) run_channel(channel);
  }
  for (Channel& channel : channels_) {
    if (channel.line) channel.line->enable();
  }
  initialised_ = true;
}

void AxiDma::refuse_scatter_gather() {
  for (const Channel& channel : channels_) {
    if (!channel.present) continue;
    const std::uint32_t status = read(channel, axi_dma::reg::dmasr);
    if ((status & axi_dma::dmasr::sg_included) != 0) {
      refuse(ErrorCode::unsupported, &channel, status_register_name(channel.id),
             fmt::format("the engine was built with scatter-gather ({} = {:#010x}: {}); this driver needs "
                         "direct-register mode (C_INCLUDE_SG = 0)",
                         status_register_name(channel.id), status, describe_dma_status(status)));
    }
  }
}

void AxiDma::abort() {
  if (registers_ && !board_.pl_up()) {
    refuse(ErrorCode::bad_state, nullptr, {},
           fmt::format("the PL is down ({}): no register is touched; init() once a load succeeds",
                       to_string(board_.pl_condition())));
  }
  if (registers_ && board_.generation() != generation_) {
    refuse(ErrorCode::bad_state, nullptr, {},
           "the board was reconfigured since init(): re-init after reconfiguration (the old "
           "registers are not touched)");
  }
  initialised_ = false;
  if (!registers_) return;  // never initialised: nothing runs
  soft_reset();
}

// ---- buffers -------------------------------------------------------------------------------

void AxiDma::register_buffer(DmaBuffer& buffer) {
  const std::uint64_t begin = buffer.physical_address();
  const std::uint64_t size = buffer.size();
  if (size == 0) refuse(ErrorCode::invalid_argument, nullptr, {}, "cannot register an empty buffer");
  if (begin > std::numeric_limits<std::uint64_t>::max() - size) {
    refuse(ErrorCode::invalid_argument, nullptr, {},
           fmt::format("buffer at {:#x} of {} bytes wraps around the address space", begin, size));
  }
  for (const RegisteredBuffer& entry : buffers_) {
    if (entry.buffer == &buffer) {
      refuse(ErrorCode::invalid_argument, nullptr, {},
             fmt::format("buffer at {:#x} ({} bytes) is already registered", begin, size));
    }
    if (begin < entry.physical_address + entry.size && entry.physical_address < begin + size) {
      refuse(ErrorCode::invalid_argument, nullptr, {},
             fmt::format("buffer [{:#x}, {:#x}) overlaps registered buffer [{:#x}, {:#x})", begin, begin + size,
                         entry.physical_address, entry.physical_address + entry.size));
    }
  }
  buffers_.push_back(RegisteredBuffer{begin, buffer.size(), &buffer});
}

void AxiDma::unregister_buffer(const DmaBuffer& buffer) {
  const auto found = std::find_if(buffers_.begin(), buffers_.end(),
                                  [&](const RegisteredBuffer& entry) { return entry.buffer == &buffer; });
  if (found == buffers_.end()) {
    refuse(ErrorCode::not_found, nullptr, {},
           fmt::format("buffer at {:#x} is not registered", buffer.physical_address()));
  }
  for (const Channel& channel : channels_) {
    if (channel.in_flight && channel.buffer == &buffer) {
      refuse(ErrorCode::bad_state, &channel, {},
             "cannot unregister a buffer a transfer is using; wait for it or abort() first");
    }
  }
  buffers_.erase(found);
}

const AxiDma::RegisteredBuffer* AxiDma::find_registered(const DmaBuffer& buffer) const noexcept {
  for (const RegisteredBuffer& entry : buffers_) {
    if (entry.buffer == &buffer) return &entry;
  }
  return nullptr;
}

const AxiDma::RegisteredBuffer* AxiDma::find_containing(std::uint64_t address, std::size_t length) const noexcept {
  for (const RegisteredBuffer& entry : buffers_) {
    if (address >= entry.physical_address && address - entry.physical_address <= entry.size &&
        length <= entry.size - (address - entry.physical_address)) {
      return &entry;
    }
  }
  return nullptr;
}

// ---- transfers -----------------------------------------------------------------------------

void AxiDma::check_usable(const Channel& channel) const {
  if (!initialised_) {
    refuse(ErrorCode::bad_state, &channel, {},
           registers_ ? "the driver was aborted or its last init() failed: call init() before the next transfer"
                      : "the driver is not initialised: call init() first");
  }
  if (!board_.pl_up()) {
    refuse(ErrorCode::bad_state, &channel, {},
           fmt::format("the PL is down ({}): no register is touched; init() once a load succeeds",
                       to_string(board_.pl_condition())));
  }
  if (board_.generation() != generation_) {
    refuse(ErrorCode::bad_state, &channel, {},
           fmt::format("the board was reconfigured since init() (generation {} -> {}): re-init after "
                       "reconfiguration (the old registers are not touched)",
                       generation_, board_.generation()));
  }
  if (!channel.present) {
    refuse(ErrorCode::unsupported, &channel, {}, "this DMA has no such channel (C_INCLUDE_* = 0)");
  }
}

void AxiDma::start(Channel& channel, const RegisteredBuffer& entry, std::size_t offset, std::size_t length) {
  if (channel.in_flight) {
    refuse(ErrorCode::bad_state, &channel, {},
           fmt::format("a transfer of {} bytes is already in flight (double start): wait() for it or abort()",
                       channel.requested));
  }
  if (length == 0 || length > max_length_) {
    refuse(ErrorCode::invalid_argument, &channel, length_register_name(channel.id),
           fmt::format("length {} bytes is outside 1..{} (C_SG_LENGTH_WIDTH = {})", length, max_length_,
                       config_.length_width));
  }
  if (channel.failed) {
    refuse(ErrorCode::bad_state, &channel, status_register_name(channel.id),
           fmt::format("the channel's last transfer ended in error ({} = {:#010x}: {}); abort() and init() "
                       "to restart it",
                       status_register_name(channel.id), channel.failed_status,
                       describe_dma_status(channel.failed_status)));
  }
  const std::uint64_t address = entry.physical_address + offset;
  if ((address & (channel.alignment - 1)) != 0) {
    refuse(ErrorCode::invalid_argument, &channel, address_register_name(channel.id),
           fmt::format("address {:#x} is not aligned to {} bytes, the wider of the stream and memory-map "
                       "widths (no data realignment engine)",
                       address, channel.alignment));
  }
  const std::uint64_t last = address + length - 1;  // cannot wrap: the range lies in a registered buffer
  if (config_.address_width < 64 && (last >> config_.address_width) != 0) {
    refuse(ErrorCode::out_of_range, &channel, address_register_name(channel.id),
           fmt::format("range [{:#x}, {:#x}] is beyond the DMA's {}-bit address space", address, last,
                       config_.address_width));
  }
  const std::uint32_t status = read(channel, axi_dma::reg::dmasr);
  if ((status & axi_dma::dmasr::halted) != 0) {
    refuse(ErrorCode::bad_state, &channel, status_register_name(channel.id),
           fmt::format("the channel is halted ({} = {:#010x}: {}); abort() and init() to restart it",
                       status_register_name(channel.id), status, describe_dma_status(status)));
  }

  // Caches: the device reads what the CPU wrote (MM2S); for S2MM no dirty line may later be
  // written back over what the device wrote.
  entry.buffer->sync_for_device(offset, length);
  write(channel, axi_dma::reg::address, static_cast<std::uint32_t>(address));
  if (config_.address_width > 32) write(channel, axi_dma::reg::address_msb, static_cast<std::uint32_t>(address >> 32));
  channel.in_flight = true;
  channel.requested = static_cast<std::uint32_t>(length);
  channel.buffer = entry.buffer;
  channel.buffer_offset = offset;
  ++stats_.transfers_started;
  write(channel, axi_dma::reg::length, static_cast<std::uint32_t>(length));  // last: starts the transfer
}

void AxiDma::start_in_buffer(Channel& channel, DmaBuffer& buffer, std::size_t offset, std::size_t length) {
  check_usable(channel);
  const RegisteredBuffer* entry = find_registered(buffer);
  if (entry == nullptr) {
    refuse(ErrorCode::out_of_range, &channel, address_register_name(channel.id),
           fmt::format("buffer at {:#x} is not registered with this DMA", buffer.physical_address()));
  }
  if (offset > entry->size || length > entry->size - offset) {  // cannot overflow
    refuse(ErrorCode::out_of_range, &channel, address_register_name(channel.id),
           fmt::format("bytes [{}, {}+{}) are outside the {}-byte buffer at {:#x}", offset, offset, length,
                       entry->size, entry->physical_address));
  }
  start(channel, *entry, offset, length);
}

void AxiDma::start_at(Channel& channel, std::uint64_t address, std::size_t length) {
  check_usable(channel);
  if (length > std::numeric_limits<std::uint64_t>::max() - address) {
    refuse(ErrorCode::invalid_argument, &channel, address_register_name(channel.id),
           fmt::format("address {:#x} + length {} overflows", address, length));
  }
  const RegisteredBuffer* entry = find_containing(address, length);
  if (entry == nullptr) {
    refuse(ErrorCode::out_of_range, &channel, address_register_name(channel.id),
           fmt::format("[{:#x}, {:#x}) is not inside a buffer registered with this DMA", address,
                       address + length));
  }
  start(channel, *entry, static_cast<std::size_t>(address - entry->physical_address), length);
}

void AxiDma::start_receive(DmaBuffer& buffer, std::size_t offset, std::size_t length) {
  start_in_buffer(channels_[1], buffer, offset, length);
}
void AxiDma::start_send(DmaBuffer& buffer, std::size_t offset, std::size_t length) {
  start_in_buffer(channels_[0], buffer, offset, length);
}
void AxiDma::start_receive_at(std::uint64_t physical_address, std::size_t length) {
  start_at(channels_[1], physical_address, length);
}
void AxiDma::start_send_at(std::uint64_t physical_address, std::size_t length) {
  start_at(channels_[0], physical_address, length);
}

bool AxiDma::in_flight(DmaChannel id) const noexcept { return channel_for(id).in_flight; }

std::uint32_t AxiDma::read_status(DmaChannel id) const {
  const Channel& channel = channel_for(id);
  check_usable(channel);
  return read(channel, axi_dma::reg::dmasr);
}

}  // namespace zynqnn
