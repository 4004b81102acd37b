#include "zynqnn/watchdog/model_accelerator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "zynqnn/core/error.hpp"

namespace zynqnn::watchdog {
namespace {

// DMASR bits (PG021) the model reports.
constexpr std::uint32_t kHalted = 1u << 0;
constexpr std::uint32_t kDmaIntErr = 1u << 4;
constexpr std::uint32_t kDmaSlvErr = 1u << 5;
constexpr std::uint32_t kErrIrq = 1u << 14;

class HeapBuffer final : public DmaBuffer {
 public:
  HeapBuffer(std::byte* data, std::size_t size, std::uint64_t physical) : DmaBuffer(data, size, physical) {}
  ~HeapBuffer() override { std::free(data()); }
  void sync_for_device(std::size_t, std::size_t) override {}
  void sync_for_cpu(std::size_t, std::size_t) override {}
};

class HeapMemory final : public DmaMemory {
 public:
  std::unique_ptr<DmaBuffer> allocate(std::size_t bytes, std::size_t alignment) override {
    if (bytes == 0 || alignment == 0 || (alignment & (alignment - 1)) != 0) {
      throw Error(ErrorCode::invalid_argument, "a buffer needs bytes > 0 and a power-of-two alignment", "HeapMemory");
    }
    const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    auto* data = static_cast<std::byte*>(std::aligned_alloc(alignment, rounded));
    if (data == nullptr) throw Error(ErrorCode::io, "out of memory", "HeapMemory");
    next_ = (next_ + alignment - 1) / alignment * alignment;
    auto buffer = std::make_unique<HeapBuffer>(data, bytes, next_);
    next_ += rounded;
    return buffer;
  }

 private:
  std::uint64_t next_ = 0x1000'0000;
};

}  // namespace

std::string_view to_string(FaultKind kind) noexcept {
  switch (kind) {
    case FaultKind::hang: return "hang";
    case FaultKind::stall: return "stall";
    case FaultKind::missing_tlast: return "missing_tlast";
    case FaultKind::extra_words: return "extra_words";
    case FaultKind::corrupt_output: return "corrupt";
    case FaultKind::bus_error: return "bus_error";
    case FaultKind::early_tlast: return "early_tlast";
  }
  return "unknown";
}

FaultKind parse_fault_kind(std::string_view text) {
  for (int k = 0; k < kFaultKindCount; ++k) {
    if (to_string(static_cast<FaultKind>(k)) == text) return static_cast<FaultKind>(k);
  }
  if (text == "corrupt_output") return FaultKind::corrupt_output;
  throw Error(ErrorCode::invalid_argument,
              fmt::format("unknown fault kind '{}' (expected hang, stall, missing_tlast, extra_words, corrupt, "
                          "bus_error, early_tlast)",
                          text),
              "faults");
}

class ModelAccelerator::ModelBoard final : public Board {
 public:
  ModelBoard(ModelAccelerator& owner) : owner_(owner) {}
  std::string name() const override { return "model"; }
  std::unique_ptr<InterruptLine> open_interrupt(std::uint64_t, unsigned) override { return nullptr; }
  DmaMemory& memory() override { return memory_; }
  Clock& clock() override { return owner_.clock_; }

 protected:
  std::unique_ptr<RegisterSpace> map_device_registers(std::uint64_t base, std::size_t) override {
    throw Error(ErrorCode::unsupported, "the behavioural model has no registers", fmt::format("0x{:x}", base));
  }
  void load_configuration() override {
    owner_.clock_.advance(owner_.config_.reconfigure_time);
    // A full load resets the PL: what was wrong in it is gone (unless the fault is outside it).
    std::erase_if(owner_.persistent_, [](const InjectedFault& f) { return !f.survives_reconfigure; });
    owner_.pending_.clear();
  }

 private:
  ModelAccelerator& owner_;
  HeapMemory memory_;
};

ModelAccelerator::ModelAccelerator(ModelAcceleratorConfig config)
    : config_(std::move(config)), board_(std::make_unique<ModelBoard>(*this)), random_(config_.seed) {
  if (config_.words == 0) throw Error(ErrorCode::invalid_argument, "words must be > 0", "ModelAccelerator");
  if (config_.dtype != "uint32" && config_.dtype != "int32" && config_.dtype != "float32") {
    throw Error(ErrorCode::invalid_argument, fmt::format("dtype {} (expected uint32, int32, float32)", config_.dtype),
                "ModelAccelerator");
  }
  if (!(config_.pl_clock_mhz > 0) || config_.poll_interval.count() <= 0 || config_.jitter.count() < 0) {
    throw Error(ErrorCode::invalid_argument, "clock, poll interval and jitter must be positive", "ModelAccelerator");
  }
  StreamInfo stream;
  stream.dtype = config_.dtype;
  stream.shape = {static_cast<std::int64_t>(config_.words)};
  stream.element_bits = 32;
  stream.elements = config_.words;
  stream.bytes = config_.words * 4;
  stream.name = "in";
  stream.direction = StreamDirection::input;
  inputs_.push_back(stream);
  stream.name = "out";
  stream.direction = StreamDirection::output;
  outputs_.push_back(stream);
  input_.resize(stream.bytes);
  output_.resize(stream.bytes);
}

ModelAccelerator::~ModelAccelerator() = default;

std::span<std::byte> ModelAccelerator::input_buffer(std::size_t index) {
  if (index != 0) throw Error(ErrorCode::out_of_range, fmt::format("input {} of 1", index), "ModelAccelerator");
  return input_;
}

std::span<const std::byte> ModelAccelerator::output_buffer(std::size_t index) const {
  if (index != 0) throw Error(ErrorCode::out_of_range, fmt::format("output {} of 1", index), "ModelAccelerator");
  return output_;
}

Board& ModelAccelerator::board() { return *board_; }

Nanoseconds ModelAccelerator::nominal_latency() const noexcept {
  const double transfer_ns = static_cast<double>(config_.words) * 1000.0 / config_.pl_clock_mhz;
  return config_.setup + Nanoseconds{static_cast<std::int64_t>(transfer_ns)};
}

void ModelAccelerator::inject(InjectedFault fault) {
  if (fault.kind == FaultKind::stall && !(fault.stall_factor >= 1.0 && std::isfinite(fault.stall_factor))) {
    throw Error(ErrorCode::invalid_argument, "a stall factor must be finite and >= 1", "ModelAccelerator::inject");
  }
  if (fault.persistent || fault.survives_reconfigure) {
    persistent_.push_back(fault);
  } else {
    pending_.push_back(fault);
  }
}

void ModelAccelerator::clear_faults() {
  pending_.clear();
  persistent_.clear();
}

void ModelAccelerator::abort_in_flight() {
  clock_.advance(config_.abort_time);
  needs_abort_ = false;
  ++stats_.aborts;
}

void ModelAccelerator::reconfigure_pl() {
  board_->reconfigure();
  needs_abort_ = false;
  ++stats_.reconfigurations;
}

void ModelAccelerator::refuse_before_abort() const {
  if (needs_abort_) {
    throw Error(ErrorCode::bad_state, "the previous call failed and the DMA was not reset (abort() first)",
                "ModelAccelerator::run");
  }
}

CallResult ModelAccelerator::run(Nanoseconds timeout) {
  refuse_before_abort();
  if (timeout.count() <= 0) throw Error(ErrorCode::invalid_argument, "timeout must be positive", "ModelAccelerator::run");
  return Accelerator::run(timeout);
}

Nanoseconds ModelAccelerator::start_call() {
  refuse_before_abort();
  ++stats_.runs;
  const double nominal = static_cast<double>(nominal_latency().count());
  double latency = nominal + static_cast<double>(config_.jitter.count()) * jitter_(random_);
  latency = std::max(latency, 0.5 * nominal);

  // The faults hitting this call: the next transient one and every persistent one.
  std::vector<InjectedFault> active = persistent_;
  if (!pending_.empty()) {
    active.push_back(pending_.front());
    pending_.pop_front();
  }
  call_ = CallInFlight{};
  for (const auto& fault : active) {
    ++stats_.faults_applied;
    switch (fault.kind) {
      case FaultKind::hang: call_.never_completes = true; call_.cause = "the kernel stopped producing output"; break;
      case FaultKind::missing_tlast:
        call_.never_completes = true;
        call_.cause = "the last output word carried no TLAST";
        break;
      case FaultKind::stall: latency *= fault.stall_factor; break;
      case FaultKind::bus_error: call_.bus_error = true; break;
      case FaultKind::extra_words: call_.extra_words = true; break;
      case FaultKind::early_tlast: call_.early_tlast = true; break;
      case FaultKind::corrupt_output: call_.corrupt = true; break;
    }
  }
  call_.started = clock_.now();
  call_.duration = Nanoseconds{static_cast<std::int64_t>(latency)};
  if (call_.bus_error && !call_.never_completes) call_.duration /= 2;
  needs_abort_ = true;  // until the call ends well: a call in flight must be waited or aborted
  return call_.started;
}

CallResult ModelAccelerator::wait_call(Nanoseconds deadline) {
  const Nanoseconds now = clock_.now();
  const Nanoseconds end = call_.started + call_.duration;
  // A bus error ends the call whatever the deadline (the model reports it when it happens).
  if (call_.never_completes || (!call_.bus_error && end > deadline)) {
    // The driver notices the deadline at its next poll.
    const Nanoseconds noticed = std::max(deadline, now) + config_.poll_interval;
    clock_.advance(noticed - now);
    CallResult result;
    result.status = CallStatus::pending;
    result.elapsed = noticed - call_.started;
    result.output_bytes = {0};
    result.detail = fmt::format("S2MM of stream 'out' not Idle at the deadline: {}",
                                call_.never_completes ? call_.cause
                                                      : fmt::format("stalled ({} ns needed)", call_.duration.count()));
    return result;
  }
  if (end > now) clock_.advance(end - now);
  return end_call();
}

CallResult ModelAccelerator::end_call() {
  CallResult result;
  result.elapsed = call_.duration;
  const std::size_t bytes = outputs_[0].bytes;
  if (call_.bus_error) {
    result.status = CallStatus::dma_error;
    result.output_bytes = {0};
    result.dma_status = kHalted | kDmaSlvErr | kErrIrq;
    result.detail = "MM2S of stream 'in': DMASlvErr";
    return result;  // the DMA needs its abort
  }
  if (call_.extra_words) {
    std::memcpy(output_.data(), input_.data(), bytes);
    result.status = CallStatus::dma_error;
    result.output_bytes = {bytes};
    result.dma_status = kHalted | kDmaIntErr | kErrIrq;
    result.detail = "S2MM of stream 'out': DMAIntErr (packet longer than LENGTH)";
    return result;
  }
  needs_abort_ = false;
  if (call_.early_tlast) {
    std::memcpy(output_.data(), input_.data(), bytes / 2);
    result.status = CallStatus::short_output;
    result.output_bytes = {bytes / 2};
    result.detail = fmt::format("S2MM of stream 'out': TLAST after {} of {} bytes", bytes / 2, bytes);
    return result;
  }
  std::memcpy(output_.data(), input_.data(), bytes);
  if (call_.corrupt) {
    std::uint32_t word;
    std::memcpy(&word, output_.data(), 4);
    if (config_.dtype == "float32") {
      const float nan = std::numeric_limits<float>::quiet_NaN();
      std::memcpy(&word, &nan, 4);
    } else {
      word ^= 0x8000'0000u;
    }
    std::memcpy(output_.data(), &word, 4);
  }
  result.status = CallStatus::ok;
  result.output_bytes = {bytes};
  return result;
}

}  // namespace zynqnn::watchdog
