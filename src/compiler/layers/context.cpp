#include "compiler/layers/context.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/graph/infer.hpp"

namespace zynqnn::compiler::layers {

using graph::DType;
using graph::Node;
using graph::Shape;
using graph::Tensor;

PlTensor& LoweringContext::input(const Node& node, const std::string& name) {
  if (auto it = plan_.tensors.find(name); it != plan_.tensors.end()) return it->second;
  if (g_.is_constant(name)) unsupported(node, "a constant where a stream is expected: " + name);
  PlTensor t = make_tensor(value(name), ids_.sanitized_identifier("in_" + name));
  plan_.pl_inputs.push_back(name);
  return plan_.tensors.emplace(name, std::move(t)).first->second;
}

std::string LoweringContext::packed_input(const Node& node, const std::string& name, const HostPacking& packing,
                                          std::int64_t pixels, std::int64_t channels, const std::string& role) {
  if (g_.is_constant(name)) throw Error(ErrorCode::internal, "packed input is a constant", name);
  if (produced_by_pl(name)) unsupported(node, "a " + role + " computed on the PL (run-time " + role + " must come from the host)");
  const std::string key = name + "\x01" + role + "\x01" + node.name;
  PlTensor t = make_tensor(value(name), ids_.sanitized_identifier("in_" + name + "_" + role));
  t.pixels = pixels;
  t.channels = channels;
  t.height = t.width = 1;
  t.order = {};
  t.packing = packing;
  plan_.pl_inputs.push_back(key);
  plan_.tensors.emplace(key, std::move(t));
  return key;
}

bool LoweringContext::produced_by_pl(const std::string& name) const {
  auto it = plan_.tensors.find(name);
  return it != plan_.tensors.end() && produced_.count(it->second.id) > 0;
}

PlTensor& LoweringContext::add_internal_stream(PlTensor t) {
  produced_.insert(t.id);
  return plan_.tensors.emplace(t.value, std::move(t)).first->second;
}

PlTensor& LoweringContext::output(const Node& node, std::size_t index) {
  const auto& v = value(node.outputs.at(index));
  if (!v.shape_known) unsupported(node, "output shape unknown at compile time");
  PlTensor t = make_tensor(v, ids_.sanitized_identifier("s_" + v.name));
  produced_.insert(t.id);
  return plan_.tensors.emplace(v.name, std::move(t)).first->second;
}

void LoweringContext::set_output(PlLayer& layer, const Node& node) {
  PlTensor& out = output(node);
  layer.output = out.value;
}

void LoweringContext::drop_stream(const std::string& value) {
  const PlTensor old = plan_.tensors.at(value);
  plan_.tensors.erase(value);
  produced_.erase(old.id);
}

const Tensor& LoweringContext::constant(const Node& node, std::size_t index) const {
  if (!node.has_input(index) || !g_.is_constant(node.input(index)))
    unsupported(node, fmt::format("input {} is not a compile-time constant (the PL layer's {} are fixed when it is built)",
                                  node.has_input(index) ? node.input(index) : std::to_string(index),
                                  node.op == "Pad" ? "paddings" : "parameters"));
  return *g_.value(node.input(index)).constant;
}

PlLayer& LoweringContext::add_layer(LayerKind kind, const Node& node) {
  PlLayer layer;
  layer.kind = kind;
  layer.id = ids_.sanitized_identifier("l_" + node.name);
  layer.nodes = {node.name};
  layer.ops = node.op;
  plan_.layers.push_back(std::move(layer));
  return plan_.layers.back();
}

void LoweringContext::require_float(const Node& node, const PlTensor& t) const {
  if (t.dtype != DType::float32)
    unsupported(node, fmt::format("{} tensor {}; this layer takes float32", graph::to_string(t.dtype), t.value));
}

void LoweringContext::unsupported(const Node& node, std::string_view why) { graph::throw_unsupported(node, why); }

const FoldedPad* LoweringContext::folded_pad(const std::string& value) const {
  auto it = pads_.find(value);
  return it == pads_.end() ? nullptr : &it->second;
}

void LoweringContext::collect_outputs() {
  std::set<std::string> seen;
  auto add_output = [&](const std::string& v) {
    if (pads_.count(v)) throw Error(ErrorCode::unsupported, "unsupported: Pad (its result leaves the PL unpadded)", v);
    if (plan_.tensors.count(v) && seen.insert(v).second) plan_.pl_outputs.push_back(v);
  };
  for (std::size_t index : plan_.post_nodes)
    for (const auto& v : g_.nodes[index].inputs) add_output(v);
  for (const auto& v : g_.outputs) add_output(v);
  for (const auto& v : plan_.pl_outputs)
    if (std::find(plan_.pl_inputs.begin(), plan_.pl_inputs.end(), v) != plan_.pl_inputs.end() &&
        !produced_.count(plan_.tensors.at(v).id))
      throw Error(ErrorCode::unsupported, "unsupported: a graph input passed through unchanged", v);
}

PlTensor make_tensor(const graph::Value& value, std::string id) {
  PlTensor t;
  t.value = value.name;
  t.id = std::move(id);
  t.shape = value.shape;
  t.dtype = value.dtype;
  const Shape& s = value.shape;
  if (s.size() >= 3 && s[0] == 1) {  // an image [1, C, H, W], or a trace [1, C, L] as H = 1
    t.channels = s[1];
    t.height = s.size() >= 4 ? s[2] : 1;
    t.width = s.size() >= 4 ? s[3] : s[2];
    std::int64_t rest = 1;
    for (std::size_t i = 2; i < s.size(); ++i) rest *= s[i];
    t.pixels = rest;
    t.order = {t.channels, t.pixels};
  } else if (!s.empty()) {  // rows of the last axis
    t.channels = s.back();
    t.pixels = 1;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) t.pixels *= s[i];
  }
  return t;
}

bool is_image(const PlTensor& t) { return t.shape.size() == 4 && t.shape[0] == 1; }

std::vector<float> as_floats(const Tensor& t) {
  if (t.dtype() == DType::float32) {
    auto d = t.data<float>();
    return {d.begin(), d.end()};
  }
  std::vector<float> out;
  for (double v : t.to_doubles()) out.push_back(static_cast<float>(v));
  return out;
}

std::vector<float> broadcast_to(const Tensor& c, const Shape& shape, const Node& node) {
  const auto values = as_floats(c);
  const Shape& cs = c.shape();
  if (cs.size() > shape.size()) LoweringContext::unsupported(node, "a constant of higher rank than the tensor");
  const std::size_t offset = shape.size() - cs.size();
  for (std::size_t i = 0; i < cs.size(); ++i)
    if (cs[i] != 1 && cs[i] != shape[offset + i])
      LoweringContext::unsupported(node, fmt::format("constant {} does not broadcast to {}", graph::shape_to_string(cs),
                                                     graph::shape_to_string(shape)));
  std::int64_t total = 1;
  for (auto d : shape) total *= d;
  std::vector<float> out(static_cast<std::size_t>(total));
  for (std::int64_t i = 0; i < total; ++i) {
    std::int64_t rem = i, src = 0, stride = 1;
    for (std::size_t a = shape.size(); a-- > 0;) {
      const std::int64_t idx = rem % shape[a];
      rem /= shape[a];
      if (a >= offset) {
        const std::int64_t cd = cs[a - offset];
        src += (cd == 1 ? 0 : idx) * stride;
        stride *= cd;
      }
    }
    out[static_cast<std::size_t>(i)] = values[static_cast<std::size_t>(src)];
  }
  return out;
}

std::optional<std::vector<float>> per_channel(const Tensor& c, const PlTensor& t, const Node& node) {
  const auto full = broadcast_to(c, t.shape, node);
  std::vector<float> channel(static_cast<std::size_t>(t.channels));
  for (std::int64_t j = 0; j < t.elements(); ++j) {
    const float v = full[static_cast<std::size_t>(t.order.onnx_index(j))];
    const auto ch = static_cast<std::size_t>(j % t.channels);
    if (j < t.channels) channel[ch] = v;
    else if (channel[ch] != v && !(std::isnan(v) && std::isnan(channel[ch]))) return std::nullopt;
  }
  return channel;
}

}  // namespace zynqnn::compiler::layers
