#include "axi_dma_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "simulation_thread.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {

using namespace dma_reg;

DmaDevice::DmaDevice(const DmaConfig& config, unsigned index, std::shared_ptr<SimulationTime> clock,
                     std::shared_ptr<SimulatedDdr> ddr, FaultState& faults, BoardCounters& counters,
                     AxisPort* mm2s_port, AxisPort* s2mm_port, const DmaTiming& timing)
    : config_(config),
      clock_(std::move(clock)),
      ddr_(std::move(ddr)),
      faults_(faults),
      counters_(counters),
      timing_(timing),
      length_mask_(config.length_width >= 32 ? 0xFFFFFFFFu : (1u << config.length_width) - 1u) {
  channels_[mm2s].id = mm2s;
  channels_[mm2s].present = config.has_mm2s;
  channels_[mm2s].stream_bits = config.mm2s_stream_bits;
  channels_[mm2s].port = mm2s_port;
  channels_[s2mm].id = s2mm;
  channels_[s2mm].present = config.has_s2mm;
  channels_[s2mm].stream_bits = config.s2mm_stream_bits;
  channels_[s2mm].port = s2mm_port;
  try {
    for (Channel& ch : channels_) {
      // Each channel draws its jitter from its own seeded generator: deterministic per channel
      // whatever the interleaving of threads.
      ch.rng.seed(timing.seed * 0x9E3779B97F4A7C15ull + index * 2 + ch.id + 1);
      if (!ch.present) continue;
      ch.engine = start_simulation_thread(*clock_, ch.id == mm2s ? "DMA MM2S engine" : "DMA S2MM engine",
                                          [this, &ch] { engine_main(ch); });
    }
  } catch (...) {
    shut_down();  // the engine already started (no destructor runs for a half-built object)
    throw;
  }
}

DmaDevice::~DmaDevice() { shut_down(); }

bool DmaDevice::has_channel(unsigned channel) const noexcept { return channel < 2 && channels_[channel].present; }

bool DmaDevice::interrupt_asserted(unsigned channel) const noexcept {
  return channel < 2 && channels_[channel].irq.load(std::memory_order_acquire);
}

DmaDevice::Channel& DmaDevice::channel_at(std::uint32_t offset) { return channels_[offset < kChannelStride ? mm2s : s2mm]; }

// ------------------------------------------------------------------ registers

std::uint32_t DmaDevice::read(std::uint32_t offset) {
  // The bus transaction's time passes first, with no lock held (the engines may need to run
  // to let modeled time reach the end of the access).
  clock_->bus_access(Nanoseconds{cycles_to_ns(static_cast<double>(timing_.register_access_cycles))});
  std::lock_guard lock(mutex_);
  if (!shut_down_) counters_.register_reads.fetch_add(1, std::memory_order_relaxed);
  finish_soft_reset_if_due();
  set_due_halts();
  return read_register(offset);
}

std::uint32_t DmaDevice::read_register(std::uint32_t offset) {
  if (offset >= 2 * kChannelStride) return 0;  // SG and reserved registers: not in direct mode
  Channel& ch = channel_at(offset);
  if (!ch.present) return 0;
  switch (offset % kChannelStride) {
    case kMm2sDmacr: return ch.dmacr | (soft_reset_active_ ? kReset : 0u);
    case kMm2sDmasr: return ch.dmasr | (config_.sg_included ? kSgIncld : 0u);
    case kMm2sSa: return ch.address;
    case kMm2sSaMsb: return ch.address_msb;
    case kMm2sLength: return ch.length;
    default: return 0;
  }
}

void DmaDevice::write(std::uint32_t offset, std::uint32_t value) {
  clock_->bus_access(Nanoseconds{cycles_to_ns(static_cast<double>(timing_.register_access_cycles))});
  std::unique_lock lock(mutex_);
  // The counters belong to the board: a register space that outlives it counts nothing.
  if (!shut_down_) counters_.register_writes.fetch_add(1, std::memory_order_relaxed);
  finish_soft_reset_if_due();
  set_due_halts();
  // Ignored during a soft reset and while the PL is reloaded (the DMA is held in reset).
  if (offset >= 2 * kChannelStride || soft_reset_active_ || pl_resetting_ || shut_down_) return;
  Channel& ch = channel_at(offset);
  if (!ch.present) return;
  switch (offset % kChannelStride) {
    case kMm2sDmacr: write_dmacr(ch, value); break;
    case kMm2sDmasr:
      ch.dmasr &= ~(value & kIrqMask);  // IRQ bits are write-1-to-clear; the rest is read-only
      update_interrupt(ch);
      break;
    case kMm2sSa: ch.address = value; break;
    case kMm2sSaMsb: ch.address_msb = value; break;
    case kMm2sLength: write_length(ch, value); break;
    default: break;
  }
}

void DmaDevice::write_dmacr(Channel& ch, std::uint32_t value) {
  if (value & kReset) {
    start_soft_reset();
    return;
  }
  const std::uint32_t writable = kRunStop | kKeyhole | kCyclic | kIocIrqEn | kDlyIrqEn | kErrIrqEn | kIrqDelayMask;
  std::uint32_t next = (value & writable) | kReservedOne;
  // An IRQThreshold of 0 is ignored: the field keeps its value.
  next |= (value & kIrqThresholdMask) != 0 ? (value & kIrqThresholdMask) : (ch.dmacr & kIrqThresholdMask);
  const bool was_running = ch.dmacr & kRunStop;
  if ((next & kRunStop) && (ch.dmasr & kErrorMask)) next &= ~kRunStop;  // an errored channel needs a reset
  ch.dmacr = next;
  if (!was_running && (next & kRunStop)) {
    ch.dmasr &= ~kHalted;
  } else if (was_running && !(next & kRunStop)) {
    // Stop: pending transfers are flushed; Halted follows once the engine has let go.
    if (ch.busy) abandon_transfer(ch, true);
    if (!ch.busy) ch.dmasr = (ch.dmasr | kHalted) & ~kIdle;
  }
  update_interrupt(ch);
}

void DmaDevice::write_length(Channel& ch, std::uint32_t value) {
  const std::uint32_t length = value & length_mask_;
  // Halted: no effect (PG021). 0: no effect. While a transfer runs: undefined on the
  // hardware, ignored here.
  if ((ch.dmasr & kHalted) || !(ch.dmacr & kRunStop) || length == 0 || ch.busy) return;
  ch.length = length;
  ch.dmasr &= ~kIdle;
  ch.command.address = (static_cast<std::uint64_t>(ch.address_msb) << 32) | ch.address;
  ch.command.length = length;
  ch.command.start = clock_->now();
  // MM2S books its reads on the memory path now, in the order the driver starts transfers
  // (S2MM books when its packet has ended and its length is known).
  if (ch.id == mm2s && timing_.memory_path)
    ch.command.memory_done_ns = timing_.memory_path->book(false, ch.command.start.count(), length);
  ch.busy = true;
  ch.command_ready.store(true, std::memory_order_release);
  clock_->notify();
}

void DmaDevice::update_interrupt(Channel& ch) {
  const bool level = (ch.dmasr & ch.dmacr & kIrqMask) != 0;
  if (ch.irq.exchange(level, std::memory_order_acq_rel) != level) clock_->notify();
}

void DmaDevice::set_due_halts() {
  for (Channel& ch : channels_) {
    if (ch.halt_due_ns < 0 || clock_->now().count() < ch.halt_due_ns) continue;
    ch.dmasr = (ch.dmasr | kHalted) & ~kIdle;
    ch.halt_due_ns = -1;
  }
}

void DmaDevice::reset_channel_registers(Channel& ch) {
  ch.dmacr = kDmacrReset;
  ch.dmasr = kHalted;
  ch.halt_due_ns = -1;
  ch.address = ch.address_msb = ch.length = 0;
  update_interrupt(ch);
}

// Abandons the channel's transfer: a queued command is dropped; an engine inside a stream
// operation is released by closing the port (reopened when the engine has let go).
void DmaDevice::abandon_transfer(Channel& ch, bool close_port) {
  ch.epoch.fetch_add(1, std::memory_order_acq_rel);
  if (ch.command_ready.exchange(false, std::memory_order_acq_rel)) ch.busy = false;
  // The hardware's reset waits for the transactions in flight: the engine is left in its
  // stream and lets go only once the stream moves (the next beat ends the transfer).
  if (soft_reset_active_ && config_.soft_reset_waits_for_streams && ch.mid_packet.load(std::memory_order_acquire))
    close_port = false;
  if (ch.busy && ch.in_data_phase && close_port && !ch.port_closed && ch.port) {
    ch.port->close();
    ch.port_closed = true;
    counters_.ports_closed_by_dma.fetch_add(1);
  }
  clock_->notify();
}

void DmaDevice::start_soft_reset() {
  // Resets the whole engine, both channels: transfers are abandoned (beats in flight are
  // dropped), registers return to their reset values, and Reset reads 1 for a short while.
  counters_.soft_resets.fetch_add(1);
  soft_reset_active_ = true;  // before abandoning: abandon_transfer asks whether a reset runs
  soft_reset_done_at_ = clock_->now() + Nanoseconds{cycles_to_ns(static_cast<double>(kSoftResetCycles))};
  for (Channel& ch : channels_) {
    if (!ch.present) continue;
    abandon_transfer(ch, true);
    reset_channel_registers(ch);
  }
}

void DmaDevice::finish_soft_reset_if_due() {
  if (!soft_reset_active_ || clock_->now() < soft_reset_done_at_) return;
  for (const Channel& ch : channels_)
    if (ch.busy) return;  // an engine has not let go yet
  soft_reset_active_ = false;
}

// ------------------------------------------------------------------ PL reset

void DmaDevice::begin_pl_reset() {
  std::lock_guard lock(mutex_);
  pl_resetting_ = true;
  for (Channel& ch : channels_)
    if (ch.present) abandon_transfer(ch, false);  // the board closes every port itself
}

void DmaDevice::wait_engines_released() {
  std::unique_lock lock(mutex_);
  const bool released = released_.wait_for(lock, kRealTimeWaitLimit, [this] {
    return !channels_[mm2s].busy && !channels_[s2mm].busy;
  });
  if (!released)
    throw Error(ErrorCode::internal,
                fmt::format("a DMA engine did not let go of its transfer within {} s of a PL reset",
                            kRealTimeWaitLimit.count()),
                config_.name);
}

void DmaDevice::finish_pl_reset() {
  std::lock_guard lock(mutex_);
  pl_resetting_ = false;
  soft_reset_active_ = false;
  for (Channel& ch : channels_) {
    ch.port_closed = false;  // the board reopens every port
    ch.command_ready.store(false);
    ch.busy = false;
    if (ch.present) reset_channel_registers(ch);
  }
}

void DmaDevice::shut_down() {
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    pl_resetting_ = true;
    for (Channel& ch : channels_)
      if (ch.present) ch.epoch.fetch_add(1);
  }
  stop_.store(true, std::memory_order_release);
  clock_->notify();
  for (Channel& ch : channels_)
    if (ch.engine.joinable()) ch.engine.join();
}

// ------------------------------------------------------------------ engines

std::int64_t DmaDevice::cycles_to_ns(double cycles) const {
  return static_cast<std::int64_t>(std::llround(cycles * 1000.0 / timing_.pl_clock_mhz));
}

double DmaDevice::jitter_ns(Channel& ch) {
  if (timing_.jitter.count() <= 0) return 0.0;
  // Box-Muller on the channel's generator: the same sequence on every platform.
  constexpr double kTwoPi = 6.283185307179586;
  const double u1 = (static_cast<double>(ch.rng() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(ch.rng() >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2) * static_cast<double>(timing_.jitter.count());
}

void DmaDevice::engine_main(Channel& ch) {
  hls::csim::current_wait_observer = clock_->observer();
  const std::function<bool()> command_or_stop = [&] {
    return ch.command_ready.load(std::memory_order_acquire) || stop_.load(std::memory_order_acquire);
  };
  for (;;) {
    clock_->wait_until(kForever, command_or_stop, true);
    if (stop_.load(std::memory_order_acquire)) break;
    Transfer transfer;
    std::uint64_t epoch = 0;
    {
      std::lock_guard lock(mutex_);
      if (!ch.command_ready.exchange(false, std::memory_order_acq_rel)) continue;
      transfer = ch.command;
      epoch = ch.epoch.load();
      ch.in_data_phase = true;
    }
    Outcome outcome;
    try {
      outcome = ch.id == mm2s ? run_mm2s(ch, transfer, epoch) : run_s2mm(ch, transfer, epoch);
    } catch (const hls::stream_closed&) {
      outcome.aborted = true;
    }
    {
      std::lock_guard lock(mutex_);
      ch.in_data_phase = false;
      ch.mid_packet.store(false, std::memory_order_release);
    }
    if (!outcome.aborted) {
      // Idle/IOC become visible only once the data has moved and modeled time has reached
      // the transfer's completion time.
      const std::function<bool()> abandoned = [&] {
        return ch.epoch.load(std::memory_order_acquire) != epoch || stop_.load(std::memory_order_acquire);
      };
      clock_->wait_until(Nanoseconds{outcome.complete_at}, abandoned, true);
    }
    finish_transfer(ch, epoch, outcome);
  }
  clock_->thread_finished();
}

std::uint32_t DmaDevice::check_transfer(const Channel& ch, const Transfer& t) {
  if (ddr_->translate(t.address, t.length) == nullptr) return kDmaDecErr;
  // Without the data realignment engine an address must be a multiple of the stream width;
  // the model flags it instead of transferring shifted data (see docs/virtual-board.md).
  if (t.address % (ch.stream_bits / 8) != 0) return kDmaIntErr;
  if (faults_.take_bus_error(&ch == &channels_[mm2s], config_.name)) return kDmaSlvErr;
  return 0;
}

void DmaDevice::write_beat(Channel& ch, const AxisPort::Beat& beat, std::uint64_t epoch) {
  for (;;) {
    if (ch.epoch.load(std::memory_order_acquire) != epoch) throw hls::stream_closed{};
    try {
      ch.port->write(beat);
      return;
    } catch (const hls::stream_deadlock&) {
      // The C-simulation wait limit passed while the kernel did not read: keep waiting, as
      // the hardware would; a reset or reconfiguration ends the wait.
    }
  }
}

AxisPort::Beat DmaDevice::read_beat(Channel& ch, std::uint64_t epoch) {
  for (;;) {
    if (ch.epoch.load(std::memory_order_acquire) != epoch) throw hls::stream_closed{};
    try {
      return ch.port->read();
    } catch (const hls::stream_deadlock&) {
    }
  }
}

DmaDevice::Outcome DmaDevice::run_mm2s(Channel& ch, const Transfer& t, std::uint64_t epoch) {
  Outcome out;
  const std::int64_t now = clock_->now().count();
  if ((out.error = check_transfer(ch, t)) != 0) {
    out.complete_at = now + cycles_to_ns(static_cast<double>(kErrorResponseCycles));
    return out;
  }
  const std::byte* source = ddr_->translate(t.address, t.length);
  const unsigned beat_bytes = ch.stream_bits / 8;
  std::uint32_t sent = 0;
  ch.mid_packet.store(true, std::memory_order_release);  // read data in flight until the last beat is accepted
  while (sent < t.length) {
    const unsigned n = std::min<std::uint32_t>(beat_bytes, t.length - sent);
    AxisPort::Beat beat;
    std::uint8_t bytes[8] = {};
    std::memcpy(bytes, source + sent, n);
    for (unsigned b = 0; b < n; ++b) beat.data |= static_cast<std::uint64_t>(bytes[b]) << (8 * b);
    beat.keep = (n >= 32) ? 0xFFFFFFFFu : (1u << n) - 1u;
    sent += n;
    beat.last = sent == t.length;
    write_beat(ch, beat, epoch);
    ++out.beats;
    counters_.input_pushes.fetch_add(1, std::memory_order_acq_rel);
    clock_->notify();
  }
  ch.mid_packet.store(false, std::memory_order_release);
  out.bytes = sent;
  // PG021: the first beat 6 cycles after the read address, then 99.76 % of a beat per cycle;
  // and no earlier than the memory path delivers the bytes.
  const std::int64_t duration =
      cycles_to_ns(kMm2sLatencyCycles + static_cast<double>(out.beats) / kMm2sEfficiency);
  out.complete_at = std::max({t.start.count() + duration, t.memory_done_ns, clock_->now().count()});
  return out;
}

DmaDevice::Outcome DmaDevice::run_s2mm(Channel& ch, const Transfer& t, std::uint64_t epoch) {
  Outcome out;
  const std::int64_t start = clock_->now().count();
  if ((out.error = check_transfer(ch, t)) != 0) {
    out.complete_at = start + cycles_to_ns(static_cast<double>(kErrorResponseCycles));
    return out;
  }
  std::byte* destination = ddr_->translate(t.address, t.length);
  const unsigned beat_bytes = ch.stream_bits / 8;
  const std::uint64_t width_mask = beat_bytes == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * beat_bytes)) - 1;
  std::vector<Fault> packet_faults;
  std::vector<AxisPort::Beat> injected;  // extra beats a fault appends after the last one
  std::size_t next_injected = 0;
  std::int64_t first_beat_at = start;
  double stall = 1.0;
  std::uint32_t received = 0;
  for (;;) {
    AxisPort::Beat beat;
    if (next_injected < injected.size()) {
      beat = injected[next_injected++];
    } else {
      beat = read_beat(ch, epoch);
      if (out.beats == 0) {
        first_beat_at = clock_->now().count();
        packet_faults = faults_.take({FaultKind::stall, FaultKind::missing_tlast, FaultKind::extra_words,
                                      FaultKind::corrupt_output, FaultKind::early_tlast});
        for (const Fault& f : packet_faults)
          if (f.kind == FaultKind::stall) stall = std::max(stall, f.stall_factor);
      }
      for (const Fault& f : packet_faults) {
        if (f.kind == FaultKind::corrupt_output) beat.data = (beat.data ^ 0xA5A5A5A5A5A5A5A5ull) & width_mask;
        if (beat.last && f.kind == FaultKind::missing_tlast) beat.last = false;
        // TLAST at half the transfer: the packet completes short. The rest of the kernel's
        // packet stays in the stream, as on the hardware: the kernel backs up on it (a blocked
        // wait for modeled time) and the next transfer receives it, until a PL reload.
        if (f.kind == FaultKind::early_tlast && !beat.last && received + beat_bytes >= t.length / 2) beat.last = true;
        if (beat.last && f.kind == FaultKind::extra_words && f.extra_words > 0) {
          beat.last = false;
          for (unsigned k = 0; k < f.extra_words; ++k) {
            AxisPort::Beat extra;
            extra.data = (0xE0E0E0E0E0E0E0E0ull + k) & width_mask;
            extra.keep = (1u << beat_bytes) - 1u;
            extra.last = k + 1 == f.extra_words;
            injected.push_back(extra);
          }
        }
      }
    }
    ch.mid_packet.store(!beat.last, std::memory_order_release);  // a write burst is open until TLAST
    ++out.beats;
    const unsigned kept = static_cast<unsigned>(std::popcount(beat.keep & ((1u << beat_bytes) - 1u)));
    if (kept > t.length - received) {
      // More data than LENGTH before TLAST: DMAIntErr, the channel halts (PG021).
      out.error = kDmaIntErr;
      break;
    }
    std::uint32_t k = 0;
    for (unsigned b = 0; b < beat_bytes; ++b)
      if (beat.keep & (1u << b)) destination[received + k++] = static_cast<std::byte>(beat.data >> (8 * b));
    received += kept;
    if (beat.last) break;
  }
  out.bytes = received;
  if (out.error) {
    out.complete_at = clock_->now().count() + cycles_to_ns(static_cast<double>(kErrorResponseCycles));
    return out;
  }
  // A frame's modeled time from its first beat: PG021's 39 cycles from tvalid to the first
  // write address, the kernel's latency and the beats at S2MM's 74.64 % of a beat per cycle,
  // stretched by a stall fault, plus jitter; and no earlier than the memory path takes the bytes.
  const double cycles = (kS2mmLatencyCycles + static_cast<double>(timing_.kernel_latency_cycles) +
                         static_cast<double>(out.beats) / kS2mmEfficiency) *
                        stall;
  const double duration = std::max(static_cast<double>(cycles_to_ns(1.0)),
                                   static_cast<double>(cycles_to_ns(cycles)) + jitter_ns(ch));
  const std::int64_t memory_done = timing_.memory_path ? timing_.memory_path->book(true, first_beat_at, out.bytes) : 0;
  out.complete_at = std::max({first_beat_at + static_cast<std::int64_t>(duration), memory_done, clock_->now().count()});
  return out;
}

void DmaDevice::finish_transfer(Channel& ch, std::uint64_t epoch, const Outcome& out) {
  {
    std::lock_guard lock(mutex_);
    ch.busy = false;
    if (ch.port_closed && !pl_resetting_) {
      ch.port->reopen();
      ch.port_closed = false;
      counters_.ports_closed_by_dma.fetch_sub(1);
    }
    if (ch.epoch.load() == epoch && !out.aborted && !pl_resetting_) {
      counters_.words_moved.fetch_add(out.beats);
      counters_.bytes_moved.fetch_add(out.bytes);
      if (out.error) {
        // An error halts the channel and clears RS (PG021); Halted may come later
        // (halted_lag_cycles).
        ch.dmasr = (ch.dmasr | out.error | kErrIrq) & ~kIdle;
        ch.dmacr &= ~kRunStop;
        if (config_.halted_lag_cycles > 0)
          ch.halt_due_ns = clock_->now().count() + cycles_to_ns(static_cast<double>(config_.halted_lag_cycles));
        counters_.dma_errors.fetch_add(1);
      } else {
        ch.dmasr |= kIdle | kIocIrq;
        if (ch.id == s2mm) ch.length = out.bytes;  // the bytes actually received
        (ch.id == mm2s ? counters_.mm2s_transfers : counters_.s2mm_transfers).fetch_add(1);
      }
    }
    if (!(ch.dmacr & kRunStop) && ch.halt_due_ns < 0) ch.dmasr = (ch.dmasr | kHalted) & ~kIdle;
    update_interrupt(ch);
    released_.notify_all();
  }
  clock_->notify();
}

}  // namespace zynqnn::virtual_board
