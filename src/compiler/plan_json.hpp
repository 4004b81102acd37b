#pragma once
// plan.json: what runs where (PL layers, PS operators before and after), the PL ports with
// their layout and quantization (what the host needs to feed and read the accelerator), and
// the estimate. Written by compile, read back by NetworkRunner::open.
#include <string>

#include <nlohmann/json.hpp>

#include "zynqnn/compiler/estimate.hpp"
#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler {

std::string plan_to_json(const LayerPlan& plan, const NetworkEstimate& estimate, const std::string& model);
nlohmann::json estimate_to_json(const NetworkEstimate& estimate);
// layers.json: the plan's stages in the estimator's layer format (`zynqnn estimate OUT`).
nlohmann::json layers_json(const LayerPlan& plan);

// Restores the host side of a plan (PS nodes, PL ports) for `graph` (the model imported again).
LayerPlan host_plan_from_json(const std::string& json_text, graph::Graph graph, const std::string& origin);

}  // namespace zynqnn::compiler
