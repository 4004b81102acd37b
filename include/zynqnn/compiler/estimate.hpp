#pragma once
// Estimates for a layer plan on the XC7Z020, from the analytical estimator (src/estimate):
// per-layer cycles per frame (the loop-nest counts of the layer library), the dataflow
// interval and latency, LUT/BRAM/DSP. Every figure is an estimate, never a synthesis result
// (no Vitis HLS runs here).
#include <cstdint>
#include <string>
#include <vector>

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
  double bram36 = 0;
  int lut = 0;
};

struct DeviceBudget {  // XC7Z020 (PYNQ-Z1/Z2)
  int dsp = 220;
  double bram36 = 140;
  int lut = 53200;
};

struct NetworkEstimate {
  std::vector<LayerEstimate> layers;
  std::uint64_t interval_cycles = 0;  // the slowest layer: cycles between frames in a stream
  std::uint64_t latency_cycles = 0;   // one frame through the chain (sum of the stages)
  double clock_mhz = 100.0;
  double fps = 0;                     // frames per second at interval_cycles
  int dsp = 0;
  double bram36 = 0;
  int lut = 0;
  DeviceBudget budget;
  est::PipelineEstimate pipeline;  // the estimator's full result (FF, per-stage cycles...)
  bool fits() const { return pipeline.layers.empty() || pipeline.fits(); }
};

// The plan's layers as the estimator's layer descriptions (hls/layers stages, in order; an
// int8 convolution/dense layer is followed by its requantization stage).
std::vector<est::LayerDesc> estimator_layers(const LayerPlan& plan);

NetworkEstimate estimate(const LayerPlan& plan, double clock_mhz);

// Raises PE/SIMD of the slowest layers until the interval meets target_fps or the budget is
// spent. Folding only changes how much each cycle does, never the results.
void fold_for_target(LayerPlan& plan, double clock_mhz, double target_fps);

}  // namespace zynqnn::compiler
