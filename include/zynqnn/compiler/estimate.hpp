#pragma once
// Estimates for a layer plan on the XC7Z020, from the analytical estimator (src/estimate):
// per-layer cycles per frame (the loop-nest counts of the layer library), the dataflow
// interval and latency, LUT/BRAM/DSP. Every figure is an estimate, never a synthesis result
// (no Vitis HLS runs here).
#include <cstdint>
#include <string>
#include <vector>

#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/estimate/estimator.hpp"
#include "zynqnn/estimate/layer.hpp"

namespace zynqnn::compiler {

namespace est = ::zynqnn::estimate;

struct LayerEstimate {
  std::string id, ops;
  std::uint64_t cycles = 0;   // cycles per frame at II=1 loops
  std::uint64_t macs = 0;     // multiply-accumulates per frame
  int pe = 1, simd = 1;
  int dsp = 0;
  int bram18 = 0;  // 18 Kb block RAMs (one BRAM36 = two BRAM18), the unit of Vitis HLS's reports
  int lut = 0;
  std::uint64_t ddr_weight_bytes = 0;  // weights streamed from DDR per frame (0: on chip)
};

struct DeviceBudget {  // XC7Z020 (PYNQ-Z1/Z2)
  int dsp = 220;
  int bram18 = 280;  // 140 BRAM36
  int lut = 53200;
};

struct NetworkEstimate {
  std::vector<LayerEstimate> layers;
  std::uint64_t interval_cycles = 0;  // the slowest layer: cycles between frames in a stream
  // One frame through the emitted chain, the manifest's frame_latency_cycles: the layer
  // stages (pipeline.latency_cycles, what `zynqnn estimate OUT` gives) plus port_cycles.
  std::uint64_t latency_cycles = 0;
  std::uint64_t port_cycles = 0;  // unpacking the inputs, packing the outputs: one element a cycle
  double clock_mhz = 100.0;
  double fps = 0;                     // frames per second at interval_cycles
  int dsp = 0;
  int bram18 = 0;
  int lut = 0;
  std::uint64_t ddr_weight_bytes = 0;  // every layer's weights read from DDR per frame
  DeviceBudget budget;
  est::PipelineEstimate pipeline;  // the estimator's full result (FF, per-stage cycles...)
  bool fits() const { return pipeline.layers.empty() || pipeline.fits(); }
};

// The plan's layers as the estimator's layer descriptions: the stages the emitter writes, in
// order (an int8 convolution/dense layer is followed by its requantization stage; a width
// converter precedes a layer whose input width differs from its producer's).
std::vector<est::LayerDesc> estimator_layers(const LayerPlan& plan);

NetworkEstimate estimate(const LayerPlan& plan, double clock_mhz);

// Raises PE/SIMD of the layer behind the slowest stage (a foldable layer itself, the producer
// of a pooling/elementwise layer or requantization, or the narrow side of a width converter)
// until the interval meets target_fps, the budget would be exceeded, or nothing folds further
// (then the result is the fastest folding found that fits). Widths are propagated (lanes.hpp)
// also when target_fps <= 0. Folding only changes how much each cycle does, never the results.
void fold_for_target(LayerPlan& plan, double clock_mhz, double target_fps);

// The estimator's name of a width converter: <reader>_width<index>_<from>to<to>.
std::string width_converter_name(const LayerPlan& plan, const WidthConversion& conversion, int index);

}  // namespace zynqnn::compiler
