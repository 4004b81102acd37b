// Writes the seed corpora of fuzz_onnx and fuzz_pb: a few small models that cover the
// importer's operators (float, QDQ and QLinear) and a few TensorProto files.
// Usage: make_onnx_corpus FUZZ_DIR   (writes FUZZ_DIR/corpus/onnx/*.onnx, corpus/pb/*.pb)
#include <onnx/onnx_pb.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {
namespace fs = std::filesystem;

struct Builder {
  onnx::ModelProto m;
  explicit Builder(int opset) {
    m.set_ir_version(8);
    auto* op = m.add_opset_import();
    op->set_version(opset);
    m.mutable_graph()->set_name("seed");
  }
  void value(onnx::ValueInfoProto* v, const std::string& name, std::vector<std::int64_t> shape, int type) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    for (auto d : shape) t->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void input(const std::string& n, std::vector<std::int64_t> s, int type = onnx::TensorProto::FLOAT) { value(m.mutable_graph()->add_input(), n, s, type); }
  void output(const std::string& n) { m.mutable_graph()->add_output()->set_name(n); }
  void init(const std::string& n, std::vector<std::int64_t> s, int type, double fill) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name(n);
    t->set_data_type(type);
    std::int64_t count = 1;
    for (auto d : s) {
      t->add_dims(d);
      count *= d;
    }
    for (std::int64_t i = 0; i < count; ++i) {
      const double v = fill * static_cast<double>((i % 5) - 2);
      if (type == onnx::TensorProto::FLOAT) t->add_float_data(static_cast<float>(v));
      else if (type == onnx::TensorProto::INT64) t->add_int64_data(static_cast<std::int64_t>(fill));
      else t->add_int32_data(static_cast<int>(fill));
    }
  }
  onnx::NodeProto* node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out) {
    auto* n = m.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(op + "_" + std::to_string(m.graph().node_size()));
    for (auto& i : in) n->add_input(i);
    for (auto& o : out) n->add_output(o);
    return n;
  }
  static void ints(onnx::NodeProto* n, const std::string& name, std::vector<std::int64_t> v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }
  static void integer(onnx::NodeProto* n, const std::string& name, std::int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  void write(const fs::path& path) const {
    std::ofstream f(path, std::ios::binary);
    m.SerializeToOstream(&f);
  }
};

void cnn(const fs::path& dir) {
  Builder b(13);
  b.input("x", {1, 1, 6, 6});
  b.init("w", {2, 1, 3, 3}, onnx::TensorProto::FLOAT, 0.1);
  b.init("bias", {2}, onnx::TensorProto::FLOAT, 0.5);
  b.init("s", {2}, onnx::TensorProto::FLOAT, 1.0);
  b.init("fc", {8, 3}, onnx::TensorProto::FLOAT, 0.2);
  b.init("shape", {2}, onnx::TensorProto::INT64, 1);
  auto* conv = b.node("Conv", {"x", "w", "bias"}, {"c"});
  Builder::ints(conv, "pads", {1, 1, 1, 1});
  b.node("BatchNormalization", {"c", "s", "bias", "bias", "s"}, {"n"});
  b.node("Relu", {"n"}, {"r"});
  auto* pool = b.node("MaxPool", {"r"}, {"p"});
  Builder::ints(pool, "kernel_shape", {3, 3});
  Builder::ints(pool, "strides", {3, 3});
  b.node("Flatten", {"p"}, {"f"});
  b.node("MatMul", {"f", "fc"}, {"m"});
  b.node("Softmax", {"m"}, {"y"});
  b.output("y");
  b.write(dir / "cnn.onnx");
}

void shapes(const fs::path& dir) {
  Builder b(18);
  b.input("x", {2, 3});
  b.init("shape", {3}, onnx::TensorProto::INT64, 0);
  b.init("pads", {4}, onnx::TensorProto::INT64, 1);
  auto* t = b.node("Transpose", {"x"}, {"t"});
  Builder::ints(t, "perm", {1, 0});
  auto* c = b.node("Concat", {"t", "t"}, {"c"});
  Builder::integer(c, "axis", 1);
  b.node("Pad", {"c", "pads"}, {"p"});
  b.node("Sigmoid", {"p"}, {"s"});
  b.node("Mul", {"s", "p"}, {"y"});
  b.output("y");
  b.write(dir / "shapes.onnx");
}

void qdq(const fs::path& dir) {
  Builder b(13);
  b.input("x", {1, 2, 4, 4});
  b.init("xs", {}, onnx::TensorProto::FLOAT, 0.5);
  b.init("xz", {}, onnx::TensorProto::UINT8, 128);
  b.init("w", {2, 2, 1, 1}, onnx::TensorProto::UINT8, 3);
  b.init("ws", {}, onnx::TensorProto::FLOAT, 0.5);
  b.init("wz", {}, onnx::TensorProto::UINT8, 1);
  b.init("ys", {}, onnx::TensorProto::FLOAT, 0.5);
  b.init("yz", {}, onnx::TensorProto::UINT8, 100);
  b.node("QuantizeLinear", {"x", "xs", "xz"}, {"q"});
  b.node("QLinearConv", {"q", "xs", "xz", "w", "ws", "wz", "ys", "yz"}, {"qc"});
  b.node("ConvInteger", {"q", "w", "xz", "wz"}, {"ci"});
  b.node("DequantizeLinear", {"qc", "ys", "yz"}, {"y"});
  b.output("y");
  b.output("ci");
  b.write(dir / "qdq.onnx");
}

void tensors(const fs::path& dir) {
  onnx::TensorProto f;
  f.set_name("f");
  f.set_data_type(onnx::TensorProto::FLOAT);
  f.add_dims(2);
  f.add_dims(2);
  for (float v : {1.0F, -2.0F, 3.5F, 0.0F}) f.add_float_data(v);
  std::ofstream(dir / "float.pb", std::ios::binary) << f.SerializeAsString();
  onnx::TensorProto r;
  r.set_name("raw");
  r.set_data_type(onnx::TensorProto::INT8);
  r.add_dims(3);
  r.set_raw_data(std::string("\x01\xff\x7f", 3));
  std::ofstream(dir / "raw_int8.pb", std::ios::binary) << r.SerializeAsString();
  onnx::TensorProto l;
  l.set_name("i64");
  l.set_data_type(onnx::TensorProto::INT64);
  l.add_dims(2);
  l.add_int64_data(-1);
  l.add_int64_data(1 << 20);
  std::ofstream(dir / "int64.pb", std::ios::binary) << l.SerializeAsString();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_onnx_corpus FUZZ_DIR\n");
    return 2;
  }
  const fs::path onnx_dir = fs::path(argv[1]) / "corpus" / "onnx";
  const fs::path pb_dir = fs::path(argv[1]) / "corpus" / "pb";
  fs::create_directories(onnx_dir);
  fs::create_directories(pb_dir);
  cnn(onnx_dir);
  shapes(onnx_dir);
  qdq(onnx_dir);
  tensors(pb_dir);
  return 0;
}
