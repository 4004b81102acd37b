#include "zynqnn/estimate/folding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "zynqnn/core/error.hpp"

namespace zynqnn::estimate {

namespace {

std::vector<int> divisors(int n) {
  std::vector<int> d;
  for (int i = 1; i <= n; ++i)
    if (n % i == 0) d.push_back(i);
  return d;
}

struct Option {
  Folding folding;
  LayerEstimate estimate;
  double cost;  // resources as a fraction of the usable budget, summed over kinds
};

double cost_of(const Resources& r, const DeviceBudget& budget) {
  const auto share = [](double used, double available) { return available > 0 ? used / available : 0.0; };
  return share(r.lut, budget.available.lut) + share(r.ff, budget.available.ff) +
         share(r.bram18, budget.available.bram18) + share(r.dsp, budget.available.dsp);
}

// The cheapest option of each layer within `cycles`; false when a layer cannot get there.
bool choose(const std::vector<std::vector<Option>>& options, std::uint64_t cycles, std::vector<const Option*>& chosen) {
  chosen.assign(options.size(), nullptr);
  for (std::size_t i = 0; i < options.size(); ++i) {
    for (const auto& option : options[i]) {
      if (option.estimate.cycles_per_frame > cycles) continue;
      if (!chosen[i] || option.cost < chosen[i]->cost ||
          (option.cost == chosen[i]->cost && option.estimate.cycles_per_frame < chosen[i]->estimate.cycles_per_frame))
        chosen[i] = &option;
    }
    if (!chosen[i]) return false;
  }
  return true;
}

Resources total_of(const std::vector<const Option*>& chosen) {
  Resources total;
  for (const auto* option : chosen) total += option->estimate.resources;
  return total;
}

}  // namespace

std::vector<Folding> folding_candidates(const LayerDesc& layer) {
  const int c = layer.in_channels, oc = layer.output_channels();
  std::vector<Folding> result;
  switch (layer.kind) {
    case StageKind::conv:
      for (int pe : divisors(oc / layer.groups))
        for (int simd : divisors(c / layer.groups)) result.push_back({pe, simd});
      break;
    case StageKind::fully_connected:
      for (int pe : divisors(oc))
        for (int simd : divisors(c)) result.push_back({pe, simd});
      break;
    case StageKind::concat:
      for (int simd : divisors(std::gcd(c, oc - c))) result.push_back({1, simd});
      break;
    case StageKind::width_convert:
      result.push_back({layer.pe, layer.simd});
      break;
    default:
      for (int simd : divisors(c)) result.push_back({1, simd});
      break;
  }
  return result;
}

FoldingResult optimize_folding(const std::vector<LayerDesc>& layers, const FoldingRequest& request) {
  if (layers.empty()) throw Error(ErrorCode::invalid_argument, "the pipeline has no layers", "optimize_folding");
  if (!(request.target_fps > 0) || !std::isfinite(request.target_fps))
    throw Error(ErrorCode::invalid_argument, "the target FPS must be positive", "optimize_folding: target_fps");
  if (!(request.clock_mhz > 0) || !std::isfinite(request.clock_mhz))
    throw Error(ErrorCode::invalid_argument, "the clock must be a positive frequency in MHz", "optimize_folding: clock_mhz");
  if (!(request.max_utilization > 0) || request.max_utilization > 1)
    throw Error(ErrorCode::invalid_argument, "max_utilization must be in (0, 1]", "optimize_folding: max_utilization");

  DeviceBudget usable = request.budget;
  usable.available.lut *= request.max_utilization;
  usable.available.ff *= request.max_utilization;
  usable.available.bram18 *= request.max_utilization;
  usable.available.dsp *= request.max_utilization;

  std::vector<std::vector<Option>> options(layers.size());
  std::set<std::uint64_t> cycle_levels;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    validate(layers[i]);
    for (const auto folding : folding_candidates(layers[i])) {
      LayerDesc candidate = layers[i];
      candidate.pe = folding.pe;
      candidate.simd = folding.simd;
      auto estimate = estimate_layer(candidate);
      const double cost = cost_of(estimate.resources, usable);
      cycle_levels.insert(estimate.cycles_per_frame);
      options[i].push_back(Option{folding, std::move(estimate), cost});
    }
  }

  const auto target_cycles =
      static_cast<std::uint64_t>(std::floor(request.clock_mhz * 1e6 / request.target_fps));
  std::vector<const Option*> chosen;
  const auto fits_usable = [&] { return overflows(total_of(chosen), usable).empty(); };

  bool found = choose(options, target_cycles, chosen) && fits_usable();
  bool target_met = found;
  if (!found) {
    // The best FPS that fits: the smallest cycle level (slower than the target) for which the
    // cheapest foldings fit the usable budget.
    for (const auto level : cycle_levels) {
      if (level <= target_cycles) continue;
      if (choose(options, level, chosen) && fits_usable()) {
        found = true;
        break;
      }
    }
  }
  if (!found) {
    // Nothing fits: report the slowest (cheapest) folding of every layer.
    choose(options, std::numeric_limits<std::uint64_t>::max(), chosen);
  }

  FoldingResult result;
  result.layers = layers;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    result.layers[i].pe = chosen[i]->folding.pe;
    result.layers[i].simd = chosen[i]->folding.simd;
  }
  result.estimate = estimate_pipeline(result.layers, request.clock_mhz, request.budget);
  result.fits = found;
  result.target_met = target_met && result.estimate.frames_per_second >= request.target_fps;
  return result;
}

}  // namespace zynqnn::estimate
