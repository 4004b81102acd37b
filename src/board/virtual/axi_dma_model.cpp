#include "axi_dma_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {

using namespace dma_reg;

namespace {

// The first `n` (at most 8) bytes at `bytes` as a little-endian word: byte b in bits 8b..8b+7,
// as a stream beat carries them.
std::uint64_t load_le(const std::byte* bytes, unsigned n) {
  std::uint64_t word = 0;
  if constexpr (std::endian::native == std::endian::little) {
    if (n == 4) {  // whole beats: a fixed-size copy the compiler inlines
      std::uint32_t half = 0;
      std::memcpy(&half, bytes, 4);
      word = half;
    } else if (n == 8) {
      std::memcpy(&word, bytes, 8);
    } else {
      std::memcpy(&word, bytes, n);
    }
  } else {
    for (unsigned b = 0; b < n; ++b) word |= static_cast<std::uint64_t>(bytes[b]) << (8 * b);
  }
  return word;
}

void store_le(std::byte* bytes, std::uint64_t word, unsigned n) {
  if constexpr (std::endian::native == std::endian::little) {
    if (n == 4) {
      const auto half = static_cast<std::uint32_t>(word);
      std::memcpy(bytes, &half, 4);
    } else if (n == 8) {
      std::memcpy(bytes, &word, 8);
    } else {
      std::memcpy(bytes, &word, n);
    }
  } else {
    for (unsigned b = 0; b < n; ++b) bytes[b] = static_cast<std::byte>(word >> (8 * b));
  }
}

}  // namespace

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
  // Each channel draws its jitter from its own seeded generator: deterministic per channel
  // whatever the interleaving of threads.
  for (Channel& ch : channels_) ch.rng.seed(timing.seed * 0x9E3779B97F4A7C15ull + index * 2 + ch.id + 1);
}

bool DmaDevice::has_channel(unsigned channel) const noexcept { return channel < 2 && channels_[channel].present; }

bool DmaDevice::interrupt_asserted(unsigned channel) const noexcept {
  return channel < 2 && channels_[channel].irq.load(std::memory_order_acquire);
}

DmaDevice::Channel& DmaDevice::channel_at(std::uint32_t offset) { return channels_[offset < kChannelStride ? mm2s : s2mm]; }

Nanoseconds DmaDevice::catch_up(unsigned channel) {
  std::lock_guard lock(mutex_);
  catch_up_locked();
  const Channel& ch = channels_[channel];
  if (!ch.busy || !ch.data_done || ch.held_by_reset) return kForever;
  return Nanoseconds{ch.complete_at};
}

// What modeled time alone changes: a soft reset ending, a lagging Halted, a transfer's
// completion.
void DmaDevice::catch_up_locked() {
  const std::int64_t now = clock_->now().count();
  for (Channel& ch : channels_)
    if (ch.busy && ch.data_done && !ch.held_by_reset && ch.complete_at <= now) complete_transfer(ch);
  finish_soft_reset_if_due();
  set_due_halts();
}

// ------------------------------------------------------------------ registers

std::uint32_t DmaDevice::read(std::uint32_t offset) {
  // The bus transaction's time passes first, with no lock held (the engines may need to run
  // to let modeled time reach the end of the access).
  clock_->bus_access(Nanoseconds{cycles_to_ns(static_cast<double>(timing_.register_access_cycles))});
  std::lock_guard lock(mutex_);
  if (!shut_down_) counters_.register_reads.fetch_add(1, std::memory_order_relaxed);
  catch_up_locked();
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
  catch_up_locked();
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
    if (ch.busy) abandon_transfer(ch);
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
  ch.command.memory_done_ns = 0;
  ch.busy = true;
  ch.moved = 0;
  ch.beats = 0;
  ch.packet = Packet{};
  ch.data_done = false;
  ch.error = 0;
  ch.held_by_reset = false;
  if (const std::uint32_t error = check_transfer(ch, ch.command)) {
    data_finished(ch, error, ch.command.start.count() + cycles_to_ns(static_cast<double>(kErrorResponseCycles)));
    return;
  }
  ch.command.memory = ddr_->translate(ch.command.address, length);
  // MM2S books its reads on the memory path now, in the order the driver starts transfers
  // (S2MM books when its packet has ended and its length is known).
  if (ch.id == mm2s && timing_.memory_path)
    ch.command.memory_done_ns = timing_.memory_path->book(false, ch.command.start.count(), length);
  // The engine starts at once: MM2S fills the stream FIFO, S2MM drains what waits in it.
  if (pump_channel(ch) && ch.id == mm2s) {
    counters_.input_pushes.fetch_add(1, std::memory_order_acq_rel);
    clock_->notify();  // the PL thread may wait for a frame's first word
  }
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

// Abandons the channel's transfer (a soft reset or RS = 0): the data in flight is dropped,
// which for an engine still moving data includes the beats waiting in its stream FIFO.
void DmaDevice::abandon_transfer(Channel& ch) {
  if (!ch.busy) return;
  // Inside a packet: MM2S with beats still to push into a full FIFO, S2MM after the first
  // beat of a packet and before its TLAST. The hardware's reset waits for these transactions:
  // the engine keeps its stream and lets go only once it moves (the next beat).
  const bool mid_packet = !ch.data_done && (ch.id == mm2s || ch.beats > 0);
  if (soft_reset_active_ && config_.soft_reset_waits_for_streams && mid_packet) {
    ch.held_by_reset = true;
    return;
  }
  if (!ch.data_done && ch.port) ch.port->clear();
  drop_transfer(ch);
}

void DmaDevice::drop_transfer(Channel& ch) {
  ch.busy = false;
  ch.data_done = false;
  ch.held_by_reset = false;
  ch.packet = Packet{};
}

void DmaDevice::start_soft_reset() {
  // Resets the whole engine, both channels: transfers are abandoned (beats in flight are
  // dropped), registers return to their reset values, and Reset reads 1 for a short while.
  counters_.soft_resets.fetch_add(1);
  soft_reset_active_ = true;  // before abandoning: abandon_transfer asks whether a reset runs
  soft_reset_done_at_ = clock_->now() + Nanoseconds{cycles_to_ns(static_cast<double>(kSoftResetCycles))};
  for (Channel& ch : channels_) {
    if (!ch.present) continue;
    abandon_transfer(ch);
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
  for (Channel& ch : channels_) drop_transfer(ch);  // the board closes and reopens every port
}

void DmaDevice::finish_pl_reset() {
  std::lock_guard lock(mutex_);
  pl_resetting_ = false;
  soft_reset_active_ = false;
  for (Channel& ch : channels_) {
    drop_transfer(ch);
    if (ch.present) reset_channel_registers(ch);
  }
}

void DmaDevice::shut_down() {
  std::lock_guard lock(mutex_);
  shut_down_ = true;
  pl_resetting_ = true;
  for (Channel& ch : channels_) {
    drop_transfer(ch);
    ch.port = nullptr;  // the board's ports go with it
  }
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

std::uint32_t DmaDevice::check_transfer(const Channel& ch, const Transfer& t) {
  if (ddr_->translate(t.address, t.length) == nullptr) return kDmaDecErr;
  // Without the data realignment engine an address must be a multiple of the stream width;
  // the model flags it instead of transferring shifted data (see docs/virtual-board.md).
  if (t.address % (ch.stream_bits / 8) != 0) return kDmaIntErr;
  if (faults_.take_bus_error(&ch == &channels_[mm2s], config_.name)) return kDmaSlvErr;
  return 0;
}

void DmaDevice::pump() {
  std::lock_guard lock(mutex_);
  for (Channel& ch : channels_) pump_channel(ch);
}

bool DmaDevice::pump_channel(Channel& ch) {
  if (!ch.busy || !ch.port || pl_resetting_) return false;
  try {
    if (ch.held_by_reset) return pump_held(ch);
    if (ch.data_done) return false;
    return ch.id == mm2s ? pump_mm2s(ch) : pump_s2mm(ch);
  } catch (const hls::stream_closed&) {
    // The PL is down (a failed load): nothing takes or gives beats; the transfer is lost.
    drop_transfer(ch);
    return false;
  }
}

AxisPort::Beat DmaDevice::next_mm2s_beat(const Channel& ch, const std::byte* source) const {
  const unsigned n = std::min<std::uint32_t>(ch.stream_bits / 8, ch.command.length - ch.moved);
  AxisPort::Beat beat;
  beat.data = load_le(source + ch.moved, n);
  beat.keep = (1u << n) - 1u;  // TKEEP: the valid bytes of a short last beat
  beat.last = ch.moved + n == ch.command.length;
  return beat;
}

// An engine held by a soft reset inside a packet: the stream's next beat ends the transfer.
bool DmaDevice::pump_held(Channel& ch) {
  std::size_t moved = 0;
  if (ch.id == mm2s) {
    const AxisPort::Beat beat = next_mm2s_beat(ch, ch.command.memory);
    bool given = false;
    moved = ch.port->fill([&](AxisPort::Beat& out) {
      if (given) return false;
      out = beat;
      given = true;
      return true;
    });
  } else {
    moved = ch.port->drain([](const AxisPort::Beat&) { return AxisPort::TakeResult::take_and_stop; });
  }
  if (moved == 0) return false;
  drop_transfer(ch);
  return true;
}

bool DmaDevice::pump_mm2s(Channel& ch) {
  const Transfer& t = ch.command;
  const std::byte* source = t.memory;
  const std::size_t pushed = ch.port->fill([&](AxisPort::Beat& beat) {
    if (ch.moved == t.length) return false;
    const std::uint32_t bytes = std::min<std::uint32_t>(ch.stream_bits / 8, t.length - ch.moved);
    beat = next_mm2s_beat(ch, source);
    ch.moved += bytes;
    ++ch.beats;
    return true;
  });
  if (ch.moved == t.length) {
    // PG021: the first beat 6 cycles after the read address, then 99.76 % of a beat per
    // cycle; no earlier than the memory path delivers the bytes, nor than the last beat was
    // accepted by the stream.
    const std::int64_t duration =
        cycles_to_ns(kMm2sLatencyCycles + static_cast<double>(ch.beats) / kMm2sEfficiency);
    data_finished(ch, 0, std::max({t.start.count() + duration, t.memory_done_ns, clock_->now().count()}));
  }
  return pushed != 0;
}

bool DmaDevice::pump_s2mm(Channel& ch) {
  const std::size_t taken = ch.port->drain([&](const AxisPort::Beat& beat) {
    return take_s2mm_beat(ch, beat) ? AxisPort::TakeResult::take_and_stop : AxisPort::TakeResult::take;
  });
  return taken != 0;
}

// A beat from the stream, with the packet's faults applied (taken with its first beat), and
// the beats a fault appends after it. True when the packet has ended (TLAST or an error).
bool DmaDevice::take_s2mm_beat(Channel& ch, AxisPort::Beat beat) {
  Packet& p = ch.packet;
  const unsigned beat_bytes = ch.stream_bits / 8;
  const std::uint64_t width_mask = beat_bytes == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * beat_bytes)) - 1;
  if (ch.beats == 0) {
    p.first_beat_at = clock_->now().count();
    p.faults = faults_.take({FaultKind::stall, FaultKind::missing_tlast, FaultKind::extra_words,
                             FaultKind::corrupt_output, FaultKind::early_tlast});
    for (const Fault& f : p.faults)
      if (f.kind == FaultKind::stall) p.stall = std::max(p.stall, f.stall_factor);
  }
  if (p.faults.empty()) return receive_s2mm_beat(ch, beat);
  std::vector<AxisPort::Beat> extra_beats;
  for (const Fault& f : p.faults) {
    if (f.kind == FaultKind::corrupt_output) beat.data = (beat.data ^ 0xA5A5A5A5A5A5A5A5ull) & width_mask;
    if (beat.last && f.kind == FaultKind::missing_tlast) beat.last = false;
    // TLAST at half the transfer: the packet completes short. The rest of the kernel's
    // packet stays in the stream, as on the hardware: the kernel backs up on it and the next
    // transfer receives it, until a PL reload.
    if (f.kind == FaultKind::early_tlast && !beat.last && ch.moved + beat_bytes >= ch.command.length / 2)
      beat.last = true;
    if (beat.last && f.kind == FaultKind::extra_words && f.extra_words > 0) {
      beat.last = false;
      for (unsigned k = 0; k < f.extra_words; ++k) {
        AxisPort::Beat extra;
        extra.data = (0xE0E0E0E0E0E0E0E0ull + k) & width_mask;
        extra.keep = (1u << beat_bytes) - 1u;
        extra.last = k + 1 == f.extra_words;
        extra_beats.push_back(extra);
      }
    }
  }
  if (receive_s2mm_beat(ch, beat)) return true;
  for (const AxisPort::Beat& extra : extra_beats)
    if (receive_s2mm_beat(ch, extra)) return true;
  return false;
}

// Writes one beat's kept bytes to DDR. True when the packet has ended: TLAST (the transfer's
// completion time is then known) or more data than LENGTH (DMAIntErr).
bool DmaDevice::receive_s2mm_beat(Channel& ch, const AxisPort::Beat& beat) {
  const Transfer& t = ch.command;
  const unsigned beat_bytes = ch.stream_bits / 8;
  ++ch.beats;
  const std::uint32_t full = (1u << beat_bytes) - 1u;
  const unsigned kept = (beat.keep & full) == full ? beat_bytes : static_cast<unsigned>(std::popcount(beat.keep & full));
  if (kept > t.length - ch.moved) {
    // More data than LENGTH before TLAST: DMAIntErr, the channel halts (PG021).
    data_finished(ch, kDmaIntErr, clock_->now().count() + cycles_to_ns(static_cast<double>(kErrorResponseCycles)));
    return true;
  }
  std::byte* destination = t.memory + ch.moved;
  if (kept == beat_bytes) {
    store_le(destination, beat.data, beat_bytes);
  } else {
    std::uint32_t k = 0;
    for (unsigned b = 0; b < beat_bytes; ++b)
      if (beat.keep & (1u << b)) destination[k++] = static_cast<std::byte>(beat.data >> (8 * b));
  }
  ch.moved += kept;
  if (!beat.last) return false;
  // A frame's modeled time from its first beat: PG021's 39 cycles from tvalid to the first
  // write address, the kernel's latency and the beats at S2MM's 74.64 % of a beat per cycle,
  // stretched by a stall fault, plus jitter; and no earlier than the memory path takes the
  // bytes.
  const Packet& p = ch.packet;
  const double cycles = (kS2mmLatencyCycles + static_cast<double>(timing_.kernel_latency_cycles) +
                         static_cast<double>(ch.beats) / kS2mmEfficiency) *
                        p.stall;
  const double duration = std::max(static_cast<double>(cycles_to_ns(1.0)),
                                   static_cast<double>(cycles_to_ns(cycles)) + jitter_ns(ch));
  const std::int64_t memory_done = timing_.memory_path ? timing_.memory_path->book(true, p.first_beat_at, ch.moved) : 0;
  data_finished(ch, 0, std::max({p.first_beat_at + static_cast<std::int64_t>(duration), memory_done, clock_->now().count()}));
  return true;
}

void DmaDevice::data_finished(Channel& ch, std::uint32_t error, std::int64_t complete_at) {
  ch.data_done = true;
  ch.error = error;
  ch.complete_at = complete_at;
  ch.packet = Packet{};
  scheduled_.fetch_add(1, std::memory_order_acq_rel);
  clock_->notify();  // an interrupt wait learns the completion time
}

// The transfer's completion time has come: Idle and IOC_Irq, or the error, become visible.
void DmaDevice::complete_transfer(Channel& ch) {
  ch.busy = false;
  ch.data_done = false;
  counters_.words_moved.fetch_add(ch.beats);
  counters_.bytes_moved.fetch_add(ch.moved);
  if (ch.error) {
    // An error halts the channel and clears RS (PG021); Halted may come later
    // (halted_lag_cycles).
    ch.dmasr = (ch.dmasr | ch.error | kErrIrq) & ~kIdle;
    ch.dmacr &= ~kRunStop;
    if (config_.halted_lag_cycles > 0)
      ch.halt_due_ns = ch.complete_at + cycles_to_ns(static_cast<double>(config_.halted_lag_cycles));
    counters_.dma_errors.fetch_add(1);
  } else {
    ch.dmasr |= kIdle | kIocIrq;
    if (ch.id == s2mm) ch.length = ch.moved;  // the bytes actually received
    (ch.id == mm2s ? counters_.mm2s_transfers : counters_.s2mm_transfers).fetch_add(1);
  }
  if (!(ch.dmacr & kRunStop) && ch.halt_due_ns < 0) ch.dmasr = (ch.dmasr | kHalted) & ~kIdle;
  update_interrupt(ch);
}

}  // namespace zynqnn::virtual_board
