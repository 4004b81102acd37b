#pragma once
// JSON form of the estimates: every figure carries the `_estimate` suffix, and the document
// says what it is ("analytical_estimate", not a synthesis result).
#include <nlohmann/json.hpp>

#include "zynqnn/estimate/estimator.hpp"
#include "zynqnn/estimate/folding.hpp"

namespace zynqnn::estimate {

nlohmann::json to_json(const LayerEstimate& layer);
nlohmann::json to_json(const PipelineEstimate& pipeline);
nlohmann::json to_json(const FoldingResult& result, const FoldingRequest& request);

}  // namespace zynqnn::estimate
