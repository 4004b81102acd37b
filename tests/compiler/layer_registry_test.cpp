// The layer registry (src/compiler/layers), the operator table generated from it, and the
// partition pass called on its own.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "compiler/layers/registry.hpp"
#include "compiler_test_util.hpp"
#include "zynqnn/compiler/operator_table.hpp"
#include "zynqnn/compiler/partition.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

using testing::GraphBuilder;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(OperatorTable, DocumentationMatchesTheRegistry) {
  const std::string path = std::string(ZYNQNN_SOURCE_DIR) + "/docs/compiler.md";
  const std::string doc = read_text(path);
  ASSERT_FALSE(doc.empty()) << path;
  EXPECT_EQ(with_operator_table(doc), doc)
      << "the operator table of " << path << " differs from the layer registry: run `zynqnn operators --update "
      << path << "`";
}

TEST(OperatorTable, HasAHeaderAndOneLinePerRow) {
  std::size_t rows = 0;
  for (const auto& rule : layers::registry().rules()) rows += rule.rows.size();
  const std::string table = operator_table_markdown();
  EXPECT_EQ(table.rfind("| ONNX | PL layer | Notes |\n|---|---|---|\n", 0), 0U) << table;
  EXPECT_EQ(static_cast<std::size_t>(std::count(table.begin(), table.end(), '\n')), rows + 2);
  EXPECT_NE(table.find("| Pad (constant 0, spatial axes) before a Conv | folded into the convolution's padding |"),
            std::string::npos)
      << table;
}

TEST(OperatorTable, ADocumentWithoutMarkersIsRefused) {
  EXPECT_THROW(with_operator_table("# no table here\n"), Error);
  const std::string reversed = std::string(kOperatorTableEnd) + "\n" + kOperatorTableBegin + "\n";
  EXPECT_THROW(with_operator_table(reversed), Error);
}

TEST(LayerRegistry, EveryLayerFileLowersItsOperatorsAndDescribesThem) {
  const auto& rules = layers::registry().rules();
  ASSERT_GE(rules.size(), 13U);  // one per file under src/compiler/layers
  for (const auto& rule : rules) {
    EXPECT_NE(rule.lower, nullptr) << rule.name;
    EXPECT_FALSE(rule.rows.empty()) << rule.name;
    EXPECT_FALSE(rule.ops.empty()) << rule.name;
    for (const auto& op : rule.ops) EXPECT_EQ(layers::registry().find(op), &rule) << op;
  }
  for (const char* op : {"Conv", "Gemm", "MatMul", "Pad", "Flatten", "ConvInteger", "Concat", "Clip"})
    EXPECT_NE(layers::registry().find(op), nullptr) << op;
  EXPECT_EQ(layers::registry().find("Softmax"), nullptr);
}

TEST(LayerRegistry, EveryLayerKindIsDescribedByALayerFile) {
  for (LayerKind kind : {LayerKind::conv, LayerKind::depthwise_conv, LayerKind::pool, LayerKind::global_pool,
                         LayerKind::dense, LayerKind::activation, LayerKind::channel_const, LayerKind::eltwise,
                         LayerKind::concat, LayerKind::channel_stream, LayerKind::clip_stream,
                         LayerKind::batchnorm_stream, LayerKind::zero_point}) {
    const layers::KindRule& rule = layers::kind_rule(kind);
    EXPECT_EQ(rule.kind, kind) << rule.name;
    EXPECT_FALSE(rule.name.empty());
    EXPECT_NE(rule.describe, nullptr) << rule.name;
    EXPECT_NE(rule.emit, nullptr) << rule.name;
  }
  layers::Registry registry;
  registry.add_kind({.kind = LayerKind::pool, .name = "pool"});
  EXPECT_THROW(registry.add_kind({.kind = LayerKind::pool, .name = "another pool"}), Error);
  EXPECT_THROW((void)registry.kind(LayerKind::conv), Error);
}

TEST(LayerRegistry, AnOperatorClaimedTwiceIsRefused) {
  layers::Registry registry;
  layers::LayerRule first;
  first.name = "first";
  first.ops = {"Relu"};
  registry.add(first);
  layers::LayerRule second;
  second.name = "second";
  second.ops = {"Sigmoid", "Relu"};
  try {
    registry.add(second);
    FAIL() << "two layers claimed Relu";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layers first and second both claim operator Relu"), std::string::npos)
        << e.what();
  }
}

TEST(Partition, CalledOnItsOwnPlacesTheNodesAsLowerDoes) {
  GraphBuilder b;
  b.input("x", {2, 6})
      .random_constant("w", {6, 4})
      .node({"Transpose", "t", {"x"}, {"xt"}, {{"perm", std::vector<std::int64_t>{1, 0}}}})
      .node({"Transpose", "back", {"xt"}, {"xb"}, {{"perm", std::vector<std::int64_t>{1, 0}}}})
      .node({"Gemm", "fc", {"xb", "w"}, {"g"}, {}})
      .node({"Relu", "r", {"g"}, {"h"}, {}})
      .node({"Softmax", "sm", {"h"}, {"y"}, {}})
      .output("y");
  const graph::Graph g = b.build();
  const Partition placed = partition(g);
  EXPECT_EQ(placed.pre_nodes, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(placed.pl_nodes, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(placed.post_nodes, (std::vector<std::size_t>{4}));
  EXPECT_FALSE(placed.refused_node.has_value());
  const LayerPlan plan = lower_partitioned(g, placed, {}, "net");
  EXPECT_EQ(plan.pre_nodes, placed.pre_nodes);
  EXPECT_EQ(plan.pl_nodes, placed.pl_nodes);
  EXPECT_EQ(plan.post_nodes, placed.post_nodes);
  ASSERT_EQ(plan.layers.size(), 1U);
  EXPECT_EQ(plan.layers[0].ops, "Gemm+Relu");
}

// Run-time weights are packed by the host, not streamed: a Flatten of them after the Gemm is a
// PS operator, while a Flatten of a streamed tensor stays on the PL (the same stream).
TEST(Partition, AFlattenStaysOnThePlOnlyForATensorThatStreams) {
  GraphBuilder b;
  b.input("x", {1, 6})
      .input("w", {6, 4})
      .node({"Gemm", "fc", {"x", "w"}, {"g"}, {}})
      .node({"Flatten", "flat_w", {"w"}, {"fw"}, {{"axis", std::int64_t{0}}}})
      .node({"Flatten", "flat_x", {"x"}, {"fx"}, {{"axis", std::int64_t{0}}}})
      .output("g")
      .output("fw")
      .output("fx");
  const graph::Graph g = b.build();
  const Partition placed = partition(g);
  EXPECT_EQ(placed.pl_nodes, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(placed.post_nodes, (std::vector<std::size_t>{1}));
}

TEST(Partition, KeepsItsRefusalSoThatErrorsComeInGraphOrder) {
  GraphBuilder b;
  b.input("x", {1, 2, 4, 4})
      .node({"Concat", "lonely", {"x"}, {"c"}, {{"axis", std::int64_t{1}}}})
      .node({"Transpose", "t", {"c"}, {"tc"}, {}})
      .node({"Relu", "r", {"tc"}, {"y"}, {}})
      .output("y");
  const graph::Graph g = b.build();
  const Partition placed = partition(g);
  ASSERT_TRUE(placed.refused_node.has_value());
  EXPECT_EQ(g.nodes[*placed.refused_node].name, "r");
  EXPECT_EQ(placed.refusal, "its input tc comes from an operator the PS runs after the PL");
  try {
    (void)lower_partitioned(g, placed, {}, "net");
    FAIL() << "the graph was lowered";
  } catch (const Error& e) {  // the Concat comes first in the graph: its refusal is the one reported
    EXPECT_NE(std::string(e.what()).find("unsupported: Concat (fewer than two inputs) at node lonely"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace zynqnn::compiler
