#include "zynqnn/compiler/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "compiler/layers/kind.hpp"
#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/estimate/estimator.hpp"

namespace zynqnn::compiler {
namespace {

using u64 = std::uint64_t;

// Operand widths of the plan's datapath, for the estimator's cost model.
void set_precision(est::LayerDesc& d, const Precision& p, bool integer_layer) {
  if (integer_layer) {
    d.input_bits = d.weight_bits = 16;
    d.accumulator_bits = d.output_bits = 32;
    return;
  }
  switch (p.kind) {
    case PrecisionKind::float32:
      d.floating_point = true;
      d.input_bits = d.weight_bits = d.accumulator_bits = d.output_bits = 32;
      break;
    case PrecisionKind::int8:
      d.input_bits = d.weight_bits = d.output_bits = 8;
      d.accumulator_bits = 32;
      break;
    case PrecisionKind::fixed:
      d.input_bits = d.weight_bits = d.output_bits = p.width;
      d.accumulator_bits = std::min(63, 2 * p.width + 8);
      break;
  }
}

int narrow(std::int64_t v) { return static_cast<int>(v); }

}  // namespace

std::vector<est::LayerDesc> estimator_layers(const LayerPlan& plan) {
  std::vector<est::LayerDesc> out;
  const auto conversions = width_conversions(plan);
  // The width converters the emitter puts before `reader` ("" = before the network outputs).
  auto converters_before = [&](const std::string& reader) {
    int n = 0;
    for (const auto& c : conversions) {
      if (c.reader != reader) continue;
      est::LayerDesc w;
      w.name = width_converter_name(plan, c, n++);
      w.kind = est::StageKind::width_convert;
      w.in_channels = narrow(c.elements);  // a converter sees a frame as a run of elements
      w.simd = c.from;
      w.pe = c.to;
      const graph::DType dtype = plan.tensor(c.value).dtype;
      set_precision(w, plan.precision, false);
      if (dtype != graph::DType::float32) {  // integer streams keep their own width
        w.floating_point = false;
        w.input_bits = w.output_bits = static_cast<int>(8 * graph::dtype_size(dtype));
      }
      out.push_back(w);
    }
  };
  for (const auto& l : plan.layers) {
    converters_before(l.id);
    est::LayerDesc d;
    d.name = l.id;
    d.pe = l.pe;
    d.simd = l.simd;
    d.in_channels = narrow(l.in_c);
    d.weights_streamed = !l.ddr_weight_port.empty();
    set_precision(d, plan.precision, l.integer);
    // The kind's own translation (its layer file): kind and geometry.
    const bool requantized = layers::kind_rule(l.kind).describe(l, d, plan.precision.kind == PrecisionKind::int8);
    out.push_back(d);
    if (requantized) {  // the requantization stage after the accumulator
      est::LayerDesc r;
      r.name = l.id + "_requant";
      r.kind = est::StageKind::requantize;
      const layers::MatrixVector unit = layers::matrix_vector_of(l);
      r.in_h = narrow(unit == layers::MatrixVector::dense ? l.pixels : l.out_h);
      r.in_w = narrow(unit == layers::MatrixVector::dense ? 1 : l.out_w);
      r.in_channels = narrow(l.out_c);
      r.simd = unit == layers::MatrixVector::depthwise ? l.simd : l.pe;
      set_precision(r, plan.precision, false);
      out.push_back(r);
    }
  }
  converters_before("");
  return out;
}

NetworkEstimate estimate(const LayerPlan& plan, double clock_mhz) {
  NetworkEstimate est;
  est.clock_mhz = clock_mhz;
  const auto descs = estimator_layers(plan);
  if (descs.empty()) return est;
  est.pipeline = est::estimate_pipeline(descs, clock_mhz);
  const auto& p = est.pipeline;
  for (std::size_t i = 0; i < p.layers.size(); ++i) {
    const auto& le = p.layers[i];
    LayerEstimate e;
    e.id = le.name;
    e.ops = i < descs.size() ? std::string(est::to_string(descs[i].kind)) : "";
    for (const auto& l : plan.layers)
      if (l.id == le.name) e.ops = l.ops;
    e.pe = le.pe;
    e.simd = le.simd;
    e.cycles = le.cycles_per_frame;
    e.dsp = static_cast<int>(std::lround(le.resources.dsp));
    e.bram18 = static_cast<int>(std::lround(le.resources.bram18));
    e.lut = static_cast<int>(std::lround(le.resources.lut));
    e.ddr_weight_bytes = le.weight_stream_bytes_per_frame;
    est.ddr_weight_bytes += e.ddr_weight_bytes;
    est.layers.push_back(e);
  }
  for (std::size_t i = 0; i < plan.layers.size(); ++i) {  // multiply-accumulates per frame
    const auto& l = plan.layers[i];
    const auto& kind = layers::kind_rule(l.kind);
    const u64 macs = kind.macs ? kind.macs(l) : 0;
    for (auto& e : est.layers)
      if (e.id == l.id) e.macs = macs;
  }
  est.interval_cycles = p.cycles_per_frame;
  est.latency_cycles = p.latency_cycles;
  // Unpacking the inputs and packing the outputs are stages of their own (one element a cycle).
  for (const auto* ports : {&plan.pl_inputs, &plan.pl_outputs})
    for (const auto& v : *ports) {
      const u64 n = static_cast<u64>(plan.tensor(v).elements());
      est.interval_cycles = std::max(est.interval_cycles, n);
      est.port_cycles += n;
    }
  est.latency_cycles += est.port_cycles;
  est.fps = est.interval_cycles ? clock_mhz * 1e6 / static_cast<double>(est.interval_cycles) : 0.0;
  est.dsp = static_cast<int>(std::lround(p.total.dsp));
  est.bram18 = static_cast<int>(std::lround(p.total.bram18));
  est.lut = static_cast<int>(std::lround(p.total.lut));
  est.budget.dsp = static_cast<int>(p.budget.available.dsp);
  est.budget.bram18 = static_cast<int>(p.budget.available.bram18);
  est.budget.lut = static_cast<int>(p.budget.available.lut);
  return est;
}

namespace {

// The next divisor of n above d (or d when there is none).
int next_divisor(std::int64_t n, int d) {
  for (std::int64_t c = d + 1; c <= n; ++c)
    if (n % c == 0) return static_cast<int>(c);
  return d;
}

PlLayer* find_layer(LayerPlan& plan, const std::string& id) {
  for (auto& l : plan.layers)
    if (l.id == id) return &l;
  return nullptr;
}

PlLayer* producer(LayerPlan& plan, const std::string& value) {
  const std::string id = plan.tensor(value).id;  // a reshaped stream keeps its id
  for (auto& l : plan.layers)
    if (plan.tensor(l.output).id == id) return &l;
  return nullptr;
}

enum class Side { either, input, output };

// One step more parallelism for a foldable layer: its input width (SIMD), its output width
// (PE; a depthwise layer has only SIMD), or the narrower of the two. False when it cannot grow.
bool grow(PlLayer* l, Side side) {
  if (!l || !foldable(*l)) return false;
  const int simd = next_divisor(l->in_c, l->simd);
  if (layers::matrix_vector_of(*l) == layers::MatrixVector::depthwise) {
    if (simd == l->simd) return false;
    l->simd = simd;
    return true;
  }
  const int pe = next_divisor(l->out_c, l->pe);
  const bool can_simd = simd != l->simd, can_pe = pe != l->pe;
  bool use_simd = false;
  switch (side) {
    case Side::input: use_simd = can_simd; break;
    case Side::output: use_simd = !can_pe && can_simd; break;
    case Side::either: use_simd = can_simd && (l->simd <= l->pe || !can_pe); break;
  }
  if (use_simd) l->simd = simd;
  else if (can_pe) l->pe = pe;
  else return false;
  return true;
}

}  // namespace

std::string width_converter_name(const LayerPlan& plan, const WidthConversion& c, int index) {
  return fmt::format("{}_width{}_{}to{}", c.reader.empty() ? plan.tensor(c.value).id : c.reader, index, c.from, c.to);
}

void fold_for_target(LayerPlan& plan, double clock_mhz, double target_fps) {
  propagate_lanes(plan);
  if (target_fps <= 0) return;
  const double target_cycles = clock_mhz * 1e6 / target_fps;
  for (int step = 0; step < 4096; ++step) {
    const NetworkEstimate est = estimate(plan, clock_mhz);
    if (static_cast<double>(est.interval_cycles) <= target_cycles) return;
    const auto& stages = est.pipeline.layers;
    if (stages.empty()) return;
    std::size_t slowest = 0;
    for (std::size_t i = 1; i < stages.size(); ++i)
      if (stages[i].cycles_per_frame > stages[slowest].cycles_per_frame) slowest = i;
    // Unpacking or packing at the DMA side (one element a cycle) bounds the chain: nothing folds faster.
    if (stages[slowest].cycles_per_frame < est.interval_cycles) return;
    const std::string& name = stages[slowest].name;
    const LayerPlan before = plan;
    bool grown = false;
    if (PlLayer* l = find_layer(plan, name)) {
      if (foldable(*l)) grown = grow(l, Side::either);
      else if (follows_input_width(*l)) grown = grow(producer(plan, l->inputs.at(0)), Side::output);
    } else if (name.size() > 8 && name.ends_with("_requant")) {
      grown = grow(find_layer(plan, name.substr(0, name.size() - 8)), Side::output);
    } else {
      const auto conversions = width_conversions(plan);
      std::map<std::string, int> counts;
      for (const auto& c : conversions) {
        const std::string key = c.reader.empty() ? plan.tensor(c.value).id : c.reader;
        if (width_converter_name(plan, c, counts[key]++) != name) continue;
        // The narrow side moves one word a cycle: widen it.
        if (c.to < c.from) grown = c.reader.empty() ? false : grow(find_layer(plan, c.reader), Side::input);
        else grown = grow(producer(plan, c.value), Side::output);
        break;
      }
    }
    if (!grown) return;
    propagate_lanes(plan);
    if (!estimate(plan, clock_mhz).fits()) {
      plan = before;
      return;
    }
  }
}

}  // namespace zynqnn::compiler
