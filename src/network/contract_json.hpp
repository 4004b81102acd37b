#pragma once
// Pieces of network.json shared by its writer and its reader: names of element types and host
// packings, and floats that JSON numbers cannot carry (infinities, NaN) written as strings.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "zynqnn/graph/tensor.hpp"
#include "zynqnn/network/host_port.hpp"

namespace zynqnn::network::contract_json {

std::optional<graph::DType> dtype_named(std::string_view name);
const char* packing_name(HostPacking::Kind kind);
std::optional<HostPacking::Kind> packing_named(std::string_view name);

template <class Json = nlohmann::json>
Json float_value(float value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}
// nullopt when `value` is neither a number nor "inf", "-inf", "nan".
std::optional<float> float_from(const nlohmann::json& value);

// The file of constant tensor `index` inside the tensor folder.
std::string tensor_file_name(std::size_t index);

}  // namespace zynqnn::network::contract_json
