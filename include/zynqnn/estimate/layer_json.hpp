#pragma once
// Layer descriptions from JSON: {"layers": [{"name": "conv1", "kind": "conv", "in_h": 32, ...}]}
// with the field names of LayerDesc ("mac_resource": "auto" | "lut" | "dsp"). Unknown keys
// are errors, so a misspelt field cannot silently fall back to its default.
#include <vector>

#include <nlohmann/json.hpp>

#include "zynqnn/estimate/layer.hpp"

namespace zynqnn::estimate {

// Throws zynqnn::Error(parse) naming the path ("layers[2].stride_h") of a missing, mistyped
// or unknown field, and Error(invalid_argument) from validate() for an inconsistent layer.
std::vector<LayerDesc> layers_from_json(const nlohmann::json& document);

}  // namespace zynqnn::estimate
