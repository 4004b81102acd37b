#pragma once
// Builds small ONNX models in memory for tests.
#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace zynqnn::testing {

class ModelBuilder {
 public:
  explicit ModelBuilder(std::int64_t opset = 13) {
    model_.set_ir_version(8);
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  ModelBuilder& input(const std::string& name, std::vector<std::int64_t> shape, int type = onnx::TensorProto::FLOAT) {
    declare(model_.mutable_graph()->add_input(), name, shape, type);
    return *this;
  }
  ModelBuilder& output(const std::string& name, std::vector<std::int64_t> shape = {}, int type = onnx::TensorProto::FLOAT) {
    auto* info = model_.mutable_graph()->add_output();
    if (shape.empty()) info->set_name(name);
    else declare(info, name, shape, type);
    return *this;
  }
  ModelBuilder& initializer(const std::string& name, std::vector<std::int64_t> shape, std::vector<float> values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (auto d : shape) t->add_dims(d);
    for (auto v : values) t->add_float_data(v);
    return *this;
  }
  ModelBuilder& initializer_i64(const std::string& name, std::vector<std::int64_t> shape, std::vector<std::int64_t> values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (auto d : shape) t->add_dims(d);
    for (auto v : values) t->add_int64_data(v);
    return *this;
  }
  onnx::NodeProto& node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                        const std::string& name = {}) {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (auto& i : inputs) n->add_input(i);
    for (auto& o : outputs) n->add_output(o);
    return *n;
  }
  static void attr_int(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr_ints(onnx::NodeProto& n, const std::string& name, std::vector<std::int64_t> v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }
  static void attr_string(onnx::NodeProto& n, const std::string& name, const std::string& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  static void attr_float(onnx::NodeProto& n, const std::string& name, float v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }

  onnx::ModelProto& proto() { return model_; }
  std::vector<std::byte> bytes() const {
    const std::string s = model_.SerializeAsString();
    std::vector<std::byte> out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) out[i] = static_cast<std::byte>(s[i]);
    return out;
  }

 private:
  static void declare(onnx::ValueInfoProto* info, const std::string& name, const std::vector<std::int64_t>& shape, int type) {
    info->set_name(name);
    auto* t = info->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    auto* s = t->mutable_shape();
    for (auto d : shape) s->add_dim()->set_dim_value(d);
  }
  onnx::ModelProto model_;
};

}  // namespace zynqnn::testing
