#pragma once
// A behavioural model of a pass-through kernel behind one AXI DMA, in modeled time: each call
// takes setup + words / f_PL plus seeded normal jitter, and the faults of the virtual board
// act as the hardware would show them to the driver (a hang never completes, a bus error is
// DMASlvErr, extra words are DMAIntErr on S2MM, corrupt output changes the data). A timed-out
// call is noticed one poll interval after its deadline. A started call ends at its start plus
// its modeled time; a wait moves the clock to that end, or to its deadline plus one poll
// interval when the call has not ended by then.
//
// It is what the watchdog's tests and campaigns run on; it does not replace the virtual board
// (which runs the kernel's HLS C++ behind register-accurate DMA models).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "zynqnn/core/clock.hpp"
#include "zynqnn/runtime/accelerator.hpp"

namespace zynqnn::watchdog {

enum class FaultKind { hang, stall, missing_tlast, extra_words, corrupt_output, bus_error, early_tlast };
inline constexpr int kFaultKindCount = 7;
std::string_view to_string(FaultKind kind) noexcept;
// Error(invalid_argument) for an unknown name.
FaultKind parse_fault_kind(std::string_view text);

struct InjectedFault {
  FaultKind kind = FaultKind::hang;
  bool persistent = false;    // false: the next call only; true: until reconfigure()
  double stall_factor = 8.0;  // stall: the call's time is multiplied by this
  bool survives_reconfigure = false;  // persistent and not healed by a reload (broken PL, changed environment)
};

struct ModelAcceleratorConfig {
  std::size_t words = 256;         // 32-bit words per frame, in and out
  std::string dtype = "uint32";    // "uint32", "int32" or "float32"
  double pl_clock_mhz = 100.0;     // one word per PL cycle
  Nanoseconds setup{2'000};        // driver + DMA start-up per call
  Nanoseconds jitter{100};         // standard deviation of the per-call normal jitter
  Nanoseconds poll_interval{1'000};
  Nanoseconds abort_time{5'000};
  Nanoseconds reconfigure_time{120'000'000};
  std::uint64_t seed = 1;
};

struct ModelAcceleratorStats {
  std::uint64_t runs = 0;
  std::uint64_t aborts = 0;
  std::uint64_t reconfigurations = 0;
  std::uint64_t faults_applied = 0;
};

class ModelAccelerator final : public Accelerator {
 public:
  explicit ModelAccelerator(ModelAcceleratorConfig config = {});
  ~ModelAccelerator() override;

  const std::vector<StreamInfo>& inputs() const override { return inputs_; }
  const std::vector<StreamInfo>& outputs() const override { return outputs_; }
  std::span<std::byte> input_buffer(std::size_t index) override;
  std::span<const std::byte> output_buffer(std::size_t index) const override;
  // Error(bad_state) when a failed call was not aborted (as the real driver refuses);
  // Error(invalid_argument) for a timeout that is not positive.
  CallResult run(Nanoseconds timeout) override;
  Board& board() override;

  void inject(InjectedFault fault);
  void clear_faults();
  bool fault_active() const noexcept { return !pending_.empty() || !persistent_.empty(); }
  ManualClock& clock() noexcept { return clock_; }
  // The fault-free call time without jitter.
  Nanoseconds nominal_latency() const noexcept;
  const ModelAcceleratorStats& stats() const noexcept { return stats_; }

 protected:
  Nanoseconds start_call() override;
  CallResult wait_call(Nanoseconds deadline) override;
  void abort_in_flight() override;
  void reconfigure_pl() override;

 private:
  class ModelBoard;
  // How the call in flight ends, decided by the faults when it starts.
  struct CallInFlight {
    Nanoseconds started{0};
    Nanoseconds duration{0};   // to its end (bus error: to the error)
    bool never_completes = false;
    bool bus_error = false;
    bool extra_words = false;
    bool early_tlast = false;
    bool corrupt = false;
    std::string cause;         // of a call that never completes
  };
  void refuse_before_abort() const;
  CallResult end_call();
  CallInFlight call_;
  ModelAcceleratorConfig config_;
  ManualClock clock_;
  std::unique_ptr<ModelBoard> board_;
  std::vector<StreamInfo> inputs_;
  std::vector<StreamInfo> outputs_;
  std::vector<std::byte> input_;
  std::vector<std::byte> output_;
  std::deque<InjectedFault> pending_;
  std::vector<InjectedFault> persistent_;
  bool needs_abort_ = false;
  std::mt19937_64 random_;
  std::normal_distribution<double> jitter_{0.0, 1.0};
  ModelAcceleratorStats stats_;
};

}  // namespace zynqnn::watchdog
