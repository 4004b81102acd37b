#pragma once
// Analytical estimates for a layer plan on the XC7Z020: cycles per frame of each layer (the
// loop-nest counts the layer library documents), the dataflow interval and latency, and
// DSP/BRAM/LUT figures from simple per-lane costs. Every figure is an estimate, never a
// synthesis result (no Vitis HLS runs here).
#include <cstdint>
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler {

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
  bool fits() const { return dsp <= budget.dsp && bram36 <= budget.bram36 && lut <= budget.lut; }
};

NetworkEstimate estimate(const LayerPlan& plan, double clock_mhz);

// Raises PE/SIMD of the slowest layers until the interval meets target_fps or the budget is
// spent. Folding only changes how much each cycle does, never the results.
void fold_for_target(LayerPlan& plan, double clock_mhz, double target_fps);

}  // namespace zynqnn::compiler
