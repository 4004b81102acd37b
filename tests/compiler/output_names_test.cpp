// Names and sizes the generated code cannot carry are refused by the compiler before it writes
// anything, by the same rules as the spec reader (spec/name_rules.hpp), naming the name, the
// rule and where in the model it came from.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "compiler_test_util.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler::testing {
namespace {

graph::Graph relu_graph(const std::string& input, std::int64_t elements = 16) {
  return GraphBuilder().input(input, {1, elements}).node({"Relu", "relu", {input}, {"y"}, {}}).output("y").build();
}

// Compiles `graph` as if from the model file NAME.onnx; returns the refusal (or fails).
Error refusal(graph::Graph graph, const std::string& model_name) {
  CompileOptions options = options_for("refused");
  options.model = model_name + ".onnx";
  options.output_dir = work_dir("refused") / "out";
  std::filesystem::remove_all(options.output_dir.parent_path());
  try {
    compile_graph(std::move(graph), options);
  } catch (const Error& error) {
    EXPECT_FALSE(std::filesystem::exists(options.output_dir)) << "a refused model left a folder";
    return error;
  }
  ADD_FAILURE() << "the model " << model_name << " was compiled";
  return Error(ErrorCode::internal, "not refused", model_name);
}

TEST(CompileNames, KernelNamesFromTheModelFileThatTheGeneratedCodeCannotCarry) {
  // A model file named like a keyword gets a trailing '_' from the sanitizer, which the rules
  // refuse; the others are names of C++/HLS/Python things the generated code uses itself.
  const std::pair<const char*, const char*> cases[] = {
      {"int", "kernel name 'int_'"},       {"case", "kernel name 'case_'"},   {"znn_k", "reserved for generated names"},
      {"std", "kernel name 'std'"},        {"hls", "kernel name 'hls'"},      {"ap_int", "kernel name 'ap_int'"},
      {"int32_t", "kernel name 'int32_t'"}, {"zynqnn", "kernel name 'zynqnn'"},
  };
  for (const auto& [stem, expected] : cases) {
    const Error error = refusal(relu_graph("x"), stem);
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument) << stem;
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
    EXPECT_NE(error.where().find(std::string("model file name '") + stem + ".onnx'"), std::string::npos) << error.where();
  }
}

TEST(CompileNames, AModelFileNameOver64CharactersIsRefused) {
  const Error error = refusal(relu_graph("x"), std::string(129, 'm'));
  EXPECT_NE(std::string(error.what()).find("is longer than 64 characters"), std::string::npos) << error.what();
}

TEST(CompileNames, InputsThatDifferOnlyInCaseAreRefused) {
  graph::Graph g = GraphBuilder()
                       .input("X", {1, 8})
                       .input("x", {1, 8})
                       .node({"Add", "add", {"X", "x"}, {"y"}, {}})
                       .output("y")
                       .build();
  const Error error = refusal(std::move(g), "case_pair");
  const std::string text = error.what();
  EXPECT_NE(text.find("clashes with stream 'in_X'"), std::string::npos) << text;
  EXPECT_NE(text.find("ignoring case"), std::string::npos) << text;
  EXPECT_NE(error.where().find("model input 'x'"), std::string::npos) << error.where();
}

TEST(CompileNames, AKernelNamedLikeOneOfItsStreamsIsRefused) {
  const Error error = refusal(relu_graph("x"), "in_x");
  EXPECT_NE(std::string(error.what()).find("stream name 'in_x' clashes with the kernel 'in_x'"), std::string::npos)
      << error.what();
}

TEST(CompileNames, AStreamOverTheDmaLengthRegisterIsRefused) {
  // 2^25 float32 elements: 128 MiB, over the 2^26 - 1 bytes a 26-bit LENGTH can move.
  const Error error = refusal(relu_graph("x", std::int64_t{1} << 25), "big");
  const std::string text = error.what();
  EXPECT_NE(text.find("a frame of 134217728 bytes exceeds the DMA length register (26 bits, at most 67108863"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace zynqnn::compiler::testing
