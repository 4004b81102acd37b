#pragma once
// Folding optimizer: picks PE/SIMD per layer (divisors of the channel counts, as the HLS
// templates require) so that every layer's cycles per frame stay under a common target,
// each layer using the cheapest folding that meets it: the pipeline stays balanced and no
// layer spends resources on speed the bottleneck cannot use. When the target FPS is out of
// reach (a layer cannot go that fast, or the design would not fit), it reports the best FPS
// that fits the budget instead.
#include <vector>

#include "zynqnn/estimate/estimator.hpp"
#include "zynqnn/estimate/layer.hpp"
#include "zynqnn/estimate/resources.hpp"

namespace zynqnn::estimate {

struct FoldingRequest {
  double target_fps = 0;
  double clock_mhz = 100.0;
  DeviceBudget budget = xc7z020();
  // Fraction of the device the design may use (headroom for the DMA, interconnect, routing).
  double max_utilization = 0.85;
};

struct FoldingResult {
  std::vector<LayerDesc> layers;  // the input layers with pe/simd chosen
  PipelineEstimate estimate;      // of `layers`
  bool target_met = false;        // estimate.frames_per_second >= target and it fits
  bool fits = false;              // false: not even the slowest folding fits the budget
};

// Throws zynqnn::Error(invalid_argument) for an empty pipeline, a non-positive target or
// clock, or an invalid layer.
FoldingResult optimize_folding(const std::vector<LayerDesc>& layers, const FoldingRequest& request);

// The (pe, simd) pairs the HLS templates accept for a layer (width converters: only their own).
struct Folding {
  int pe;
  int simd;
};
std::vector<Folding> folding_candidates(const LayerDesc& layer);

}  // namespace zynqnn::estimate
