// Analytical estimates. Cycle counts follow the loop nests of hls/layers exactly (II = 1);
// resource figures follow FINN's published cost models where one exists (MVAU LUTs:
// c0 + c1*PE*(multipliers + adder tree + accumulator); weight BRAM from depth x width) and
// simple per-lane costs elsewhere. They are estimates, never synthesis results.
#include "zynqnn/estimate/estimator.hpp"

#include <algorithm>
#include <cmath>

#include "zynqnn/core/error.hpp"

namespace zynqnn::estimate {

namespace {

using u64 = std::uint64_t;

constexpr double kFinnLutBase = 300;  // FINN MVAU c0
constexpr double kFinnLutScale = 1.1; // FINN MVAU c1
constexpr double kControlLuts = 60;   // loop counters and handshakes of a simple layer
constexpr double kControlFfs = 80;
// float32 operators as HLS maps them with full DSP use (typical 7-series figures).
constexpr double kFloatMulDsp = 3, kFloatMulLut = 140, kFloatAddDsp = 2, kFloatAddLut = 230;
constexpr double kFloatLaneFfs = 500;

int ceil_log2(u64 v) {
  int bits = 0;
  while ((u64{1} << bits) < v) ++bits;
  return bits;
}

int activation_bits(const LayerDesc& l) { return l.floating_point ? 32 : l.input_bits; }
int weight_bits(const LayerDesc& l) { return l.floating_point ? 32 : l.weight_bits; }
int acc_bits(const LayerDesc& l) { return l.floating_point ? 32 : l.accumulator_bits; }

bool macs_in_dsp(const LayerDesc& l) {
  switch (l.mac_resource) {
    case MacResource::lut: return false;
    case MacResource::dsp: return true;
    case MacResource::automatic: break;
  }
  return l.input_bits > 4 && l.weight_bits > 4;
}

// DSP48E1 slices for one integer a x b multiplier (25 x 18 signed per slice).
double dsp_per_multiplier(int a, int b) {
  const int wide = std::max(a, b), narrow = std::min(a, b);
  return std::ceil(wide / 25.0) * std::ceil(narrow / 18.0);
}

// A memory of `depth` words of `width` bits: LUTRAM when shallow, block RAM otherwise.
void add_memory(Resources& r, u64 depth, u64 width, int copies = 1) {
  if (depth == 0 || width == 0) return;
  if (depth <= 64) {
    r.lut += copies * static_cast<double>(width) * static_cast<double>((depth + 63) / 64);
  } else {
    r.bram18 += copies * bram18_for(static_cast<long long>(depth), static_cast<long long>(width));
  }
}

// PE x SIMD multiply-accumulate array with PE accumulators (FINN MVAU cost model).
void add_mac_array(Resources& r, const LayerDesc& l, int pe, int simd, u64 reduction) {
  if (l.floating_point) {
    r.dsp += pe * simd * (kFloatMulDsp + kFloatAddDsp);
    r.lut += pe * simd * (kFloatMulLut + kFloatAddLut) + kFinnLutBase;
    r.ff += pe * simd * kFloatLaneFfs + kControlFfs;
    return;
  }
  const int a = l.input_bits, w = l.weight_bits;
  const double mult_luts = macs_in_dsp(l) ? 0 : simd * (2 * std::ceil((w + a) / 6.0) - 1) * (w + a);
  const double adder_tree_luts = (w + a) * (2.0 * simd - 1);
  const double accumulator_luts = w + a + std::ceil(std::log2(std::max<double>(2, static_cast<double>(reduction))));
  r.lut += kFinnLutBase + kFinnLutScale * pe * (mult_luts + adder_tree_luts + accumulator_luts);
  if (macs_in_dsp(l)) r.dsp += pe * simd * dsp_per_multiplier(a, w);
  r.ff += kControlFfs + pe * (simd * (w + a) + acc_bits(l));
}

// Line buffer and read/pad multiplexers of sliding_window.
u64 add_sliding_window(Resources& r, const LayerDesc& l) {
  const u64 folds = static_cast<u64>(l.in_channels / l.simd);
  const u64 rows = static_cast<u64>(l.dilation_h) * (l.kernel_h - 1) + 1;
  const u64 word_bits = static_cast<u64>(l.simd) * activation_bits(l);
  add_memory(r, rows * l.in_w * folds, word_bits);
  r.lut += 2 * kControlLuts + 2.0 * word_bits;  // address arithmetic, pad multiplexer
  r.ff += 2 * kControlFfs + 2.0 * word_bits;
  return static_cast<u64>(l.in_h) * l.in_w * folds +
         static_cast<u64>(l.out_h()) * l.out_w() * l.kernel_h * l.kernel_w * folds;
}

void add_lanes(Resources& r, int lanes, double lut_per_lane, double ff_per_lane, double dsp_per_lane = 0) {
  r.lut += kControlLuts + lanes * lut_per_lane;
  r.ff += kControlFfs + lanes * ff_per_lane;
  r.dsp += lanes * dsp_per_lane;
}

}  // namespace

LayerEstimate estimate_layer(const LayerDesc& l) {
  validate(l);
  LayerEstimate e;
  e.name = l.name;
  e.kind = l.kind;
  e.pe = l.pe;
  e.simd = l.simd;
  const u64 c = static_cast<u64>(l.in_channels), oc = static_cast<u64>(l.output_channels());
  const u64 in_pixels = static_cast<u64>(l.in_h) * l.in_w;
  const u64 out_pixels = static_cast<u64>(l.out_h()) * l.out_w();
  const u64 kernel = static_cast<u64>(l.kernel_h) * l.kernel_w;
  const int a = activation_bits(l), acc = acc_bits(l);
  int pipeline_depth = 4;
  Resources& r = e.resources;

  switch (l.kind) {
    case StageKind::conv:
    case StageKind::fully_connected: {
      const u64 groups = l.kind == StageKind::conv ? static_cast<u64>(l.groups) : 1;
      const u64 k = l.kind == StageKind::conv ? kernel : 1;
      const u64 nf = (oc / groups) / l.pe, sf = k * (c / groups) / l.simd;
      const u64 pixels = l.kind == StageKind::conv ? out_pixels : in_pixels;
      e.compute_cycles = pixels * groups * nf * sf;
      if (l.kind == StageKind::conv) e.window_cycles = add_sliding_window(r, l);
      add_mac_array(r, l, l.pe, l.simd, k * (c / groups));
      e.weight_depth = groups * nf * sf;
      e.weight_width_bits = static_cast<u64>(l.simd) * weight_bits(l);
      if (l.weights_streamed) {
        e.weight_stream_bytes_per_frame = pixels * e.weight_depth * l.pe * e.weight_width_bits / 8;
      } else {
        add_memory(r, e.weight_depth, e.weight_width_bits, l.pe);
      }
      add_memory(r, sf, static_cast<u64>(l.simd) * a);  // input vector replay buffer
      pipeline_depth = 4 + ceil_log2(static_cast<u64>(l.simd)) + (l.floating_point ? 12 : 0);
      break;
    }
    case StageKind::depthwise_conv: {
      const u64 folds = c / l.simd;
      e.window_cycles = add_sliding_window(r, l);
      e.compute_cycles = out_pixels * kernel * folds;
      add_mac_array(r, l, l.simd, 1, kernel);
      e.weight_depth = folds * kernel;
      e.weight_width_bits = static_cast<u64>(l.simd) * weight_bits(l);
      add_memory(r, e.weight_depth, e.weight_width_bits);
      add_memory(r, folds, static_cast<u64>(l.simd) * acc);  // per-channel accumulators
      pipeline_depth = 5 + (l.floating_point ? 12 : 0);
      break;
    }
    case StageKind::max_pool:
    case StageKind::avg_pool: {
      const u64 folds = c / l.simd;
      e.window_cycles = add_sliding_window(r, l);
      e.compute_cycles = out_pixels * kernel * folds;
      const bool average = l.kind == StageKind::avg_pool;
      // max: comparator + multiplexer; average: adder and a division by the window count.
      add_lanes(r, l.simd, average ? 8.0 * acc : 2.0 * a, average ? 2.0 * acc : a, average && !l.floating_point ? 1 : 0);
      add_memory(r, folds, static_cast<u64>(l.simd) * (average ? acc : a));
      pipeline_depth = average ? 12 : 3;
      break;
    }
    case StageKind::global_pool: {
      const u64 folds = c / l.simd;
      e.compute_cycles = in_pixels * folds;
      add_lanes(r, l.simd, 8.0 * acc, 2.0 * acc, l.floating_point ? 0 : 1);
      add_memory(r, folds, static_cast<u64>(l.simd) * acc);
      pipeline_depth = 12;
      break;
    }
    case StageKind::activation:
      e.compute_cycles = in_pixels * (c / l.simd);
      add_lanes(r, l.simd, l.floating_point ? 64 : 2.0 * a, l.floating_point ? 64 : a);
      break;
    case StageKind::requantize:
      e.compute_cycles = in_pixels * (c / l.simd);
      // acc x 31-bit multiplier, rounding shift, clamp; per-channel parameters in a ROM.
      add_lanes(r, l.simd, 2.0 * acc + 64, 3.0 * acc, dsp_per_multiplier(acc, 31));
      add_memory(r, c / l.simd, static_cast<u64>(l.simd) * 38);
      pipeline_depth = 6;
      break;
    case StageKind::eltwise:
      e.compute_cycles = in_pixels * (c / l.simd);
      // float add, or the quantized add's two multipliers and rounding shift.
      if (l.floating_point) add_lanes(r, l.simd, kFloatAddLut, kFloatLaneFfs / 2, kFloatAddDsp);
      else add_lanes(r, l.simd, 3.0 * a + 64, 4.0 * a, 2 * dsp_per_multiplier(a + 1, 24));
      pipeline_depth = 6;
      break;
    case StageKind::concat:
      e.compute_cycles = in_pixels * (oc / l.simd);
      add_lanes(r, l.simd, a, 0);
      pipeline_depth = 2;
      break;
    case StageKind::width_convert: {
      e.compute_cycles = in_pixels * c / static_cast<u64>(std::min(l.simd, l.pe));
      const int wide = std::max(l.simd, l.pe);
      add_lanes(r, wide, a, a);
      pipeline_depth = 2;
      break;
    }
    case StageKind::duplicate:
      e.compute_cycles = in_pixels * (c / l.simd);
      add_lanes(r, 0, 0, 0);
      pipeline_depth = 2;
      break;
  }
  e.cycles_per_frame = std::max(e.window_cycles, e.compute_cycles);
  e.latency_cycles = e.cycles_per_frame + static_cast<u64>(pipeline_depth);
  return e;
}

PipelineEstimate estimate_pipeline(const std::vector<LayerDesc>& layers, double clock_mhz,
                                   const DeviceBudget& budget) {
  if (layers.empty()) throw Error(ErrorCode::invalid_argument, "the pipeline has no layers", "estimate_pipeline");
  if (!(clock_mhz > 0) || !std::isfinite(clock_mhz))
    throw Error(ErrorCode::invalid_argument, "the clock must be a positive frequency in MHz", "estimate_pipeline: clock_mhz");
  PipelineEstimate p;
  p.clock_mhz = clock_mhz;
  p.budget = budget;
  for (const auto& layer : layers) {
    p.layers.push_back(estimate_layer(layer));
    const auto& e = p.layers.back();
    p.total += e.resources;
    p.latency_cycles += e.latency_cycles;
    if (e.cycles_per_frame > p.cycles_per_frame) {
      p.cycles_per_frame = e.cycles_per_frame;
      p.bottleneck = p.layers.size() - 1;
    }
  }
  p.frames_per_second = clock_mhz * 1e6 / static_cast<double>(p.cycles_per_frame);
  p.latency_ms = static_cast<double>(p.latency_cycles) / (clock_mhz * 1e3);
  p.overflows = overflows(p.total, budget);
  return p;
}

}  // namespace zynqnn::estimate
