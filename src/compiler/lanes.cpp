#include "zynqnn/compiler/lanes.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/layers/kind.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {

bool foldable(const PlLayer& l) {
  if (!l.weight_port.empty()) return false;  // run-time weights are packed by the host for PE = SIMD = 1
  if (!l.ddr_weight_port.empty()) return false;  // weights from DDR arrive one per cycle
  const layers::MatrixVector unit = layers::matrix_vector_of(l);
  return (unit == layers::MatrixVector::conv && l.groups == 1) || unit == layers::MatrixVector::dense ||
         unit == layers::MatrixVector::depthwise;
}

bool follows_input_width(const PlLayer& l) {
  const auto& kind = layers::kind_rule(l.kind);
  return kind.follows_input_width && kind.follows_input_width(l);
}

int input_lanes(const PlLayer& l) {
  if (foldable(l) || follows_input_width(l)) return l.simd;
  return 1;
}

int output_lanes(const PlLayer& l) {
  const layers::MatrixVector unit = layers::matrix_vector_of(l);
  if (unit == layers::MatrixVector::conv || unit == layers::MatrixVector::dense) return foldable(l) ? l.pe : 1;
  return input_lanes(l);
}

namespace {

// A stream is known by its tensor id: a Flatten/Reshape between PL layers gives the same
// stream a second value name.
const PlLayer* producer_of(const LayerPlan& plan, const std::string& value) {
  const std::string& id = plan.tensor(value).id;
  for (const auto& l : plan.layers)
    if (plan.tensor(l.output).id == id) return &l;
  return nullptr;
}

std::int64_t gcd64(std::int64_t a, std::int64_t b) { return std::gcd(a, b); }

}  // namespace

int produced_lanes(const LayerPlan& plan, const std::string& value) {
  const PlLayer* p = producer_of(plan, value);
  return p ? output_lanes(*p) : 1;
}

void propagate_lanes(LayerPlan& plan) {
  for (auto& l : plan.layers) {
    if (!follows_input_width(l)) continue;
    std::int64_t lanes = produced_lanes(plan, l.inputs.at(0));
    lanes = gcd64(lanes, l.in_c);
    const auto& kind = layers::kind_rule(l.kind);
    if (kind.second_input_channels) lanes = gcd64(lanes, kind.second_input_channels(l));
    l.simd = static_cast<int>(std::max<std::int64_t>(1, lanes));
  }
}

std::vector<int> conversion_steps(int from, int to) {
  if (from == to) return {};
  if (from % to == 0 || to % from == 0) return {to};
  return {std::gcd(from, to), to};
}

std::vector<WidthConversion> width_conversions(const LayerPlan& plan) {
  std::vector<WidthConversion> out;
  auto add = [&](const std::string& value, const std::string& reader, int want) {
    const int have = produced_lanes(plan, value);
    int from = have;
    for (int to : conversion_steps(have, want)) {
      out.push_back({value, reader, plan.tensor(value).elements(), from, to});
      from = to;
    }
  };
  for (const auto& l : plan.layers)
    for (const auto& v : l.inputs)
      if (!v.empty()) add(v, l.id, input_lanes(l));
  for (const auto& v : plan.pl_outputs) add(v, "", 1);
  return out;
}

namespace {

// The layer `name` stands for: its id (the estimate's name), else the first layer that
// implements an ONNX node of that name (compile lists layers by their main node's name).
PlLayer* find_folded_layer(LayerPlan& plan, const std::string& name) {
  for (auto& l : plan.layers)
    if (l.id == name) return &l;
  for (auto& l : plan.layers)
    if (std::find(l.nodes.begin(), l.nodes.end(), name) != l.nodes.end()) return &l;
  return nullptr;
}

std::string foldable_layer_names(const LayerPlan& plan) {
  std::vector<std::string> names;
  for (const auto& l : plan.layers)
    if (foldable(l)) names.push_back(l.nodes.empty() ? l.id : fmt::format("{} ({})", l.nodes.front(), l.id));
  return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

void apply_folding(LayerPlan& plan, const std::vector<LayerFolding>& folding) {
  for (const auto& f : folding) {
    PlLayer* layer = find_folded_layer(plan, f.layer);
    if (!layer)
      throw Error(ErrorCode::invalid_argument,
                  "no PL layer of that name; the layers that fold (node name, layer id): " + foldable_layer_names(plan),
                  "folding of " + f.layer);
    if (!foldable(*layer))
      throw Error(ErrorCode::invalid_argument,
                  "only convolutions (one group), dense and depthwise layers with constant weights fold; these do: " +
                      foldable_layer_names(plan),
                  "folding of " + f.layer);
    const bool depthwise = layers::matrix_vector_of(*layer) == layers::MatrixVector::depthwise;
    if (f.simd <= 0 || layer->in_c % f.simd != 0)
      throw Error(ErrorCode::invalid_argument, fmt::format("SIMD {} does not divide the {} input channels", f.simd, layer->in_c),
                  "folding of " + f.layer);
    if (f.pe <= 0 || layer->out_c % f.pe != 0 || (depthwise && f.pe != 1))
      throw Error(ErrorCode::invalid_argument,
                  depthwise ? std::string("a depthwise layer has PE 1 (SIMD channels in parallel)")
                            : fmt::format("PE {} does not divide the {} output channels", f.pe, layer->out_c),
                  "folding of " + f.layer);
    layer->pe = f.pe;
    layer->simd = f.simd;
  }
  propagate_lanes(plan);
}

LayerFolding parse_layer_folding(const std::string& text) {
  const auto eq = text.find('=');
  const auto x = text.find('x', eq == std::string::npos ? 0 : eq);
  LayerFolding f;
  if (eq != std::string::npos && eq > 0 && x != std::string::npos) {
    f.layer = text.substr(0, eq);
    const char* a = text.data() + eq + 1;
    const char* b = text.data() + x;
    const auto ra = std::from_chars(a, b, f.pe);
    const auto rb = std::from_chars(b + 1, text.data() + text.size(), f.simd);
    if (ra.ec == std::errc{} && ra.ptr == b && rb.ec == std::errc{} && rb.ptr == text.data() + text.size()) return f;
  }
  throw Error(ErrorCode::invalid_argument, "a folding is LAYER=PExSIMD, e.g. conv1=4x2, not '" + text + "'", "--fold");
}

}  // namespace zynqnn::compiler
