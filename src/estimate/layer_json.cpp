#include "zynqnn/estimate/layer_json.hpp"

#include <map>
#include <string>

#include "zynqnn/core/error.hpp"

namespace zynqnn::estimate {

namespace {

const std::map<std::string, StageKind>& kinds() {
  static const std::map<std::string, StageKind> table = {
      {"conv", StageKind::conv},
      {"depthwise_conv", StageKind::depthwise_conv},
      {"fully_connected", StageKind::fully_connected},
      {"max_pool", StageKind::max_pool},
      {"avg_pool", StageKind::avg_pool},
      {"global_pool", StageKind::global_pool},
      {"activation", StageKind::activation},
      {"requantize", StageKind::requantize},
      {"eltwise", StageKind::eltwise},
      {"concat", StageKind::concat},
      {"width_convert", StageKind::width_convert},
      {"duplicate", StageKind::duplicate},
  };
  return table;
}

[[noreturn]] void parse_error(const std::string& path, const std::string& message) {
  throw Error(ErrorCode::parse, message, path);
}

LayerDesc layer_from_json(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) parse_error(path, "a layer must be a JSON object");
  LayerDesc layer;
  std::map<std::string, int*> ints = {
      {"in_h", &layer.in_h},           {"in_w", &layer.in_w},
      {"in_channels", &layer.in_channels}, {"out_channels", &layer.out_channels},
      {"kernel_h", &layer.kernel_h},   {"kernel_w", &layer.kernel_w},
      {"stride_h", &layer.stride_h},   {"stride_w", &layer.stride_w},
      {"pad_top", &layer.pad_top},     {"pad_left", &layer.pad_left},
      {"pad_bottom", &layer.pad_bottom}, {"pad_right", &layer.pad_right},
      {"dilation_h", &layer.dilation_h}, {"dilation_w", &layer.dilation_w},
      {"groups", &layer.groups},       {"input_bits", &layer.input_bits},
      {"weight_bits", &layer.weight_bits}, {"accumulator_bits", &layer.accumulator_bits},
      {"output_bits", &layer.output_bits}, {"pe", &layer.pe},
      {"simd", &layer.simd},
  };
  std::map<std::string, bool*> bools = {{"floating_point", &layer.floating_point},
                                        {"weights_streamed", &layer.weights_streamed}};
  if (!j.contains("kind")) parse_error(path + ".kind", "missing field");
  for (const auto& [key, value] : j.items()) {
    const std::string field = path + "." + key;
    if (key == "name") {
      if (!value.is_string()) parse_error(field, "must be a string");
      layer.name = value.get<std::string>();
    } else if (key == "kind") {
      if (!value.is_string() || !kinds().count(value.get<std::string>()))
        parse_error(field, "must be one of conv, depthwise_conv, fully_connected, max_pool, avg_pool, global_pool, "
                           "activation, requantize, eltwise, concat, width_convert, duplicate");
      layer.kind = kinds().at(value.get<std::string>());
    } else if (key == "mac_resource") {
      const std::string v = value.is_string() ? value.get<std::string>() : std::string();
      if (v == "auto") layer.mac_resource = MacResource::automatic;
      else if (v == "lut") layer.mac_resource = MacResource::lut;
      else if (v == "dsp") layer.mac_resource = MacResource::dsp;
      else parse_error(field, "must be \"auto\", \"lut\" or \"dsp\"");
    } else if (auto i = ints.find(key); i != ints.end()) {
      if (!value.is_number_integer()) parse_error(field, "must be an integer");
      const auto v = value.get<long long>();
      if (v < -1000000000LL || v > 1000000000LL) parse_error(field, "out of range");
      *i->second = static_cast<int>(v);
    } else if (auto b = bools.find(key); b != bools.end()) {
      if (!value.is_boolean()) parse_error(field, "must be true or false");
      *b->second = value.get<bool>();
    } else {
      parse_error(field, "unknown field");
    }
  }
  if (layer.name.empty()) layer.name = path;
  validate(layer);
  return layer;
}

}  // namespace

std::vector<LayerDesc> layers_from_json(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains("layers") || !document.at("layers").is_array())
    parse_error("layers", "expected an object with a \"layers\" array");
  std::vector<LayerDesc> layers;
  const auto& array = document.at("layers");
  for (std::size_t i = 0; i < array.size(); ++i)
    layers.push_back(layer_from_json(array[i], "layers[" + std::to_string(i) + "]"));
  if (layers.empty()) parse_error("layers", "the pipeline has no layers");
  return layers;
}

}  // namespace zynqnn::estimate
