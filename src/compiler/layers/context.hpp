#pragma once
// What a layer file needs to lower its operators: the PL streams of the plan being built, new
// PL input ports, constants, new layers, and the refusals. One context per lowering.
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "zynqnn/compiler/plan.hpp"
#include "zynqnn/graph/identifier.hpp"

namespace zynqnn::compiler::layers {

// A Pad kept as extra padding of the convolutions that read its output.
struct FoldedPad {
  std::string source;  // the value it pads
  std::string node;    // the Pad node
  std::array<std::int64_t, 4> pads;  // top, left, bottom, right
};

class LoweringContext {
 public:
  explicit LoweringContext(LayerPlan& plan) : plan_(plan), g_(plan.graph) {}

  const graph::Graph& graph() const { return g_; }
  const graph::Value& value(const std::string& name) const { return g_.value(name); }
  bool is_constant(const std::string& name) const { return g_.is_constant(name); }
  bool int8() const { return plan_.precision.kind == PrecisionKind::int8; }
  bool float32() const { return plan_.precision.kind == PrecisionKind::float32; }

  // The PL tensor of a data input: an existing stream, or a new PL input port.
  PlTensor& input(const graph::Node& node, const std::string& name);
  // A run-time operand the host prepares (packs, broadcasts, transposes) before streaming it;
  // returns its PL tensor key.
  std::string packed_input(const graph::Node& node, const std::string& name, const HostPacking& packing,
                           std::int64_t pixels, std::int64_t channels, const std::string& role);
  bool has_stream(const std::string& key) const { return plan_.tensors.count(key) > 0; }
  PlTensor& stream(const std::string& key) { return plan_.tensors.at(key); }
  // A stream between two layers of one node (e.g. a product before its bias), written by the PL.
  PlTensor& add_internal_stream(PlTensor t);
  // The node's output `index` as a new PL stream written by the PL.
  PlTensor& output(const graph::Node& node, std::size_t index = 0);
  // Makes the node's output the output of `layer`.
  void set_output(PlLayer& layer, const graph::Node& node);
  // `value` as another name of a stream (a flatten): `t` describes it under that name.
  void alias_stream(const std::string& value, const PlTensor& t) { plan_.tensors[value] = t; }
  // Forgets the stream of `value` (an output now computed inside a later layer).
  void drop_stream(const std::string& value);
  // Input `index` as a compile-time constant, or the refusal.
  const graph::Tensor& constant(const graph::Node& node, std::size_t index) const;

  PlLayer& add_layer(LayerKind kind, const graph::Node& node);
  std::vector<PlLayer>& layers() { return plan_.layers; }
  // A C++ identifier unique in the plan, from `name`.
  std::string identifier(const std::string& name) { return ids_.sanitized_identifier(name); }

  void require_float(const graph::Node& node, const PlTensor& t) const;
  [[noreturn]] static void unsupported(const graph::Node& node, std::string_view why);

  void fold_pad(const std::string& value, FoldedPad pad) { pads_[value] = std::move(pad); }
  const FoldedPad* folded_pad(const std::string& value) const;

  // The PL outputs: PL tensors that are graph outputs or read by the PS after the PL; the
  // refusals of results that cannot leave the PL.
  void collect_outputs();

 private:
  bool produced_by_pl(const std::string& name) const;

  LayerPlan& plan_;
  const graph::Graph& g_;
  graph::IdentifierTable ids_;
  std::set<std::string> produced_;  // stream ids written by a PL layer
  std::map<std::string, FoldedPad> pads_;
};

// A sliding window's kernel, strides, dilations and paddings from graph::ConvParams or
// graph::PoolParams.
template <typename WindowParams>
void set_window(PlLayer& layer, const WindowParams& p) {
  layer.kernel_h = p.kernel_h;
  layer.kernel_w = p.kernel_w;
  layer.stride_h = p.stride_h;
  layer.stride_w = p.stride_w;
  layer.dilation_h = p.dilation_h;
  layer.dilation_w = p.dilation_w;
  layer.pad_top = p.pad_top;
  layer.pad_left = p.pad_left;
  layer.pad_bottom = p.pad_bottom;
  layer.pad_right = p.pad_right;
}

// The layout a value gets on the PL, from its ONNX shape.
PlTensor make_tensor(const graph::Value& value, std::string id);
bool is_image(const PlTensor& t);
std::vector<float> as_floats(const graph::Tensor& t);
// Constant `c` broadcast (NumPy rules) to `shape`, row-major; refused when it does not broadcast.
std::vector<float> broadcast_to(const graph::Tensor& c, const graph::Shape& shape, const graph::Node& node);
// The per-channel vector (stream channel order) of a constant applied to every pixel of `t`;
// none when it varies across pixels.
std::optional<std::vector<float>> per_channel(const graph::Tensor& c, const PlTensor& t, const graph::Node& node);

}  // namespace zynqnn::compiler::layers
