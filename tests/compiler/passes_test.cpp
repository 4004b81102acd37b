// The compiler as named passes: the order, what each reports, and --dump-after's files.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "compiler_test_util.hpp"
#include "zynqnn/compiler/passes.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;
using testing::GraphBuilder;

// Conv → Relu → GlobalAveragePool → Flatten → Softmax: the Softmax runs on the PS after the PL.
graph::Graph conv_graph() {
  GraphBuilder b;
  b.input("x", {1, 2, 6, 6})
      .random_constant("w", {4, 2, 3, 3})
      .random_constant("b", {4})
      .node({"Conv", "conv", {"x", "w", "b"}, {"c"}, {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}})
      .node({"Relu", "relu", {"c"}, {"r"}, {}})
      .node({"GlobalAveragePool", "gap", {"r"}, {"g"}, {}})
      .node({"Flatten", "flat", {"g"}, {"f"}, {}})
      .node({"Softmax", "softmax", {"f"}, {"y"}, {}})
      .output("y");
  return b.build();
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return nlohmann::json::parse(in);
}

TEST(CompilePasses, RunInTheirOrderAndSayWhatTheyChanged) {
  CompileOptions options = testing::options_for("passes_conv_bn");
  options.build_sim = false;
  std::vector<std::string> logged;
  options.on_pass = [&](const PassRecord& r) { logged.push_back(r.name); };
  const CompileResult result = compile_graph(conv_graph(), options);

  // compile_graph starts after the import's own passes; every other runs once, in order.
  std::vector<std::string> expected;
  for (const auto& p : compile_passes())
    if (p.name != "import" && p.name != "fuse") expected.emplace_back(p.name);
  ASSERT_EQ(logged, expected);
  ASSERT_EQ(result.passes.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(result.passes[i].name, expected[i]);
    EXPECT_FALSE(result.passes[i].changed.empty()) << expected[i];
    EXPECT_GE(result.passes[i].seconds, 0.0);
  }
  EXPECT_EQ(result.passes[0].changed, "no quantized activations: nothing to strip");
  const auto lower = std::find_if(result.passes.begin(), result.passes.end(), [](const auto& r) { return r.name == "lower"; });
  EXPECT_EQ(lower->changed, fmt::format("{} PL layers from 4 nodes; 0 nodes on the PS before the PL, 1 after",
                                        result.plan.layers.size()));
  EXPECT_EQ(result.plan.post_nodes.size(), 1U);
  EXPECT_EQ(result.passes.back().changed, "not built (--no-build)");
  EXPECT_TRUE(fs::exists(options.output_dir / "manifest.json"));
}

TEST(CompilePasses, DumpAfterWritesTheGraphBeforeLoweringAndThePlanAfter) {
  CompileOptions options = testing::options_for("passes_dump");
  options.build_sim = false;
  options.dump_after = {"strip-qdq", "partition", "lower", "estimate"};
  options.dump_dir = testing::work_dir("passes_dump.passes");
  fs::remove_all(options.dump_dir);
  const CompileResult result = compile_graph(conv_graph(), options);

  std::vector<std::string> written;
  for (const auto& e : fs::directory_iterator(options.dump_dir)) written.push_back(e.path().filename().string());
  std::sort(written.begin(), written.end());
  EXPECT_EQ(written, (std::vector<std::string>{"02-strip-qdq.graph.json", "03-partition.graph.json",
                                                  "04-lower.plan.json", "08-estimate.plan.json"}));

  // Before lowering: the graph's nodes, attributes and shapes.
  const auto graph = read_json(options.dump_dir / "02-strip-qdq.graph.json");
  std::vector<std::string> ops;
  for (const auto& n : graph["nodes"]) ops.push_back(n["op"]);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "Relu", "GlobalAveragePool", "Flatten", "Softmax"}));
  EXPECT_EQ(graph["nodes"][0]["attributes"]["pads"], nlohmann::json({1, 1, 1, 1}));
  EXPECT_EQ(graph["values"]["w"]["constant"], true);
  EXPECT_EQ(graph["values"]["x"]["shape"], nlohmann::json({1, 2, 6, 6}));

  // The partition: the Softmax after the PL, the rest on it.
  const auto partitioned = read_json(options.dump_dir / "03-partition.graph.json");
  EXPECT_EQ(partitioned["partition"]["pl"], nlohmann::json({"conv", "relu", "gap", "flat"}));
  EXPECT_EQ(partitioned["partition"]["ps_after_pl"], nlohmann::json({"softmax"}));
  EXPECT_EQ(partitioned["partition"]["ps_before_pl"], nlohmann::json::array());
  EXPECT_FALSE(partitioned["partition"].contains("refused"));

  // After lowering the plan holds the layers; the estimate is filled in only by its pass.
  const auto lowered = read_json(options.dump_dir / "04-lower.plan.json");
  const auto estimated = read_json(options.dump_dir / "08-estimate.plan.json");
  EXPECT_EQ(lowered["pl_layers"].size(), result.plan.layers.size());
  EXPECT_EQ(lowered["estimate"]["interval_cycles_estimate"], 0);
  EXPECT_EQ(estimated["estimate"]["interval_cycles_estimate"], result.estimate.interval_cycles);
  EXPECT_GT(result.estimate.interval_cycles, 0U);
}

TEST(CompilePasses, AnUnknownPassNameIsRefusedBeforeAnythingRuns) {
  CompileOptions options = testing::options_for("passes_unknown");
  options.build_sim = false;
  options.dump_after = {"lower", "lowering"};
  options.dump_dir = testing::work_dir("passes_unknown.passes");
  fs::remove_all(options.output_dir);
  fs::remove_all(options.dump_dir);
  int passes_run = 0;
  options.on_pass = [&](const PassRecord&) { ++passes_run; };
  try {
    compile_graph(conv_graph(), options);
    FAIL() << "an unknown pass was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("unknown pass 'lowering'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(pass_names()), std::string::npos) << e.what();
  }
  EXPECT_EQ(passes_run, 0);
  EXPECT_FALSE(fs::exists(options.output_dir));
  EXPECT_FALSE(fs::exists(options.dump_dir));
}

TEST(CompilePasses, EveryPassHasAUniqueNameAndADescription) {
  std::set<std::string_view> names;
  for (const auto& p : compile_passes()) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_FALSE(p.does.empty()) << p.name;
  }
  EXPECT_EQ(compile_passes().front().name, "import");
  EXPECT_EQ(compile_passes().back().name, "build-sim");
}

}  // namespace
}  // namespace zynqnn::compiler
