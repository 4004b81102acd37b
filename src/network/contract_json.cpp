#include "network/contract_json.hpp"

#include <cmath>
#include <limits>

namespace zynqnn::network::contract_json {

using graph::DType;

std::optional<DType> dtype_named(std::string_view name) {
  for (DType d : {DType::float32, DType::uint8, DType::int8, DType::uint16, DType::int16, DType::int32, DType::int64,
                  DType::boolean})
    if (graph::to_string(d) == name) return d;
  return std::nullopt;
}

const char* packing_name(HostPacking::Kind kind) {
  switch (kind) {
    case HostPacking::Kind::none: return "none";
    case HostPacking::Kind::mvu_weights: return "mvu_weights";
    case HostPacking::Kind::broadcast: return "broadcast";
    case HostPacking::Kind::transpose: return "transpose";
  }
  return "?";
}

std::optional<HostPacking::Kind> packing_named(std::string_view name) {
  for (auto k : {HostPacking::Kind::none, HostPacking::Kind::mvu_weights, HostPacking::Kind::broadcast,
                 HostPacking::Kind::transpose})
    if (name == packing_name(k)) return k;
  return std::nullopt;
}

std::optional<float> float_from(const nlohmann::json& value) {
  if (value.is_number()) {  // a double beyond float's range is refused, not converted (undefined)
    const double d = value.get<double>();
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) return std::nullopt;
    return static_cast<float>(d);
  }
  if (!value.is_string()) return std::nullopt;
  const auto& s = value.get_ref<const std::string&>();
  if (s == "nan") return std::numeric_limits<float>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<float>::infinity();
  if (s == "-inf") return -std::numeric_limits<float>::infinity();
  return std::nullopt;
}

std::string tensor_file_name(std::size_t index) { return std::to_string(index) + ".npy"; }

}  // namespace zynqnn::network::contract_json
