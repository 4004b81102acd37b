#include <gtest/gtest.h>

#include <limits>

#include <set>

#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/graph.hpp"
#include "zynqnn/graph/identifier.hpp"
#include "zynqnn/graph/infer.hpp"

namespace zynqnn::graph {
namespace {

Graph relu_chain() {
  Graph g;
  g.name = "chain";
  g.add_value({"x", DType::float32, {2}, true, std::nullopt});
  g.add_value({"a", DType::float32, {2}, true, std::nullopt});
  g.add_value({"b", DType::float32, {2}, true, std::nullopt});
  g.inputs = {"x"};
  g.outputs = {"b"};
  // Deliberately out of order: sort() puts the producer first.
  g.nodes.push_back({"Relu", "second", {"a"}, {"b"}, {}});
  g.nodes.push_back({"Relu", "first", {"x"}, {"a"}, {}});
  return g;
}

TEST(Tensor, LimitsAreCheckedBeforeAllocation) {
  EXPECT_THROW(Tensor(DType::float32, {std::int64_t{1} << 20, std::int64_t{1} << 20}), Error);
  EXPECT_THROW(Tensor(DType::float32, {-1}), Error);
  EXPECT_THROW(Tensor(DType::float32, Shape(kMaxRank + 1, 1)), Error);
  EXPECT_EQ(element_count({2, 0, std::int64_t{1} << 31}, "t"), 0);
  const Tensor t(DType::int32, {2, 3});
  EXPECT_EQ(t.size(), 6);
  EXPECT_EQ(t.bytes().size(), 24U);
  EXPECT_THROW((void)t.data<float>(), Error);
  EXPECT_THROW((void)t.reshaped({7}), Error);
}

TEST(Graph, SortsTopologicallyAndRuns) {
  Graph g = relu_chain();
  g.sort();
  EXPECT_EQ(g.nodes[0].name, "first");
  g.validate();
  EXPECT_EQ(g.producer("b"), 1U);
  EXPECT_EQ(g.consumers("a"), std::vector<std::size_t>{1});
  const auto out = Executor(g).run({{"x", Tensor::from<float>({2}, {-1, 3})}}).at("b");
  EXPECT_EQ(out.data<float>()[0], 0.0F);
  EXPECT_EQ(out.data<float>()[1], 3.0F);
}

TEST(Graph, ValidationNamesTheProblem) {
  Graph cycle = relu_chain();
  cycle.nodes[1].inputs = {"b"};
  try {
    cycle.validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_NE(e.message().find("cycle"), std::string::npos);
  }
  Graph dangling = relu_chain();
  dangling.nodes[0].inputs = {"nowhere"};
  EXPECT_THROW(dangling.validate(), Error);
  Graph twice = relu_chain();
  twice.nodes[1].outputs = {"b"};
  EXPECT_THROW(twice.validate(), Error);
  Graph overwrite = relu_chain();
  overwrite.nodes[1].outputs = {"x"};
  EXPECT_THROW(overwrite.validate(), Error);
  Graph g = relu_chain();
  EXPECT_THROW(g.add_value({"x", DType::float32, {2}, true, std::nullopt}), Error);
}

TEST(Executor, RefusesWrongInputs) {
  Graph g = relu_chain();
  const Executor executor(g);
  EXPECT_THROW(executor.run({}), Error);
  EXPECT_THROW(executor.run({{"x", Tensor::from<float>({3}, {1, 2, 3})}}), Error);
  EXPECT_THROW(executor.run({{"x", Tensor::from<std::int32_t>({2}, {1, 2})}}), Error);
  EXPECT_THROW(executor.run({{"x", Tensor::from<float>({2}, {1, 2})}, {"extra", Tensor()}}), Error);
}

TEST(Infer, UnsupportedFormat) {
  const Node node{"Resize", "up 1", {"x"}, {"y"}, {}};
  const ValueInfo x{DType::float32, {1}, true, nullptr, true};
  try {
    (void)infer_node(node, std::span(&x, 1), 13);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::unsupported);
    EXPECT_STREQ(e.what(), "unsupported: Resize (operator not implemented) at node up 1");
  }
}

TEST(Infer, QuantizeLinearRoundsHalfToEvenAndSaturates) {
  const Node node{"QuantizeLinear", "q", {"x", "s", "z"}, {"y"}, {}};
  const Tensor x = Tensor::from<float>({6}, {0.5F, 1.5F, 2.5F, -0.5F, 1000.0F, -1000.0F});
  const Tensor s = Tensor::scalar(1.0F);
  const Tensor z = Tensor::scalar<std::uint8_t>(10);
  const Tensor* args[] = {&x, &s, &z};
  const auto y = run_node(node, args, 13).at(0);
  EXPECT_EQ(y.dtype(), DType::uint8);
  EXPECT_EQ(y.to_int64s(), (std::vector<std::int64_t>{10, 12, 12, 10, 255, 0}));
}

// NaN has no integer value (a NaN cast is undefined behaviour); the executor and the quantizer
// both give it the zero point. An out-of-range Clip bound saturates instead of overflowing.
TEST(Infer, QuantizeLinearGivesNanTheZeroPoint) {
  const Node node{"QuantizeLinear", "q", {"x", "s", "z"}, {"y"}, {}};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = Tensor::from<float>({3}, {nan, -nan, 1.0F});
  const Tensor s = Tensor::scalar(0.0F);  // 1 / 0 = +inf saturates; NaN / 0 stays NaN
  const Tensor z = Tensor::scalar<std::uint8_t>(10);
  const Tensor* args[] = {&x, &s, &z};
  EXPECT_EQ(run_node(node, args, 13).at(0).to_int64s(), (std::vector<std::int64_t>{10, 10, 255}));
}

TEST(Infer, ClipOfIntegersWithDefaultFloatBoundsSaturates) {
  const Node node{"Clip", "c", {"x"}, {"y"}, {}};
  const Tensor x = Tensor::from<std::int8_t>({3}, {-128, 0, 127});
  const Tensor* args[] = {&x};
  EXPECT_EQ(run_node(node, args, 6).at(0).to_int64s(), (std::vector<std::int64_t>{-128, 0, 127}));
}

TEST(SanitizedIdentifier, IsSafeForCppAndTcl) {
  EXPECT_EQ(sanitized_identifier("conv1"), "conv1");
  EXPECT_EQ(sanitized_identifier("conv/1:0"), "conv_1_0");
  EXPECT_EQ(sanitized_identifier("x\"];{exec rm -rf};//"), "x_exec_rm_rf");
  EXPECT_EQ(sanitized_identifier("123"), "id_123");
  EXPECT_EQ(sanitized_identifier(""), "id_");
  EXPECT_EQ(sanitized_identifier("__init__"), "id_init");
  EXPECT_EQ(sanitized_identifier("class"), "class_");
  EXPECT_EQ(sanitized_identifier("\xC3\xA9t\xC3\xA9"), "id_t");
  for (const char* hostile : {"a b", "$x", "[cmd]", "a;b", "\\n", "{}", "\"", "\x01"}) {
    const std::string id = sanitized_identifier(hostile);
    ASSERT_FALSE(id.empty());
    EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(id[0]))) << id;
    for (const char c : id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_') << id;
    EXPECT_EQ(id.find("__"), std::string::npos) << id;
  }
}

TEST(SanitizedIdentifier, TableKeepsIdentifiersUnique) {
  IdentifierTable table;
  const std::string a = table.sanitized_identifier("conv-1");
  const std::string b = table.sanitized_identifier("conv_1");
  const std::string c = table.sanitized_identifier("conv 1");
  EXPECT_EQ(a, "conv_1");
  EXPECT_EQ(std::set<std::string>({a, b, c}).size(), 3U);
  EXPECT_EQ(table.sanitized_identifier("conv 1"), c);
}

}  // namespace
}  // namespace zynqnn::graph
