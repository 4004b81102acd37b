// The importer on hand-built and hostile models: semantics of a few operators, the fusions,
// and clear errors for everything it refuses.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "model_builder.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/ops.hpp"
#include "zynqnn/io/tensor_proto.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn {
namespace {
using graph::Tensor;
using testing::ModelBuilder;
namespace fs = std::filesystem;

const fs::path kMnist = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "mnist-8" / "model.onnx";

std::vector<std::byte> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

Error import_error(const ModelBuilder& m, onnx_import::ImportOptions options = {}) {
  try {
    (void)onnx_import::import_bytes(m.bytes(), options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "import succeeded";
  return Error(ErrorCode::internal, "none");
}

TEST(OnnxImport, UnsupportedOperatorHasTheExactMessage) {
  ModelBuilder m;
  m.input("x", {1, 4}).output("y");
  m.node("LSTM", {"x"}, {"y"}, "lstm1");
  const Error e = import_error(m);
  EXPECT_EQ(e.code(), ErrorCode::unsupported);
  EXPECT_EQ(e.message(), "unsupported: LSTM (operator not implemented) at node lstm1");
}

TEST(OnnxImport, UnsupportedAttributesAndTypesUseTheSameFormat) {
  ModelBuilder pool;
  pool.input("x", {1, 1, 4, 4}).output("y");
  auto& n = pool.node("MaxPool", {"x"}, {"y"}, "p[0];");
  ModelBuilder::attr_ints(n, "kernel_shape", {2, 2});
  ModelBuilder::attr_int(n, "storage_order", 1);
  EXPECT_EQ(import_error(pool).message(), "unsupported: MaxPool (storage_order=1) at node p[0];");

  ModelBuilder half;
  half.input("x", {2}, onnx::TensorProto::FLOAT16).output("y");
  half.node("Relu", {"x"}, {"y"}, "r");
  EXPECT_EQ(import_error(half).message(), "unsupported: Relu (FLOAT16 tensor 'x') at node r");

  ModelBuilder pad;
  pad.input("x", {4}).initializer_i64("pads", {2}, {1, 1}).output("y");
  ModelBuilder::attr_string(pad.node("Pad", {"x", "pads"}, {"y"}, "p"), "mode", "wrap");
  EXPECT_EQ(import_error(pad).message(), "unsupported: Pad (mode 'wrap') at node p");

  ModelBuilder domain;
  domain.input("x", {4}).output("y");
  domain.node("Relu", {"x"}, {"y"}, "r").set_domain("com.microsoft");
  EXPECT_EQ(import_error(domain).message(), "unsupported: Relu (operator domain 'com.microsoft') at node r");
}

TEST(OnnxImport, HostileNamesAreKeptAsGiven) {
  ModelBuilder m;
  const std::string name = "x\"];{puts [exec rm]};//";
  m.input(name, {1, 3}).output("y'\\n");
  m.node("Relu", {name}, {"y'\\n"}, "node \"1\"; drop");
  const graph::Graph g = onnx_import::import_bytes(m.bytes());
  EXPECT_EQ(g.inputs.at(0), name);
  EXPECT_EQ(g.nodes.at(0).name, "node \"1\"; drop");
  const auto out = graph::Executor(g).run({{name, Tensor::from<float>({1, 3}, {-1, 0, 2})}}).at("y'\\n");
  EXPECT_EQ(out.data<float>()[2], 2.0F);
}

TEST(OnnxImport, CyclesAreRefused) {
  ModelBuilder m;
  m.input("x", {2}).output("b");
  m.node("Add", {"x", "b"}, {"a"}, "first");
  m.node("Relu", {"a"}, {"b"}, "second");
  const Error e = import_error(m);
  EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
  EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
}

TEST(OnnxImport, StructuralErrorsAreClear) {
  ModelBuilder dangling;
  dangling.input("x", {2}).output("y");
  dangling.node("Add", {"x", "missing"}, {"y"}, "add");
  EXPECT_NE(std::string(import_error(dangling).what()).find("'missing' is not defined"), std::string::npos);

  ModelBuilder twice;
  twice.input("x", {2}).output("y");
  twice.node("Relu", {"x"}, {"y"}, "a");
  twice.node("Relu", {"x"}, {"y"}, "b");
  EXPECT_EQ(import_error(twice).code(), ErrorCode::invalid_argument);

  ModelBuilder no_output;
  no_output.input("x", {2}).output("nowhere");
  no_output.node("Relu", {"x"}, {"y"}, "a");
  EXPECT_EQ(import_error(no_output).code(), ErrorCode::parse);

  ModelBuilder no_opset;
  no_opset.proto().clear_opset_import();
  EXPECT_EQ(import_error(no_opset).code(), ErrorCode::parse);

  ModelBuilder shapes;
  shapes.input("x", {2, 3}).input("z", {4, 5}).output("y");
  shapes.node("Add", {"x", "z"}, {"y"}, "add");
  const Error e = import_error(shapes);
  EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
  EXPECT_EQ(e.where(), "node add");
}

TEST(OnnxImport, HugeDimensionsAreRefusedBeforeAllocation) {
  ModelBuilder m;
  m.input("x", {1}).output("y");
  auto* t = m.proto().mutable_graph()->add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(std::int64_t{1} << 40);
  t->add_dims(std::int64_t{1} << 40);
  m.node("Add", {"x", "w"}, {"y"}, "add");
  const Error e = import_error(m);
  EXPECT_EQ(e.code(), ErrorCode::invalid_argument);

  ModelBuilder big_input;
  big_input.input("x", {1 << 20, 1 << 20}).output("y");
  big_input.node("Relu", {"x"}, {"y"}, "r");
  EXPECT_EQ(import_error(big_input).code(), ErrorCode::invalid_argument);

  ModelBuilder negative;
  negative.input("x", {-3}).output("y");
  negative.node("Relu", {"x"}, {"y"}, "r");
  EXPECT_EQ(import_error(negative).code(), ErrorCode::parse);
}

TEST(OnnxImport, PayloadSizeMustMatchTheShape) {
  ModelBuilder m;
  m.input("x", {4}).output("y").initializer("w", {4}, {1, 2, 3});
  m.node("Add", {"x", "w"}, {"y"}, "add");
  EXPECT_EQ(import_error(m).code(), ErrorCode::parse);
  ModelBuilder raw;
  raw.input("x", {4}).output("y");
  auto* t = raw.proto().mutable_graph()->add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(4);
  t->set_raw_data(std::string(15, '\0'));
  raw.node("Add", {"x", "w"}, {"y"}, "add");
  EXPECT_EQ(import_error(raw).code(), ErrorCode::parse);
}

TEST(OnnxImport, TruncatedAndCorruptedModelsNeverCrash) {
  const auto original = read_bytes(kMnist);
  ASSERT_GT(original.size(), 1000U);
  int errors = 0;
  for (std::size_t length = 0; length < original.size(); length += 37) {
    try {
      (void)onnx_import::import_bytes(std::span(original).first(length));
    } catch (const Error& e) {
      ++errors;
      EXPECT_FALSE(std::string(e.what()).empty());
    }
  }
  EXPECT_GT(errors, 0);
  std::mt19937 rng(5);
  for (int round = 0; round < 300; ++round) {
    auto bytes = original;
    for (int flips = 0; flips < 4; ++flips)
      bytes[rng() % bytes.size()] = static_cast<std::byte>(rng() & 0xFF);
    try {
      const graph::Graph g = onnx_import::import_bytes(bytes);
      if (!g.inputs.empty() && g.value(g.inputs[0]).shape == graph::Shape{1, 1, 28, 28}) {
        const auto out = graph::Executor(g).run({{g.inputs[0], Tensor(graph::DType::float32, {1, 1, 28, 28})}});
        EXPECT_FALSE(out.empty());
      }
    } catch (const Error&) {
      // A clear error is the expected outcome for most corruptions.
    }
  }
  EXPECT_THROW((void)onnx_import::import_file("/nonexistent/model.onnx"), Error);
}

TEST(OnnxImport, WrongAttributeTypesAreClearErrors) {
  ModelBuilder m;
  m.input("x", {1, 4}).output("y");
  ModelBuilder::attr_float(m.node("Flatten", {"x"}, {"y"}, "flat"), "axis", 1.0F);
  const Error e = import_error(m);
  EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
  EXPECT_EQ(e.where(), "node flat");
  EXPECT_NE(e.message().find("'axis'"), std::string::npos);
}

TEST(OnnxImport, FuzzSeedModelsImportAndRun) {
  const fs::path corpus = fs::path(ZYNQNN_SOURCE_DIR) / "fuzz" / "corpus" / "onnx";
  int models = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    const graph::Graph g = onnx_import::import_file(entry.path());
    graph::TensorMap inputs;
    for (const auto& name : g.inputs) inputs.emplace(name, Tensor(g.value(name).dtype, g.value(name).shape));
    EXPECT_EQ(graph::Executor(g).run(inputs).size(), g.outputs.size()) << entry.path();
    ++models;
  }
  EXPECT_GE(models, 3);
}

TEST(OnnxImport, DepthwiseConvWithSameLowerPadding) {
  ModelBuilder m;
  m.input("x", {1, 2, 3, 3}).output("y");
  m.initializer("w", {2, 1, 2, 2}, {1, 0, 0, 0, 0, 0, 0, 1});
  auto& n = m.node("Conv", {"x", "w"}, {"y"}, "dw");
  ModelBuilder::attr_int(n, "group", 2);
  ModelBuilder::attr_string(n, "auto_pad", "SAME_LOWER");
  const graph::Graph g = onnx_import::import_bytes(m.bytes());
  const auto p = graph::conv_params(g, g.nodes[0]);
  EXPECT_TRUE(p.depthwise());
  EXPECT_EQ(p.pad_top, 1);
  EXPECT_EQ(p.pad_bottom, 0);
  EXPECT_EQ(p.out_h, 3);
  std::vector<float> x(18);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i + 1);
  const Tensor y = graph::Executor(g).run({{"x", Tensor::from<float>({1, 2, 3, 3}, x)}}).at("y");
  // Channel 0 picks the top-left tap: x shifted down-right by one with zeros entering.
  EXPECT_EQ(y.data<float>()[0], 0.0F);
  EXPECT_EQ(y.data<float>()[4], 1.0F);
  // Channel 1 picks the bottom-right tap: the input itself.
  EXPECT_EQ(y.data<float>()[9], 10.0F);
  EXPECT_EQ(y.data<float>()[17], 18.0F);
}

TEST(OnnxImport, BatchNormIsFoldedIntoConvWithTheSameResults) {
  auto build = [] {
    ModelBuilder m(9);
    m.input("x", {1, 2, 4, 4}).output("y");
    m.initializer("w", {2, 2, 3, 3}, std::vector<float>(36, 0.1F));
    m.initializer("s", {2}, {1.5F, -0.5F}).initializer("b", {2}, {0.2F, 0.3F});
    m.initializer("mean", {2}, {0.1F, -0.2F}).initializer("var", {2}, {2.0F, 0.5F});
    ModelBuilder::attr_ints(m.node("Conv", {"x", "w"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
    m.node("BatchNormalization", {"c", "s", "b", "mean", "var"}, {"y"}, "bn");
    return m;
  };
  const graph::Graph folded = onnx_import::import_bytes(build().bytes());
  onnx_import::ImportOptions plain;
  plain.optimize = false;
  const graph::Graph kept = onnx_import::import_bytes(build().bytes(), plain);
  ASSERT_EQ(folded.nodes.size(), 1U);
  EXPECT_EQ(folded.nodes[0].op, "Conv");
  ASSERT_EQ(kept.nodes.size(), 2U);
  std::vector<float> x(32);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i));
  const graph::TensorMap in{{"x", Tensor::from<float>({1, 2, 4, 4}, x)}};
  const Tensor a = graph::Executor(folded).run(in).at("y");
  const Tensor b = graph::Executor(kept).run(in).at("y");
  for (std::size_t i = 0; i < 32; ++i) EXPECT_NEAR(a.data<float>()[i], b.data<float>()[i], 1e-5F);
}

TEST(OnnxImport, BatchNormWithoutAProducerBecomesChannelAffine) {
  ModelBuilder m;
  m.input("x", {1, 2, 1, 2}).output("y");
  m.initializer("s", {2}, {2, 1}).initializer("b", {2}, {1, 0});
  m.initializer("mean", {2}, {0, 1}).initializer("var", {2}, {1, 4});
  m.node("BatchNormalization", {"x", "s", "b", "mean", "var"}, {"y"}, "bn");
  const graph::Graph g = onnx_import::import_bytes(m.bytes());
  ASSERT_EQ(g.nodes.size(), 1U);
  EXPECT_EQ(g.nodes[0].op, "ChannelAffine");
  const Tensor y = graph::Executor(g).run({{"x", Tensor::from<float>({1, 2, 1, 2}, {1, 2, 3, 5})}}).at("y");
  EXPECT_NEAR(y.data<float>()[0], 2 * 1 / std::sqrt(1 + 1e-5F) + 1, 1e-5);
  EXPECT_NEAR(y.data<float>()[3], (5 - 1) / std::sqrt(4 + 1e-5F), 1e-5);
}

TEST(OnnxImport, MatMulAddBecomesGemmAndConstantsFold) {
  ModelBuilder m;
  m.input("x", {2, 3}).output("y");
  m.initializer("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  m.initializer("b0", {2}, {1, 1});
  m.node("Add", {"b0", "b0"}, {"b"}, "fold_me");  // constant: folded at import
  m.node("MatMul", {"x", "w"}, {"m"}, "mm");
  m.node("Add", {"m", "b"}, {"y"}, "bias");
  const graph::Graph g = onnx_import::import_bytes(m.bytes());
  ASSERT_EQ(g.nodes.size(), 1U);
  EXPECT_EQ(g.nodes[0].op, "Gemm");
  EXPECT_EQ(graph::gemm_params(g, g.nodes[0]).k, 3);
  const Tensor y = graph::Executor(g).run({{"x", Tensor::from<float>({2, 3}, {1, 0, 0, 0, 1, 1})}}).at("y");
  EXPECT_EQ(y.data<float>()[0], 3.0F);
  EXPECT_EQ(y.data<float>()[3], 4 + 6 + 2.0F);
}

TEST(OnnxImport, SoftmaxFollowsTheOpsetSemantics) {
  auto run = [](std::int64_t opset) {
    ModelBuilder m(opset);
    m.input("x", {1, 2, 2}).output("y");
    ModelBuilder::attr_int(m.node("Softmax", {"x"}, {"y"}, "sm"), "axis", 1);
    const graph::Graph g = onnx_import::import_bytes(m.bytes());
    return graph::Executor(g).run({{"x", Tensor::from<float>({1, 2, 2}, {0, 0, 0, 0})}}).at("y");
  };
  EXPECT_FLOAT_EQ(run(11).data<float>()[0], 0.25F);  // flattened to [1,4]
  EXPECT_FLOAT_EQ(run(13).data<float>()[0], 0.5F);   // along axis 1 only
}

TEST(OnnxImport, ClipBeforeOpset11UsesAttributes) {
  ModelBuilder m(6 + 3);
  m.input("x", {3}).output("y");
  auto& n = m.node("Clip", {"x"}, {"y"}, "clip");
  ModelBuilder::attr_float(n, "min", -1.0F);
  ModelBuilder::attr_float(n, "max", 1.0F);
  const graph::Graph g = onnx_import::import_bytes(m.bytes());
  const Tensor y = graph::Executor(g).run({{"x", Tensor::from<float>({3}, {-5, 0.5F, 5})}}).at("y");
  EXPECT_EQ(y.data<float>()[0], -1.0F);
  EXPECT_EQ(y.data<float>()[1], 0.5F);
  EXPECT_EQ(y.data<float>()[2], 1.0F);
}

TEST(TensorProto, GarbageIsAParseError) {
  const std::vector<std::byte> garbage(64, std::byte{0xFF});
  try {
    (void)io::parse_tensor_proto(garbage, "garbage.pb");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::parse);
    EXPECT_EQ(e.where(), "garbage.pb");
  }
}

TEST(TensorProto, WriteThenReadGivesTheSameTensor) {
  const fs::path path = fs::temp_directory_path() / "zynqnn_tensor_proto_test.pb";
  const Tensor t = Tensor::from<std::int8_t>({2, 2}, {-128, 0, 5, 127});
  io::write_tensor_proto_file(path, "t", t);
  const auto back = io::read_tensor_proto_file(path);
  fs::remove(path);
  EXPECT_EQ(back.name, "t");
  EXPECT_EQ(back.tensor.shape(), t.shape());
  EXPECT_EQ(back.tensor.to_int64s(), t.to_int64s());
}

}  // namespace
}  // namespace zynqnn
