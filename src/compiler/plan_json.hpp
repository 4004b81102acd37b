#pragma once
// plan.json: what runs where (PL layers, PS operators before and after), the PL ports with
// their layout and quantization (what the host needs to feed and read the accelerator), and
// the estimate. Written by compile for people and tools; the runtime runs the network from
// network.json (zynqnn/network/contract.hpp).
#include <string>

#include <nlohmann/json.hpp>

#include "zynqnn/compiler/estimate.hpp"
#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler {

std::string plan_to_json(const LayerPlan& plan, const NetworkEstimate& estimate, const std::string& model);
nlohmann::json estimate_to_json(const NetworkEstimate& estimate);
// layers.json: the plan's stages in the estimator's layer format (`zynqnn estimate OUT`).
nlohmann::json layers_json(const LayerPlan& plan);

}  // namespace zynqnn::compiler
