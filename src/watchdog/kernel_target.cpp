#include "zynqnn/watchdog/kernel_target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "zynqnn/accelerator/cpu_fallback.hpp"
#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn::watchdog {
namespace {

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void check_range(const std::optional<ValueRange>& range, const char* option) {
  if (range && !(std::isfinite(range->min) && std::isfinite(range->max) && range->min <= range->max)) {
    throw Error(ErrorCode::invalid_argument, fmt::format("the range [{}, {}] is empty or not finite", range->min, range->max),
                option);
  }
}

}  // namespace

// One input stream: how to draw a valid element and where it goes.
struct KernelInputs::Stream {
  std::size_t bytes = 0;
  std::size_t elements = 0;
  std::size_t slot_bytes = 0;
  bool is_float = false;
  // Integers and fixed point: the raw value (sign-extended into the slot) in [low, high].
  std::int64_t low = 0;
  std::int64_t high = 0;
  double float_low = -1.0;
  double float_high = 1.0;
};

KernelInputs::KernelInputs(const std::filesystem::path& manifest_path, std::optional<ValueRange> range,
                           std::uint64_t seed)
    : seed_(seed) {
  check_range(range, "input range");
  const manifest::Manifest manifest = manifest::load_manifest(manifest_path);
  for (const manifest::StreamInfo* s : manifest.inputs()) {  // the streams a caller fills
    Stream stream;
    stream.bytes = static_cast<std::size_t>(s->bytes);
    stream.elements = static_cast<std::size_t>(s->elements);
    stream.slot_bytes = static_cast<std::size_t>(s->element_bits) / 8;
    const std::string& t = s->dtype;
    if (t == "float32") {
      stream.is_float = true;
      if (range) {
        stream.float_low = std::max(range->min, -1e30);
        stream.float_high = std::min(range->max, 1e30);
      }
    } else {
      // Integer types by name; fixed<W,I> as W-bit two's complement with fraction_bits.
      double scale = 1.0;
      std::int64_t type_low = 0, type_high = 0;
      const int bits = s->value_bits > 0 ? s->value_bits : s->element_bits;
      const bool is_unsigned = t.starts_with("uint");
      if (is_unsigned) {
        type_high = static_cast<std::int64_t>((std::uint64_t{1} << std::min(bits, 62)) - 1);
      } else {
        type_low = -(std::int64_t{1} << std::min(bits - 1, 62));
        type_high = (std::int64_t{1} << std::min(bits - 1, 62)) - 1;
      }
      if (t.starts_with("fixed")) scale = std::ldexp(1.0, s->fraction_bits);
      stream.low = type_low;
      stream.high = type_high;
      if (range) {
        stream.low = std::max(type_low, static_cast<std::int64_t>(std::ceil(std::max(range->min * scale, -9.0e18))));
        stream.high = std::min(type_high, static_cast<std::int64_t>(std::floor(std::min(range->max * scale, 9.0e18))));
        if (stream.low > stream.high) {
          throw Error(ErrorCode::invalid_argument,
                      fmt::format("no {} value lies in [{}, {}]", t, range->min, range->max),
                      fmt::format("input range of stream '{}'", s->name));
        }
      }
    }
    if (stream.slot_bytes == 0 || stream.elements * stream.slot_bytes > stream.bytes) {
      throw Error(ErrorCode::invalid_argument, "the stream's elements do not fit its bytes", s->name);
    }
    streams_.push_back(stream);
  }
}

KernelInputs::~KernelInputs() = default;
KernelInputs::KernelInputs(KernelInputs&&) noexcept = default;
KernelInputs& KernelInputs::operator=(KernelInputs&&) noexcept = default;

void KernelInputs::make(std::uint64_t index, std::vector<std::vector<std::byte>>& inputs) const {
  inputs.resize(streams_.size());
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    const Stream& s = streams_[i];
    auto& bytes = inputs[i];
    bytes.assign(s.bytes, std::byte{0});  // the padding of the last word stays zero
    std::uint64_t state = seed_ * 0xD1B54A32D192ED03ull ^ (index * 0x9E3779B97F4A7C15ull) ^ (i + 1);
    for (std::size_t k = 0; k < s.elements; ++k) {
      const std::uint64_t r = splitmix(state);
      std::uint64_t raw = 0;
      if (s.is_float) {
        const double u = static_cast<double>(r >> 11) * 0x1.0p-53;
        const auto value = static_cast<float>(s.float_low + (s.float_high - s.float_low) * u);
        std::uint32_t b;
        std::memcpy(&b, &value, 4);
        raw = b;
      } else {
        const auto span = static_cast<std::uint64_t>(s.high - s.low) + 1;
        const std::int64_t value = s.low + static_cast<std::int64_t>(span == 0 ? r : r % span);
        raw = static_cast<std::uint64_t>(value);  // two's complement: sign-extended into the slot
      }
      std::memcpy(bytes.data() + k * s.slot_bytes, &raw, s.slot_bytes);  // little-endian
    }
  }
}

namespace {

class KernelFolderTarget final : public CampaignTarget {
 public:
  KernelFolderTarget(const KernelTargetConfig& config, std::uint64_t seed)
      : config_(config), manifest_path_(config.folder / "manifest.json"),
        inputs_(manifest_path_, config.input_range, seed) {
    OpenOptions options;
    options.latency_jitter = config.latency_jitter;
    options.seed = seed;
    AxiDmaOptions dma;
    dma.wait_strategy = config.poll_interval.count() == 0 ? WaitStrategy::interrupt : WaitStrategy::poll_with_backoff;
    if (config.poll_interval.count() > 0) {
      dma.first_backoff = config.poll_interval;
      dma.max_backoff = config.poll_interval;
    }
    options.dma = dma;
    accelerator_ = open_accelerator(manifest_path_.string(), "virtual", options);
    board_ = dynamic_cast<virtual_board::VirtualBoard*>(&accelerator_->board());
    if (board_ == nullptr) throw Error(ErrorCode::internal, "not a virtual board", manifest_path_.string());
    kernel_ = manifest::load_manifest(manifest_path_).kernel;
    reference_ = cpu_fallback_from_manifest(manifest_path_);
    nominal_ = measure_nominal();
  }

  Accelerator& accelerator() override { return *accelerator_; }

  void inject(const InjectedFault& fault) override {
    virtual_board::Fault f{to_board(fault.kind)};
    f.persistent = fault.persistent || fault.survives_reconfigure;
    f.survives_reconfigure = fault.survives_reconfigure;
    f.stall_factor = std::max(1.0, fault.stall_factor);
    // Bus errors alternate between the two channels: a slave error reading the input from
    // DDR (MM2S: the kernel gets no data of this call) and one writing the output (S2MM: the
    // channel halts, the kernel backs up with its frame, which stays in the stream behind the
    // DMA reset until the PL is reloaded).
    if (fault.kind == FaultKind::bus_error)
      f.channel = (bus_errors_++ % 2 == 0) ? virtual_board::FaultChannel::s2mm : virtual_board::FaultChannel::mm2s;
    board_->inject(f);
  }
  bool fault_active() const override { return board_->fault_pending(); }
  CpuFallback fallback() override { return reference_; }
  void expected(const InputViews& inputs, const OutputViews& outputs) override { reference_(inputs, outputs); }
  std::vector<OutputRange> declared_ranges() const override {
    std::vector<OutputRange> ranges;
    if (!config_.output_range) return ranges;
    const auto& outs = accelerator_->outputs();
    for (std::size_t j = 0; j < outs.size(); ++j) {
      const auto& t = outs[j].dtype;
      const bool readable = (t == "int8" || t == "uint8") ? outs[j].element_bits == 8
                            : (t == "int16" || t == "uint16") ? outs[j].element_bits == 16
                            : (t == "int32" || t == "uint32" || t == "float32") && outs[j].element_bits == 32;
      if (readable) ranges.push_back({j, config_.output_range->min, config_.output_range->max});
    }
    return ranges;
  }
  void make_input(std::uint64_t index, std::vector<std::vector<std::byte>>& inputs) override { inputs_.make(index, inputs); }
  Nanoseconds nominal_latency() const override { return nominal_; }
  bool keeps_frames_across_dma_reset() const override { return true; }
  std::string description() const override {
    return fmt::format("{} ({}) on the virtual board through the DMA driver", kernel_, config_.folder.string());
  }

 private:
  static virtual_board::FaultKind to_board(FaultKind kind) {
    switch (kind) {
      case FaultKind::hang: return virtual_board::FaultKind::hang;
      case FaultKind::stall: return virtual_board::FaultKind::stall;
      case FaultKind::missing_tlast: return virtual_board::FaultKind::missing_tlast;
      case FaultKind::extra_words: return virtual_board::FaultKind::extra_words;
      case FaultKind::corrupt_output: return virtual_board::FaultKind::corrupt_output;
      case FaultKind::bus_error: return virtual_board::FaultKind::bus_error;
      case FaultKind::early_tlast: return virtual_board::FaultKind::early_tlast;
    }
    throw Error(ErrorCode::invalid_argument, "unknown fault kind", "campaign");
  }

  // The fault-free call time: the median of 33 calls on the fresh board (modeled time, so it
  // includes the driver's poll granularity but not the host's speed).
  Nanoseconds measure_nominal() {
    std::vector<std::vector<std::byte>> in;
    std::vector<Nanoseconds> samples;
    Clock& clock = accelerator_->board().clock();
    for (std::uint64_t k = 0; k < 33; ++k) {
      inputs_.make((1ull << 42) + k, in);
      for (std::size_t i = 0; i < in.size(); ++i) std::memcpy(accelerator_->input_buffer(i).data(), in[i].data(), in[i].size());
      const Nanoseconds start = clock.now();
      const CallResult result = accelerator_->run(std::chrono::seconds(1));
      if (result.status != CallStatus::ok) {
        throw Error(ErrorCode::bad_state, fmt::format("a fault-free call failed: {}", result.detail), manifest_path_.string());
      }
      samples.push_back(clock.now() - start);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
  }

  KernelTargetConfig config_;
  std::filesystem::path manifest_path_;
  KernelInputs inputs_;
  std::unique_ptr<Accelerator> accelerator_;
  virtual_board::VirtualBoard* board_ = nullptr;
  std::string kernel_;
  CpuFallback reference_;
  Nanoseconds nominal_{0};
  std::uint64_t bus_errors_ = 0;  // bus errors injected so far (they alternate S2MM, MM2S)
};

}  // namespace

TargetFactory kernel_folder_target(KernelTargetConfig config) {
  const auto manifest = config.folder / "manifest.json";
  if (!std::filesystem::exists(manifest)) {
    throw Error(ErrorCode::not_found, "no manifest.json in the kernel folder", manifest.string());
  }
  check_range(config.input_range, "input range");
  check_range(config.output_range, "output range");
  if (config.latency_jitter.count() < 0) throw Error(ErrorCode::invalid_argument, "negative jitter", "latency jitter");
  if (config.poll_interval.count() < 0) throw Error(ErrorCode::invalid_argument, "must not be negative", "poll interval");
  return [config](std::uint64_t seed) { return std::make_unique<KernelFolderTarget>(config, seed); };
}

}  // namespace zynqnn::watchdog
