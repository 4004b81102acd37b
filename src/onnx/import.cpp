#include "zynqnn/onnx/import.hpp"

#include "onnx/opset_upgrade.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <fstream>
#include <optional>
#include <set>

#include "io/tensor_proto_convert.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/infer.hpp"
#include "zynqnn/graph/passes.hpp"

namespace zynqnn::onnx_import {
namespace {
using graph::DType;
using graph::Graph;
using graph::Node;
using graph::Shape;
using graph::Tensor;
using graph::Value;

constexpr std::int64_t kMinOpset = 7;
constexpr std::int64_t kMaxOpset = 22;
constexpr std::int64_t kMaxFoldedElements = std::int64_t{1} << 24;

[[noreturn]] void parse_error(const std::string& message, const std::string& where) {
  throw Error(ErrorCode::parse, message, where);
}

graph::AttributeValue convert_attribute(const onnx::AttributeProto& a, const Node& node,
                                        const std::optional<std::filesystem::path>& model_folder) {
  if (!a.ref_attr_name().empty()) graph::throw_unsupported(node, fmt::format("attribute '{}' refers to a function attribute", a.name()));
  switch (a.type()) {
    case onnx::AttributeProto::INT: return a.i();
    case onnx::AttributeProto::FLOAT: return a.f();
    case onnx::AttributeProto::STRING: return a.s();
    case onnx::AttributeProto::INTS: return std::vector<std::int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::TENSOR: return io::tensor_from_proto(a.t(), fmt::format("attribute {} of node {}", a.name(), node.name), model_folder);
    default:
      graph::throw_unsupported(node, fmt::format("attribute '{}' of type {}", a.name(),
                                                 onnx::AttributeProto::AttributeType_Name(a.type())));
  }
}

// A Constant node's value as a tensor.
Tensor constant_value(const Node& node) {
  if (const Tensor* t = node.get_tensor("value")) return *t;
  if (node.has("value_float")) return Tensor::scalar(node.get_float("value_float", 0));
  if (node.has("value_int")) return Tensor::scalar<std::int64_t>(node.get_int("value_int", 0));
  if (node.has("value_floats")) {
    const auto v = node.get_floats("value_floats", {});
    return Tensor::from<float>({static_cast<std::int64_t>(v.size())}, v);
  }
  if (node.has("value_ints")) {
    const auto v = node.get_ints("value_ints", {});
    return Tensor::from<std::int64_t>({static_cast<std::int64_t>(v.size())}, v);
  }
  graph::throw_unsupported(node, "value kind (sparse or string)");
}

struct DeclaredType {
  int elem_type = 0;
  std::optional<Shape> shape;  // only when every dimension is a number
};

class Importer {
 public:
  // `model_folder`: where external tensor data is resolved; none for a model read from bytes.
  Importer(const onnx::ModelProto& model, const ImportOptions& options, std::string source,
           std::optional<std::filesystem::path> model_folder)
      : model_(model), options_(options), source_(std::move(source)), model_folder_(std::move(model_folder)) {}

  Graph run() {
    read_opset();
    if (!model_.has_graph()) parse_error("the model has no graph", source_);
    const onnx::GraphProto& g = model_.graph();
    graph_.name = g.name();
    collect_declared_types(g);
    read_initializers(g);
    read_inputs(g);
    read_nodes(g);
    if (!unsupported_inputs_.empty()) throw Error(ErrorCode::unsupported, unsupported_inputs_[0], source_);
    infer_and_fold();
    read_outputs(g);
    if (options_.optimize) graph::optimize(graph_);
    else graph::remove_unused_values(graph_);
    graph_.sort();
    graph_.validate();
    return std::move(graph_);
  }

 private:
  void read_opset() {
    graph_.opset = default_opset(model_);
    if (graph_.opset == 0) parse_error("the model imports no opset of the default ONNX domain", source_);
    if (graph_.opset < kMinOpset || graph_.opset > kMaxOpset)
      throw Error(ErrorCode::unsupported,
                  fmt::format("unsupported: opset {} (supported {}..{})", graph_.opset, kMinOpset, kMaxOpset), source_);
  }

  std::optional<Shape> declared_shape(const onnx::TypeProto_Tensor& t, const std::string& name, bool is_input) {
    if (!t.has_shape()) return std::nullopt;
    Shape shape;
    for (const auto& dim : t.shape().dim()) {
      if (dim.has_dim_value()) {
        if (dim.dim_value() < 0) parse_error(fmt::format("negative dimension {} of '{}'", dim.dim_value(), name), source_);
        shape.push_back(dim.dim_value());
      } else if (is_input && options_.symbolic_dim_value >= 0) {
        shape.push_back(options_.symbolic_dim_value);
      } else if (is_input) {
        throw Error(ErrorCode::unsupported,
                    fmt::format("unsupported: input '{}' has a symbolic dimension '{}'", name, dim.dim_param()), source_);
      } else {
        return std::nullopt;
      }
    }
    (void)graph::element_count(shape, fmt::format("{}: value '{}'", source_, name));
    return shape;
  }

  void collect_declared_types(const onnx::GraphProto& g) {
    auto collect = [&](const onnx::ValueInfoProto& info, bool is_input) {
      if (!info.has_type() || !info.type().has_tensor_type()) return;
      const auto& t = info.type().tensor_type();
      declared_[info.name()] = {t.elem_type(), declared_shape(t, info.name(), is_input)};
    };
    std::set<std::string> initializers;
    for (const auto& init : g.initializer()) initializers.insert(init.name());
    for (const auto& info : g.input()) collect(info, initializers.count(info.name()) == 0);
    for (const auto& info : g.value_info()) collect(info, false);
    for (const auto& info : g.output()) collect(info, false);
  }

  void read_initializers(const onnx::GraphProto& g) {
    if (g.sparse_initializer_size() > 0)
      throw Error(ErrorCode::unsupported, "unsupported: sparse initializers", source_);
    for (const auto& init : g.initializer()) {
      if (init.name().empty()) parse_error("an initializer has no name", source_);
      Tensor t = io::tensor_from_proto(init, source_ + ": initializer", model_folder_);
      Value v{init.name(), t.dtype(), t.shape(), true, std::move(t)};
      graph_.add_value(std::move(v));
    }
  }

  void read_inputs(const onnx::GraphProto& g) {
    for (const auto& info : g.input()) {
      if (graph_.find(info.name()) != nullptr) {
        if (graph_.is_constant(info.name())) continue;  // an initializer listed as input (IR < 4)
        parse_error(fmt::format("input '{}' is listed twice", info.name()), source_);
      }
      if (info.name().empty()) parse_error("an input has no name", source_);
      if (!info.has_type() || !info.type().has_tensor_type())
        throw Error(ErrorCode::unsupported, fmt::format("unsupported: input '{}' is not a tensor", info.name()), source_);
      const auto& t = info.type().tensor_type();
      const auto dtype = io::dtype_from_onnx(t.elem_type());
      if (!dtype) {
        // Reported by the first node reading it (in the node error format), else after the nodes.
        unsupported_inputs_.push_back(fmt::format("unsupported: input '{}' of element type {}", info.name(),
                                                  io::onnx_type_name(t.elem_type())));
        continue;
      }
      const auto shape = declared_shape(t, info.name(), true);
      if (!shape) throw Error(ErrorCode::unsupported, fmt::format("unsupported: input '{}' has no shape", info.name()), source_);
      graph_.add_value({info.name(), *dtype, *shape, true, std::nullopt});
      graph_.inputs.push_back(info.name());
    }
  }

  void read_nodes(const onnx::GraphProto& g) {
    std::set<std::string> names;
    for (const auto& n : g.node()) names.insert(n.name());
    std::set<std::string> used;
    for (int index = 0; index < g.node_size(); ++index) {
      const auto& proto = g.node(index);
      Node node;
      node.op = proto.op_type();
      node.name = proto.name();
      if (node.name.empty() || used.count(node.name) != 0) {
        // Unnamed (or duplicate) nodes get <op>_<index>, unique in the graph.
        std::string base = fmt::format("{}_{}", node.op.empty() ? "node" : node.op, index);
        node.name = base;
        for (int k = 2; names.count(node.name) != 0 || used.count(node.name) != 0; ++k) node.name = fmt::format("{}_{}", base, k);
      }
      used.insert(node.name);
      if (!is_default_domain(proto.domain()))
        graph::throw_unsupported(node, fmt::format("operator domain '{}'", proto.domain()));
      if (node.op != "Constant" && !graph::is_supported_op(node.op))
        graph::throw_unsupported(node, "operator not implemented");
      if (node.op == "ChannelAffine" || node.op == "QConv" || node.op == "QGemm")
        graph::throw_unsupported(node, "operator not in the ONNX domain");
      node.inputs.assign(proto.input().begin(), proto.input().end());
      node.outputs.assign(proto.output().begin(), proto.output().end());
      for (const auto& a : proto.attribute()) {
        if (a.name().empty()) parse_error("an attribute has no name", node.where());
        node.attributes.insert_or_assign(a.name(), convert_attribute(a, node, model_folder_));
      }
      for (const auto* list : {&node.inputs, &node.outputs})
        for (const auto& name : *list) {
          const auto found = declared_.find(name);
          if (!name.empty() && found != declared_.end() && !io::dtype_from_onnx(found->second.elem_type))
            graph::throw_unsupported(node, fmt::format("{} tensor '{}'", io::onnx_type_name(found->second.elem_type), name));
        }
      if (node.outputs.empty() || node.outputs[0].empty()) parse_error("node has no output", node.where());
      if (node.op == "Constant") {
        if (node.outputs.size() != 1) parse_error("Constant has more than one output", node.where());
        Tensor t = constant_value(node);
        graph_.add_value({node.outputs[0], t.dtype(), t.shape(), true, std::move(t)});
        continue;
      }
      graph_.nodes.push_back(std::move(node));
    }
  }

  void infer_and_fold() {
    const auto order = graph_.topological_order();  // refuses cycles and double producers
    std::vector<bool> folded(graph_.nodes.size(), false);
    for (const std::size_t index : order) {
      const Node& node = graph_.nodes[index];
      std::vector<graph::ValueInfo> infos;
      bool all_constant = true;
      for (const auto& name : node.inputs) {
        graph::ValueInfo info;
        if (name.empty()) {
          info.present = false;
        } else {
          const Value* v = graph_.find(name);
          if (v == nullptr) parse_error(fmt::format("input '{}' is not defined", name), node.where());
          info = {v->dtype, v->shape, v->shape_known, v->constant ? &*v->constant : nullptr, true};
          all_constant = all_constant && v->constant.has_value();
        }
        infos.push_back(info);
      }
      const auto outputs = graph::infer_node(node, infos, graph_.opset);
      bool fold = options_.fold_constants && all_constant && !node.inputs.empty() &&
                  (options_.fold_dequantize || node.op != "DequantizeLinear");
      for (const auto& out : outputs)
        if (!out.shape_known || graph::element_count(out.shape, node.where()) > kMaxFoldedElements) fold = false;
      std::vector<Tensor> results;
      if (fold) {
        std::vector<const Tensor*> args;
        for (const auto& name : node.inputs) args.push_back(name.empty() ? nullptr : &*graph_.value(name).constant);
        results = graph::run_node(node, args, graph_.opset);
        folded[index] = true;
      }
      for (std::size_t i = 0; i < node.outputs.size(); ++i) {
        const std::string& name = node.outputs[i];
        if (name.empty()) continue;
        if (i >= outputs.size()) graph::throw_unsupported(node, fmt::format("output {}", i));
        Value v{name, outputs[i].dtype, outputs[i].shape, outputs[i].shape_known, std::nullopt};
        const auto declared = declared_.find(name);
        if (declared != declared_.end() && declared->second.shape) {
          const Shape& d = *declared->second.shape;
          if (!v.shape_known) {
            v.shape = d;  // data-dependent shape: trust the model's declaration; run time rechecks
            v.shape_known = true;
          } else if (d != v.shape) {
            throw Error(ErrorCode::invalid_argument,
                        fmt::format("inferred shape {} of '{}' differs from the declared {}", graph::shape_to_string(v.shape),
                                    name, graph::shape_to_string(d)),
                        node.where());
          }
        }
        if (fold) v.constant = std::move(results[i]);
        if (graph_.find(name) != nullptr)
          parse_error(fmt::format("value '{}' is defined more than once", name), node.where());
        graph_.add_value(std::move(v));
      }
    }
    std::vector<Node> kept;
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
      if (!folded[i]) kept.push_back(std::move(graph_.nodes[i]));
    graph_.nodes = std::move(kept);
  }

  void read_outputs(const onnx::GraphProto& g) {
    if (g.output_size() == 0) parse_error("the graph has no outputs", source_);
    for (const auto& info : g.output()) {
      if (graph_.find(info.name()) == nullptr)
        parse_error(fmt::format("graph output '{}' is not produced by any node", info.name()), source_);
      graph_.outputs.push_back(info.name());
    }
  }

  const onnx::ModelProto& model_;
  const ImportOptions& options_;
  std::string source_;
  std::optional<std::filesystem::path> model_folder_;
  Graph graph_;
  std::map<std::string, DeclaredType> declared_;
  std::vector<std::string> unsupported_inputs_;
};

Graph import_model(std::span<const std::byte> bytes, const ImportOptions& options, std::string_view source,
                   std::optional<std::filesystem::path> model_folder) {
  const std::string where(source);
  if (bytes.size() > options.max_file_bytes || bytes.size() > static_cast<std::size_t>(INT_MAX))
    throw Error(ErrorCode::parse, fmt::format("model of {} bytes is above the limit", bytes.size()), where);
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw Error(ErrorCode::parse, "not a valid ONNX model (protobuf parse failed)", where);
  const std::int64_t opset = default_opset(model);
  if (opset > 0 && opset < kMinOpset) model = upgrade_opset(model, kMinOpset, where);
  return Importer(model, options, where, std::move(model_folder)).run();
}

}  // namespace

Graph import_bytes(std::span<const std::byte> bytes, const ImportOptions& options, std::string_view source) {
  return import_model(bytes, options, source, std::nullopt);
}

Graph import_file(const std::filesystem::path& path, const ImportOptions& options) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::io, "cannot read: " + ec.message(), path.string());
  if (size > options.max_file_bytes)
    throw Error(ErrorCode::parse, fmt::format("model of {} bytes is above the limit", size), path.string());
  std::ifstream file(path, std::ios::binary);
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  if (!file || !file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    throw Error(ErrorCode::io, "cannot read", path.string());
  // External tensor data is resolved relative to the model's own folder.
  return import_model(bytes, options, path.string(), path.parent_path());
}

}  // namespace zynqnn::onnx_import
