#include "zynqnn/board/virtual/virtual_board.hpp"

#include <set>

#include <fmt/format.h>

#include "axi_dma_model.hpp"
#include "board_state.hpp"
#include "simulated_ddr.hpp"
#include "simulation_thread.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {
namespace {

// An AXI DMA's register window (PG021: 64 KiB).
constexpr std::size_t kDmaRegisterWindow = 0x10000;

class DmaRegisterSpace final : public RegisterSpace {
 public:
  DmaRegisterSpace(std::shared_ptr<DmaDevice> device, std::size_t size) : RegisterSpace(size), device_(std::move(device)) {}

 private:
  std::uint32_t do_read32(std::uint32_t offset) const override { return device_->read(offset); }
  void do_write32(std::uint32_t offset, std::uint32_t value) override { device_->write(offset, value); }
  std::shared_ptr<DmaDevice> device_;
};

// A UIO-like line: enable() unmasks it; wait_until reports an assertion and masks it again.
class DmaInterruptLine final : public InterruptLine {
 public:
  DmaInterruptLine(std::shared_ptr<DmaDevice> device, unsigned channel) : device_(std::move(device)), channel_(channel) {}
  void enable() override { enabled_.store(true, std::memory_order_release); }
  bool wait_until(Nanoseconds deadline) override {
    // Evaluated by whichever thread settles the clock: atomics only.
    const auto asserted = [this] {
      return enabled_.load(std::memory_order_acquire) && device_->interrupt_asserted(channel_);
    };
    SimulationTime& clock = device_->clock();
    // The DMA's state follows modeled time only when someone looks: wait for the channel's
    // completion time (or for the data of a transfer to finish moving, which sets one), bring
    // the DMA up to it, and look again.
    for (;;) {
      const std::uint64_t seen = device_->scheduled_completions();
      const Nanoseconds completes_at = device_->catch_up(channel_);
      if (asserted()) {
        enabled_.store(false, std::memory_order_release);
        return true;
      }
      if (clock.now() >= deadline) return false;
      const std::function<bool()> changed = [&] { return asserted() || device_->scheduled_completions() != seen; };
      clock.wait_until(std::min(deadline, completes_at), changed, false);
    }
  }

 private:
  std::shared_ptr<DmaDevice> device_;
  unsigned channel_;
  std::atomic<bool> enabled_{false};
};

void validate(const VirtualBoardConfig& config, const PlKernel* kernel) {
  const char* where = "VirtualBoardConfig";
  if (!kernel) throw Error(ErrorCode::invalid_argument, "no PL kernel given", where);
  if (config.dmas.empty()) throw Error(ErrorCode::invalid_argument, "the board needs at least one AXI DMA", where);
  if (!(config.pl_clock_mhz > 0.0))
    throw Error(ErrorCode::invalid_argument, fmt::format("pl_clock_mhz {} must be positive", config.pl_clock_mhz), where);
  if (!(config.hp_port_bytes_per_cycle > 0.0) || !(config.ddr_mb_per_s > 0.0) || !(config.ddr_share_for_pl > 0.0) ||
      config.ddr_share_for_pl > 1.0)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the memory path needs positive bandwidths and a DDR share in (0, 1] (hp_port_bytes_per_cycle "
                            "{}, ddr_mb_per_s {}, ddr_share_for_pl {})",
                            config.hp_port_bytes_per_cycle, config.ddr_mb_per_s, config.ddr_share_for_pl),
                where);
  if (config.stream_depth_words == 0)
    throw Error(ErrorCode::invalid_argument, "stream_depth_words must be at least 1", where);
  std::set<std::uint64_t> bases;
  for (const DmaConfig& dma : config.dmas) {
    if (!bases.insert(dma.base).second)
      throw Error(ErrorCode::invalid_argument, fmt::format("two DMAs share the base address {:#x}", dma.base), dma.name);
    if (dma.length_width < 8 || dma.length_width > 26)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("length_width {} is outside C_SG_LENGTH_WIDTH's range 8..26", dma.length_width), dma.name);
    for (unsigned bits : {dma.mm2s_stream_bits, dma.s2mm_stream_bits})
      if (bits != 32 && bits != 64)
        throw Error(ErrorCode::unsupported, fmt::format("stream width {} bits: only 32 and 64 are modeled", bits), dma.name);
  }
}

}  // namespace

// The PL thread's wait observer: the modeled clock's, plus the DMA engines, which move data
// on the PL thread's behalf each time the kernel would block on a stream.
class PlThreadObserver final : public hls::csim::wait_observer {
 public:
  PlThreadObserver(hls::csim::wait_observer& clock, VirtualBoard& board) : clock_(clock), board_(board) {}
  void before_wait() override { clock_.before_wait(); }
  void after_wait() override { clock_.after_wait(); }
  void before_block() override { board_.pump_dmas(); }

 private:
  hls::csim::wait_observer& clock_;
  VirtualBoard& board_;
};

VirtualBoard::VirtualBoard(VirtualBoardConfig config, std::shared_ptr<PlKernel> kernel)
    : config_(std::move(config)), kernel_(std::move(kernel)) {
  validate(config_, kernel_.get());
  if (config_.time == TimeMode::modeled) clock_ = std::make_shared<ModeledClock>();
  else clock_ = std::make_shared<RealTimeClock>();
  ddr_ = std::make_shared<SimulatedDdr>(config_.ddr_base, config_.ddr_bytes);
  counters_ = std::make_unique<BoardCounters>();
  faults_ = std::make_unique<FaultState>(*counters_);

  // Kernel input i is fed by the i-th DMA with MM2S, output j drains into the j-th with S2MM.
  std::vector<const DmaConfig*> senders, receivers;
  for (const DmaConfig& dma : config_.dmas) {
    if (dma.has_mm2s) senders.push_back(&dma);
    if (dma.has_s2mm) receivers.push_back(&dma);
  }
  if (senders.size() != kernel_->num_inputs() || receivers.size() != kernel_->num_outputs())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the kernel has {} inputs and {} outputs but the board has {} MM2S and {} S2MM channels",
                            kernel_->num_inputs(), kernel_->num_outputs(), senders.size(), receivers.size()),
                "VirtualBoard");
  inputs_.reserve(senders.size());
  outputs_.reserve(receivers.size());
  for (std::size_t i = 0; i < senders.size(); ++i) {
    if (kernel_->input_bits(i) != senders[i]->mm2s_stream_bits)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("kernel input {} is {} bits but {}'s MM2S stream is {} bits", i, kernel_->input_bits(i),
                              senders[i]->name, senders[i]->mm2s_stream_bits),
                  "VirtualBoard");
    inputs_.emplace_back(senders[i]->name + ".M_AXIS_MM2S", senders[i]->mm2s_stream_bits, config_.stream_depth_words);
  }
  for (std::size_t j = 0; j < receivers.size(); ++j) {
    if (kernel_->output_bits(j) != receivers[j]->s2mm_stream_bits)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("kernel output {} is {} bits but {}'s S2MM stream is {} bits", j, kernel_->output_bits(j),
                              receivers[j]->name, receivers[j]->s2mm_stream_bits),
                  "VirtualBoard");
    outputs_.emplace_back(receivers[j]->name + ".S_AXIS_S2MM", receivers[j]->s2mm_stream_bits, config_.stream_depth_words);
  }

  DmaTiming timing{config_.pl_clock_mhz, kernel_->frame_latency_cycles(), config_.latency_jitter, config_.seed,
                   config_.register_access_cycles,
                   std::make_shared<MemoryPath>(config_.pl_clock_mhz, config_.hp_port_bytes_per_cycle,
                                                config_.ddr_mb_per_s * config_.ddr_share_for_pl / 1000.0)};
  std::size_t next_input = 0, next_output = 0;
  for (std::size_t d = 0; d < config_.dmas.size(); ++d) {
    const DmaConfig& dma = config_.dmas[d];
    AxisPort* in = dma.has_mm2s ? &inputs_[next_input++] : nullptr;
    AxisPort* out = dma.has_s2mm ? &outputs_[next_output++] : nullptr;
    dmas_.push_back(std::make_shared<DmaDevice>(dma, static_cast<unsigned>(d), clock_, ddr_, *faults_, *counters_, in,
                                                out, timing));
  }
  pl_observer_ = std::make_unique<PlThreadObserver>(*clock_->observer(), *this);
  start_pl_thread();
}

VirtualBoard::~VirtualBoard() {
  try {
    stop_pl_thread();
  } catch (...) {
    // A destructor must not throw; it has to wait for the kernel to come back regardless.
    if (pl_thread_.joinable()) pl_thread_.join();
  }
  for (auto& dma : dmas_) dma->shut_down();
}

std::unique_ptr<RegisterSpace> VirtualBoard::map_device_registers(std::uint64_t base, std::size_t size) {
  for (auto& dma : dmas_) {
    if (dma->config().base != base) continue;
    if (size == 0 || size > kDmaRegisterWindow)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("cannot map {:#x} bytes: an AXI DMA's register window is 1..{:#x} bytes", size,
                              kDmaRegisterWindow),
                  dma->config().name);
    return std::make_unique<DmaRegisterSpace>(dma, size);
  }
  throw Error(ErrorCode::not_found, fmt::format("no device at physical address {:#x} on the virtual board", base),
              "VirtualBoard::map_device_registers");
}

std::unique_ptr<InterruptLine> VirtualBoard::open_interrupt(std::uint64_t base, unsigned line) {
  for (auto& dma : dmas_) {
    if (dma->config().base != base) continue;
    if (line > 1)
      throw Error(ErrorCode::invalid_argument, fmt::format("an AXI DMA has interrupt lines 0 and 1, not {}", line),
                  dma->config().name);
    if (!dma->has_channel(line)) return nullptr;
    return std::make_unique<DmaInterruptLine>(dma, line);
  }
  throw Error(ErrorCode::not_found, fmt::format("no device at physical address {:#x} on the virtual board", base),
              "VirtualBoard::open_interrupt");
}

DmaMemory& VirtualBoard::memory() { return *ddr_; }
Clock& VirtualBoard::clock() { return *clock_; }

void VirtualBoard::inject(Fault fault) {
  if (fault.kind == FaultKind::stall && !(fault.stall_factor >= 1.0))
    throw Error(ErrorCode::invalid_argument, fmt::format("stall_factor {} must be at least 1", fault.stall_factor),
                "VirtualBoard::inject");
  faults_->inject(fault);
}

void VirtualBoard::clear_faults() { faults_->clear(); }
bool VirtualBoard::fault_pending() const { return faults_->pending(); }

Stats VirtualBoard::stats() const {
  Stats s;
  s.frames = counters_->frames.load();
  s.reconfigurations = counters_->reconfigurations.load();
  s.mm2s_transfers = counters_->mm2s_transfers.load();
  s.s2mm_transfers = counters_->s2mm_transfers.load();
  s.words_moved = counters_->words_moved.load();
  s.bytes_moved = counters_->bytes_moved.load();
  s.dma_errors = counters_->dma_errors.load();
  s.soft_resets = counters_->soft_resets.load();
  s.faults_applied = counters_->faults_applied.load();
  s.kernel_errors = counters_->kernel_errors.load();
  s.register_reads = counters_->register_reads.load();
  s.register_writes = counters_->register_writes.load();
  return s;
}

void VirtualBoard::load_configuration() {
  std::lock_guard lock(reconfigure_mutex_);
  stop_pl_thread();  // after a failed load nothing runs: only the DMAs are reset again
  for (auto& dma : dmas_) dma->finish_pl_reset();
  const bool fails = !faults_->take({FaultKind::load_failure}).empty();
  faults_->clear_on_reconfigure();
  clock_->advance(config_.reconfigure_time);
  counters_->reconfigurations.fetch_add(1);
  if (fails) {
    // The streams stay closed and the PL thread stopped: a PL without a configuration.
    throw Error(ErrorCode::io, "the PL load failed (injected load_failure): the PL stays down until a load succeeds",
                "VirtualBoard::reconfigure");
  }
  for (auto& port : inputs_) port.reopen();
  for (auto& port : outputs_) port.reopen();
  start_pl_thread();
}

// A PL reset: every DMA abandons its transfers, every stream closes (the kernel unwinds
// through hls::stream_closed), and the PL thread ends.
void VirtualBoard::stop_pl_thread() {
  for (auto& dma : dmas_) dma->begin_pl_reset();
  pl_stop_.store(true, std::memory_order_release);
  for (auto& port : inputs_) port.close();
  for (auto& port : outputs_) port.close();
  clock_->notify();
  if (!pl_thread_.joinable()) return;
  {
    // Bounded: a kernel that neither returns nor touches its streams cannot be stopped.
    std::unique_lock lock(pl_exit_mutex_);
    if (!pl_exited_cv_.wait_for(lock, kRealTimeWaitLimit, [this] { return pl_exited_; }))
      throw Error(ErrorCode::internal,
                  fmt::format("the PL kernel did not stop within {} s of a PL reset: it runs without "
                              "touching its streams",
                              kRealTimeWaitLimit.count()),
                  "VirtualBoard PL thread");
  }
  pl_thread_.join();
}

void VirtualBoard::start_pl_thread() {
  pl_stop_.store(false, std::memory_order_release);
  {
    std::lock_guard lock(pl_exit_mutex_);
    pl_exited_ = false;
  }
  pl_thread_ = start_simulation_thread(*clock_, "PL kernel", [this] { pl_thread_main(); });
}

void VirtualBoard::pump_dmas() {
  for (auto& dma : dmas_) dma->pump();
}

void VirtualBoard::wait_for_frame_start() {
  if (inputs_.empty()) return;  // a source kernel starts frames on its own
  for (;;) {
    pump_dmas();  // the last frame's output into DDR, the next frame's input from it
    const std::uint64_t seen = counters_->input_pushes.load(std::memory_order_acquire);
    for (const AxisPort& port : inputs_)
      if (!port.empty()) return;
    if (pl_stop_.load(std::memory_order_acquire)) throw hls::stream_closed{};
    const std::function<bool()> input_arrived = [&] {
      return counters_->input_pushes.load(std::memory_order_acquire) != seen || pl_stop_.load(std::memory_order_acquire);
    };
    clock_->wait_until(kForever, input_arrived, true);
  }
}

void VirtualBoard::pl_thread_main() {
  hls::csim::current_wait_observer = pl_observer_.get();
  const std::function<bool()> stopped = [this] { return pl_stop_.load(std::memory_order_acquire); };
  // Stops the PL thread until the PL is reset; the DMA engines still finish what they can.
  const auto stay_stopped = [&] {
    pump_dmas();
    clock_->wait_until(kForever, stopped, true);
  };
  try {
    kernel_->prepare_thread(pl_observer_.get());
    while (!pl_stop_.load(std::memory_order_acquire)) {
      try {
        wait_for_frame_start();
        if (!faults_->take({FaultKind::hang}).empty()) {
          // A hung kernel: nothing moves until the PL is reset.
          stay_stopped();
          break;
        }
        kernel_->run_frame(inputs_, outputs_);
        counters_->frames.fetch_add(1);
      } catch (const hls::stream_closed&) {
        // Only a PL reset closes the streams (it sets pl_stop_ first).
        if (pl_stop_.load(std::memory_order_acquire)) break;
        stay_stopped();
      } catch (const hls::stream_deadlock&) {
        // The C-simulation wait limit passed; the PL simply keeps waiting, as hardware does.
      }
    }
  } catch (const std::exception&) {
    // The kernel failed (a bug in the C-simulation code): the PL is dead until a reset.
    counters_->kernel_errors.fetch_add(1);
    stay_stopped();
  }
  hls::csim::current_wait_observer = nullptr;
  clock_->thread_finished();
  std::lock_guard lock(pl_exit_mutex_);
  pl_exited_ = true;
  pl_exited_cv_.notify_all();
}

}  // namespace zynqnn::virtual_board
