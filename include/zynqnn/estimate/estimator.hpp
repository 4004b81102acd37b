#pragma once
// Analytical per-layer and pipeline estimates (FINN-style, before any synthesis): cycles per
// frame, initiation interval, latency, LUT/FF/BRAM18/DSP. Every figure is an estimate from
// formulas (docs/hls-layers.md), not a synthesis or measurement result.
#include <cstdint>
#include <string>
#include <vector>

#include "zynqnn/estimate/layer.hpp"
#include "zynqnn/estimate/resources.hpp"

namespace zynqnn::estimate {

struct LayerEstimate {
  std::string name;
  StageKind kind = StageKind::conv;
  int pe = 1, simd = 1;
  // Cycles the layer needs per frame at II=1 (its initiation interval in a frame pipeline).
  std::uint64_t cycles_per_frame = 0;
  // Stages inside the layer (a conv's window generator and its MVU overlap under DATAFLOW;
  // the slower one bounds the layer).
  std::uint64_t window_cycles = 0;
  std::uint64_t compute_cycles = 0;
  // Cycles from the first input word to the last output word of a frame.
  std::uint64_t latency_cycles = 0;
  Resources resources;
  // Weight memory: words per PE and word width (PE memories of depth x width bits).
  std::uint64_t weight_depth = 0;
  std::uint64_t weight_width_bits = 0;
  // Bytes of weights read from DDR per frame when weights are streamed.
  std::uint64_t weight_stream_bytes_per_frame = 0;
};

struct PipelineEstimate {
  std::vector<LayerEstimate> layers;
  double clock_mhz = 100.0;
  std::uint64_t cycles_per_frame = 0;  // the slowest layer's: the pipeline's initiation interval
  std::size_t bottleneck = 0;          // index of the slowest layer
  std::uint64_t latency_cycles = 0;    // sum of layer latencies: an upper bound for one frame
  double frames_per_second = 0;
  double latency_ms = 0;
  Resources total;
  DeviceBudget budget;
  std::vector<Overflow> overflows;  // empty when the design fits the budget
  bool fits() const { return overflows.empty(); }
};

// Validates and estimates one layer.
LayerEstimate estimate_layer(const LayerDesc& layer);

// Estimates a pipeline of layers (in order) at a PL clock against a device budget.
PipelineEstimate estimate_pipeline(const std::vector<LayerDesc>& layers, double clock_mhz = 100.0,
                                   const DeviceBudget& budget = xc7z020());

}  // namespace zynqnn::estimate
