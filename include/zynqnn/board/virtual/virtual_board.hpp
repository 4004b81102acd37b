#pragma once
// The virtual PYNQ-Z1 board: register-accurate AXI DMA v7.1 models (direct-register mode),
// simulated DDR, the PL kernel's C-simulation on a PL thread, modeled time and fault
// injection. The DMA driver cannot tell it from the real board. See docs/virtual-board.md.
#include <ap_axi_sdata.h>
#include <hls_stream.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "zynqnn/board/virtual/modeled_clock.hpp"
#include "zynqnn/core/dma_memory.hpp"
#include "zynqnn/runtime/board.hpp"

namespace zynqnn::virtual_board {

struct DmaConfig {
  std::string name = "axi_dma_0";
  std::uint64_t base = 0x40400000;
  bool has_mm2s = true;
  bool has_s2mm = true;
  unsigned mm2s_stream_bits = 32;  // 32 or 64
  unsigned s2mm_stream_bits = 32;  // 32 or 64
  unsigned length_width = 26;      // C_SG_LENGTH_WIDTH, 8..26
  // Hardware variations a driver must cope with (PG021; all off by default):
  // Halted is set this many PL cycles after an error bit (RS clears at once); 0: together.
  unsigned halted_lag_cycles = 0;
  // A soft reset waits for the AXI transactions in flight, as the hardware does: with a stream
  // stuck mid-packet (MM2S unable to push a beat, S2MM inside a packet without TLAST) it does
  // not complete until that stream moves again or the PL is reloaded. false: the reset always
  // completes after its 64 cycles (the engine lets go of the stream).
  bool soft_reset_waits_for_streams = false;
  // The DMA was built with scatter-gather (C_INCLUDE_SG = 1): DMASR.SGIncld (bit 3) reads 1.
  // The model still behaves as direct-register mode; a driver for direct mode must refuse it.
  bool sg_included = false;
};

enum class TimeMode { modeled, real };

struct VirtualBoardConfig {
  std::vector<DmaConfig> dmas{DmaConfig{}};
  std::size_t ddr_bytes = dma_memory_bytes;
  std::uint64_t ddr_base = 0x10000000;  // fake physical addresses of the simulated DDR
  double pl_clock_mhz = 100.0;
  // PL cycles one AXI4-Lite register read or write takes (modeled time passes for the caller;
  // an estimate, see docs/virtual-board.md). 0: register accesses take no modeled time.
  unsigned register_access_cycles = 8;
  // The memory path every DMA master shares (docs/virtual-board.md, "Transfer timing"): the
  // generated design connects all of them through one interconnect to HP0, 64 bits wide, with
  // independent read and write channels; behind it the DDR, whose bandwidth reads and writes
  // share. PYNQ-Z1: 16-bit DDR3 at 525 MHz, two transfers per clock (the theoretical peak).
  double hp_port_bytes_per_cycle = 8;
  double ddr_mb_per_s = 2100;
  // The part of the DDR's bandwidth left to the PL (the CPU and the PS's masters take the
  // rest): 1 = an idle CPU.
  double ddr_share_for_pl = 1.0;
  std::size_t stream_depth_words = 64;  // AXI4-Stream FIFO depth between a DMA and the kernel
  TimeMode time = TimeMode::modeled;
  Nanoseconds reconfigure_time = std::chrono::milliseconds(120);
  // Standard deviation of a seeded, deterministic normal jitter added to a frame's modeled
  // time (the S2MM transfer); 0 disables it.
  Nanoseconds latency_jitter = std::chrono::nanoseconds(100);
  std::uint64_t seed = 1;
};

// load_failure: the next load of the PL (reconfigure()) fails and leaves it down; persistent:
// every load fails until clear_faults() (a load cannot clear it).
enum class FaultKind { hang, stall, missing_tlast, extra_words, corrupt_output, bus_error, early_tlast, load_failure };
const char* to_string(FaultKind kind) noexcept;

// Which DMA channel a bus_error hits.
enum class FaultChannel { any, mm2s, s2mm };

struct Fault {
  FaultKind kind;
  bool persistent = false;    // false: the next frame (or transfer) only; true: until reconfigure()
  double stall_factor = 8.0;  // stall: the frame's modeled time is multiplied by this
  unsigned extra_words = 3;   // extra_words: words appended after the last one
  // persistent and not cleared by reconfigure() either (a damaged PL, a changed environment):
  // only clear_faults() removes it.
  bool survives_reconfigure = false;
  FaultChannel channel = FaultChannel::any;  // bus_error: the next transfer of this channel
  std::string dma{};  // bus_error: only a channel of the DMA of this instance name (empty: any DMA)
};

using AxisWord32 = ap_axiu<32, 0, 0, 0>;
using AxisWord64 = ap_axiu<64, 0, 0, 0>;

// An AXI4-Stream port between a DMA channel and the kernel: a bounded hls::stream of 32- or
// 64-bit words (data, keep, last).
class AxisPort {
 public:
  AxisPort(std::string name, unsigned width_bits, std::size_t depth_words);
  unsigned width_bits() const noexcept { return width_bits_; }
  const std::string& name() const noexcept { return name_; }
  // The stream of the port's width; asking for the other width is an Error (invalid_argument).
  hls::stream<AxisWord32>& stream32();
  hls::stream<AxisWord64>& stream64();
  // The stream as the ABI passes it: hls::stream<ap_axiu<width_bits,0,0,0>>*.
  void* stream_pointer() noexcept;

  // Width-independent access for the DMA engines (data in the low width_bits bits).
  struct Beat {
    std::uint64_t data = 0;
    std::uint32_t keep = 0;
    bool last = false;
  };
  void write(const Beat& beat);
  Beat read();
  // The DMA engines' side, without blocking and under one lock for many beats:
  // fill() writes the beats `next(Beat&)` produces (false: no more) while the FIFO has room;
  // drain() shows the beats in order to `take(const Beat&)`, which says whether to take each.
  // Both return how many beats moved.
  using TakeResult = hls::stream<AxisWord32>::take_result;
  template <typename Next>
  std::size_t fill(Next&& next);
  template <typename Take>
  std::size_t drain(Take&& take);
  bool empty() const;
  // Drops the beats in the FIFO (a DMA reset flushing a transfer).
  void clear();
  void close();
  void reopen();

 private:
  template <typename Word>
  static Word to_word(const Beat& beat) {
    Word word{};
    word.data = beat.data;
    word.keep = beat.keep;
    word.strb = beat.keep;
    word.last = beat.last ? 1 : 0;
    return word;
  }
  template <typename Word>
  static Beat to_beat(const Word& word) {
    return Beat{word.data.to_uint64(), static_cast<std::uint32_t>(word.keep.to_uint64()), word.last.to_uint64() != 0};
  }
  template <typename Word, typename Next>
  static std::size_t fill_stream(hls::stream<Word>& stream, Next& next) {
    return stream.fill([&next](Word& word) {
      Beat beat;
      if (!next(beat)) return false;
      word = to_word<Word>(beat);
      return true;
    });
  }
  template <typename Word, typename Take>
  static std::size_t drain_stream(hls::stream<Word>& stream, Take& take) {
    return stream.drain([&take](const Word& word) {
      switch (take(to_beat(word))) {
        case TakeResult::leave: return hls::stream<Word>::take_result::leave;
        case TakeResult::take: return hls::stream<Word>::take_result::take;
        default: return hls::stream<Word>::take_result::take_and_stop;
      }
    });
  }

  std::string name_;
  unsigned width_bits_;
  std::unique_ptr<hls::stream<AxisWord32>> stream32_;
  std::unique_ptr<hls::stream<AxisWord64>> stream64_;
};

template <typename Next>
std::size_t AxisPort::fill(Next&& next) {
  return stream32_ ? fill_stream(*stream32_, next) : fill_stream(*stream64_, next);
}

template <typename Take>
std::size_t AxisPort::drain(Take&& take) {
  return stream32_ ? drain_stream(*stream32_, take) : drain_stream(*stream64_, take);
}

// What the programmable logic runs. ap_ctrl_none: the board calls run_frame again and again
// on its PL thread; the kernel blocks on its input streams between frames.
class PlKernel {
 public:
  virtual ~PlKernel() = default;
  virtual void run_frame(std::span<AxisPort> inputs, std::span<AxisPort> outputs) = 0;
  // Modeled compute time of one frame, in PL clock cycles.
  virtual std::uint64_t frame_latency_cycles() const { return 0; }
  virtual std::size_t num_inputs() const { return 1; }
  virtual std::size_t num_outputs() const { return 1; }
  virtual unsigned input_bits(std::size_t /*i*/) const { return 32; }
  virtual unsigned output_bits(std::size_t /*j*/) const { return 32; }
  // Called once on every new PL thread before its first frame with the thread's wait observer
  // (a kernel living in another shared object forwards it to its own C-simulation state).
  virtual void prepare_thread(hls::csim::wait_observer* /*observer*/) {}
};

// The seed paper's pass-through: copies words from input 0 to output 0. With points == 0 a
// frame ends with the input word that carries TLAST; otherwise a frame is exactly `points`
// words (NUMBER_OF_POINTS) and the last output word carries TLAST.
std::shared_ptr<PlKernel> make_loopback_kernel(unsigned stream_bits = 32, std::size_t points = 0);

// dlopen()s a generated C-simulation library exporting zynqnn_pl_kernel_v1 (pl_kernel_abi.h).
// Checks the ABI version, the port counts and widths (32/64); Error otherwise.
std::shared_ptr<PlKernel> load_kernel_library(const std::string& path);

struct Stats {
  std::uint64_t frames = 0;            // run_frame calls that returned
  std::uint64_t reconfigurations = 0;
  std::uint64_t mm2s_transfers = 0;    // completed without error
  std::uint64_t s2mm_transfers = 0;
  std::uint64_t words_moved = 0;       // stream beats moved by all DMA channels
  std::uint64_t bytes_moved = 0;
  std::uint64_t dma_errors = 0;        // transfers ended with DMAIntErr/DMASlvErr/DMADecErr
  std::uint64_t soft_resets = 0;
  std::uint64_t faults_applied = 0;    // fault occurrences that hit a frame or transfer
  std::uint64_t kernel_errors = 0;     // run_frame threw something other than a PL reset
  std::uint64_t register_reads = 0;    // AXI-Lite reads and writes of any DMA's registers
  std::uint64_t register_writes = 0;
};

class DmaDevice;
class FaultState;
class PlThreadObserver;
class SimulatedDdr;
struct BoardCounters;

class VirtualBoard final : public Board {
 public:
  VirtualBoard(VirtualBoardConfig config, std::shared_ptr<PlKernel> kernel);
  ~VirtualBoard() override;
  VirtualBoard(const VirtualBoard&) = delete;
  VirtualBoard& operator=(const VirtualBoard&) = delete;

  std::string name() const override { return "virtual"; }
  // line 0 = mm2s_introut, 1 = s2mm_introut of the DMA at `base`; nullptr if that channel is absent.
  std::unique_ptr<InterruptLine> open_interrupt(std::uint64_t base, unsigned line) override;
  DmaMemory& memory() override;
  Clock& clock() override;

  void inject(Fault fault);
  void clear_faults();
  // A fault waits for the next frame or transfer, or persists.
  bool fault_pending() const;
  Stats stats() const;
  const VirtualBoardConfig& config() const { return config_; }

 protected:
  // The register space of the DMA whose base matches (size at most 64 KiB); Error otherwise.
  std::unique_ptr<RegisterSpace> map_device_registers(std::uint64_t base, std::size_t size) override;
  // A PL reload: every stream and DMA reset, the kernel restarted (modeled reconfigure_time).
  void load_configuration() override;

 private:
  friend class PlThreadObserver;
  void start_pl_thread();
  void stop_pl_thread();
  // Moves what the DMA engines can move now (on the calling simulation thread).
  void pump_dmas();
  void pl_thread_main();
  void wait_for_frame_start();

  VirtualBoardConfig config_;
  std::shared_ptr<PlKernel> kernel_;
  std::shared_ptr<SimulationTime> clock_;
  std::shared_ptr<SimulatedDdr> ddr_;
  std::unique_ptr<BoardCounters> counters_;
  std::unique_ptr<FaultState> faults_;
  std::vector<AxisPort> inputs_;
  std::vector<AxisPort> outputs_;
  std::vector<std::shared_ptr<DmaDevice>> dmas_;
  std::unique_ptr<PlThreadObserver> pl_observer_;
  std::mutex reconfigure_mutex_;
  std::thread pl_thread_;
  std::mutex pl_exit_mutex_;
  std::condition_variable pl_exited_cv_;
  bool pl_exited_ = true;
  std::atomic<bool> pl_stop_{false};
};

}  // namespace zynqnn::virtual_board
