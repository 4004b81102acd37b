#include "zynqnn/compiler/estimate.hpp"

#include <algorithm>
#include <cmath>

namespace zynqnn::compiler {
namespace {

using u64 = std::uint64_t;

// Per-lane costs (estimates from typical Vivado results for 7-series at 100 MHz):
// a float multiply-add is 5 DSP48E1 (3 for fmul, 2 for fadd) and ~400 LUTs; an 8-bit
// multiply-accumulate one DSP (or ~40 LUTs when packed), a fixed-point one 1 DSP up to 18 bits.
struct LaneCost {
  int dsp_per_mac;
  int lut_per_mac;
  int lut_per_elementwise_lane;
  int bits;
};

LaneCost lane_cost(const Precision& p) {
  switch (p.kind) {
    case PrecisionKind::float32: return {5, 400, 300, 32};
    case PrecisionKind::int8: return {1, 40, 30, 8};
    case PrecisionKind::fixed: return {p.width <= 18 ? 1 : 2, 60, 40, p.width};
  }
  return {5, 400, 300, 32};
}

constexpr double kBram36Bits = 36864.0;
constexpr int kLayerControlLut = 250;  // loop control, FIFOs, handshakes of one dataflow stage

// BRAM36 for `partitions` memories of `depth` x `bits`: small memories go to LUTRAM.
double bram_for(u64 partitions, u64 depth, u64 bits) {
  if (depth * bits <= 1024) return 0.0;  // distributed RAM/ROM
  const double per = std::ceil(static_cast<double>(depth * bits) / (kBram36Bits / 2)) / 2.0;  // BRAM18 granularity
  return per * static_cast<double>(partitions);
}

u64 window_cycles(const PlLayer& l) {
  const u64 folds = static_cast<u64>(l.in_c / l.simd);
  return static_cast<u64>(l.in_h * l.in_w) * folds + static_cast<u64>(l.out_h * l.out_w * l.kernel_h * l.kernel_w) * folds;
}

}  // namespace

NetworkEstimate estimate(const LayerPlan& plan, double clock_mhz) {
  NetworkEstimate est;
  est.clock_mhz = clock_mhz;
  const LaneCost cost = lane_cost(plan.precision);
  for (const auto& l : plan.layers) {
    LayerEstimate e;
    e.id = l.id;
    e.ops = l.ops;
    e.pe = l.pe;
    e.simd = l.simd;
    const u64 pe = static_cast<u64>(l.pe), simd = static_cast<u64>(l.simd);
    const u64 in_folds = static_cast<u64>(l.in_c) / simd;
    switch (l.kind) {
      case LayerKind::conv: {
        const u64 pixels = static_cast<u64>(l.out_h * l.out_w);
        const u64 nf = static_cast<u64>(l.out_c) / pe, sf = static_cast<u64>(l.kernel_h * l.kernel_w) * in_folds;
        e.cycles = std::max(window_cycles(l), pixels * nf * sf);
        e.macs = pixels * static_cast<u64>(l.out_c * l.in_c * l.kernel_h * l.kernel_w);
        e.dsp = static_cast<int>(pe * simd) * cost.dsp_per_mac;
        e.lut = static_cast<int>(pe * simd) * cost.lut_per_mac;
        e.bram36 = bram_for(pe * simd, nf * sf, static_cast<u64>(cost.bits)) +
                   bram_for(1, static_cast<u64>(l.kernel_h * l.dilation_h) * static_cast<u64>(l.in_w) * in_folds,
                            simd * static_cast<u64>(cost.bits));
        break;
      }
      case LayerKind::depthwise_conv: {
        const u64 pixels = static_cast<u64>(l.out_h * l.out_w), k = static_cast<u64>(l.kernel_h * l.kernel_w);
        e.cycles = std::max(window_cycles(l), pixels * k * in_folds);
        e.macs = pixels * k * static_cast<u64>(l.in_c);
        e.dsp = static_cast<int>(simd) * cost.dsp_per_mac;
        e.lut = static_cast<int>(simd) * cost.lut_per_mac;
        e.bram36 = bram_for(1, static_cast<u64>(l.kernel_h * l.dilation_h) * static_cast<u64>(l.in_w) * in_folds,
                            simd * static_cast<u64>(cost.bits));
        break;
      }
      case LayerKind::dense: {
        const u64 nf = static_cast<u64>(l.out_c) / pe;
        e.cycles = static_cast<u64>(l.pixels) * nf * in_folds;
        e.macs = static_cast<u64>(l.pixels * l.out_c * l.in_c);
        e.dsp = static_cast<int>(pe * simd) * cost.dsp_per_mac;
        e.lut = static_cast<int>(pe * simd) * cost.lut_per_mac;
        e.bram36 = bram_for(pe * simd, nf * in_folds, static_cast<u64>(cost.bits));
        break;
      }
      case LayerKind::pool:
        e.cycles = std::max(window_cycles(l), static_cast<u64>(l.out_h * l.out_w * l.kernel_h * l.kernel_w) * in_folds);
        e.lut = static_cast<int>(simd) * cost.lut_per_elementwise_lane;
        e.bram36 = bram_for(1, static_cast<u64>(l.kernel_h * l.dilation_h) * static_cast<u64>(l.in_w) * in_folds,
                            simd * static_cast<u64>(cost.bits));
        break;
      case LayerKind::concat:
        e.cycles = static_cast<u64>(l.pixels * l.out_c) / simd;
        e.lut = static_cast<int>(simd) * 8;
        break;
      default:  // global pool, activation, per-channel constant, elementwise
        e.cycles = static_cast<u64>(l.pixels) * in_folds;
        e.lut = static_cast<int>(simd) * cost.lut_per_elementwise_lane;
        if (plan.precision.kind == PrecisionKind::float32 &&
            (l.kind == LayerKind::channel_const || l.kind == LayerKind::eltwise ||
             (l.kind == LayerKind::global_pool && !l.pool_max) ||
             (l.kind == LayerKind::activation && l.activation.kind == ActivationKind::sigmoid)))
          e.dsp = static_cast<int>(simd) * 3;
        break;
    }
    if (plan.precision.kind == PrecisionKind::int8 &&
        (l.kind == LayerKind::conv || l.kind == LayerKind::dense || l.kind == LayerKind::depthwise_conv))
      e.dsp += static_cast<int>(l.kind == LayerKind::depthwise_conv ? simd : pe) * 2;  // requantization multiply
    e.lut += kLayerControlLut;
    est.interval_cycles = std::max(est.interval_cycles, e.cycles);
    est.latency_cycles += e.cycles;
    est.dsp += e.dsp;
    est.bram36 += e.bram36;
    est.lut += e.lut;
    est.layers.push_back(e);
  }
  // Unpacking the inputs and packing the outputs are stages of their own (one element a cycle).
  for (const auto& v : plan.pl_inputs) {
    const u64 n = static_cast<u64>(plan.tensor(v).elements());
    est.interval_cycles = std::max(est.interval_cycles, n);
    est.latency_cycles += n;
  }
  for (const auto& v : plan.pl_outputs) {
    const u64 n = static_cast<u64>(plan.tensor(v).elements());
    est.interval_cycles = std::max(est.interval_cycles, n);
    est.latency_cycles += n;
  }
  est.fps = est.interval_cycles ? clock_mhz * 1e6 / static_cast<double>(est.interval_cycles) : 0.0;
  return est;
}

namespace {

// The next divisor of n above d (or d when there is none).
int next_divisor(std::int64_t n, int d) {
  for (std::int64_t c = d + 1; c <= n; ++c)
    if (n % c == 0) return static_cast<int>(c);
  return d;
}

}  // namespace

void fold_for_target(LayerPlan& plan, double clock_mhz, double target_fps) {
  if (target_fps <= 0) return;
  const double target_cycles = clock_mhz * 1e6 / target_fps;
  for (int step = 0; step < 4096; ++step) {
    const NetworkEstimate est = estimate(plan, clock_mhz);
    if (static_cast<double>(est.interval_cycles) <= target_cycles) return;
    // The slowest foldable layer.
    std::size_t slowest = plan.layers.size();
    std::uint64_t worst = 0;
    for (std::size_t i = 0; i < plan.layers.size(); ++i) {
      const auto k = plan.layers[i].kind;
      if (k != LayerKind::conv && k != LayerKind::dense) continue;
      if (est.layers[i].cycles > worst) {
        worst = est.layers[i].cycles;
        slowest = i;
      }
    }
    if (slowest == plan.layers.size() || worst < est.interval_cycles) return;  // bound by a stage that does not fold
    PlLayer& l = plan.layers[slowest];
    const PlLayer before = l;
    // Grow SIMD first (input parallelism), then PE.
    const int simd = next_divisor(l.in_c, l.simd);
    if (simd != l.simd) l.simd = simd;
    else l.pe = next_divisor(l.out_c, l.pe);
    if (l.simd == before.simd && l.pe == before.pe) return;
    if (!estimate(plan, clock_mhz).fits()) {
      l = before;
      return;
    }
  }
}

}  // namespace zynqnn::compiler
