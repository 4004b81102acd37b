#pragma once
// The JSON form of a parsed design, as `zynqnn hwh inspect --json` prints it (docs/hwh.md).
#include <nlohmann/json.hpp>

#include "zynqnn/hwh/design.hpp"

namespace zynqnn::hwh {

nlohmann::ordered_json to_json(const Design& design);

}  // namespace zynqnn::hwh
