// What the name rules accept, the generator can write: specs whose names sit right beside the
// refused ones (names the generated code uses nearby, the longest names, case variants of
// keywords' neighbours) each generate a folder whose testbench builds and passes and whose
// Python wrapper imports and hands its arguments to zynqnn.Accelerator by name.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

namespace zynqnn::codegen {
namespace {

using namespace zynqnn::testing;

struct Stream {
  std::string name, direction, type, shape;
};

std::string spec_json(const std::string& kernel, const std::vector<Stream>& streams) {
  std::string text = R"({"kernel": ")" + kernel + R"(", "board": "pynq-z2", "streams": [)";
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    text += std::string(i ? "," : "") + R"({"name": ")" + s.name + R"(", "direction": ")" + s.direction +
            R"(", "type": ")" + s.type + R"(", "shape": )" + s.shape + "}";
  }
  return text + "]}";
}

// Loads python/KERNEL.py with a stand-in zynqnn module and runs one call through it.
std::string python_check(const std::filesystem::path& wrapper, const std::string& kernel,
                         const std::vector<std::string>& inputs) {
  std::string names = "[";
  for (const auto& n : inputs) names += "'" + n + "',";
  names += "]";
  return "import importlib.util, sys, types\n"
         "class Accelerator:\n"
         "    def __init__(self, manifest_path, board='virtual', **options):\n"
         "        self.manifest_path = manifest_path\n"
         "    def run(self, **inputs):\n"
         "        return dict(inputs)\n"
         "    def close(self):\n"
         "        pass\n"
         "stand_in = types.ModuleType('zynqnn')\n"
         "stand_in.Accelerator = Accelerator\n"
         "sys.modules['zynqnn'] = stand_in\n"
         "spec = importlib.util.spec_from_file_location('wrapper', '" + wrapper.string() + "')\n"
         "module = importlib.util.module_from_spec(spec)\n"
         "spec.loader.exec_module(module)\n"
         "names = " + names + "\n"
         "with getattr(module, '" + kernel + "')() as kernel:\n"
         "    got = kernel.run(**{n: n.upper() for n in names})\n"
         "assert got == {n: n.upper() for n in names}, got\n"
         "print('wrapper ok')\n";
}

struct Case {
  std::string kernel;
  std::vector<Stream> streams;
  std::vector<std::string> inputs;
};

TEST(AcceptedNames, EachAcceptedSpecBuildsItsTestbenchAndImportsItsWrapper) {
  const std::string long_kernel = "K" + std::string(63, 'k');  // 64 characters, the limit
  const std::string long_in = "in" + std::string(62, 'x'), long_out = "out" + std::string(61, 'x');
  const std::vector<Case> cases{
      // Names of locals the generated code uses elsewhere, in scopes a stream never reaches.
      {"Words", {{"elements", "in", "int8", "[7]"}, {"bits", "in", "fixed<12,4>", "[5]"},
                 {"B", "out", "int8", "[7]"}, {"Data2", "out", "fixed<12,4>", "[5]"}},
       {"elements", "bits"}},
      {long_kernel, {{long_in, "in", "uint16", "[3, 5]"}, {long_out, "out", "uint16", "[3, 5]"}}, {long_in}},
      // Neighbours of refused names: a library name with a suffix, a type name without _t.
      {"printf2", {{"int32", "in", "float32", "[2, 2, 2]"}, {"hls_out", "out", "float32", "[2, 2, 2]"}}, {"int32"}},
  };
  const auto root = scratch_dir("accepted_names");
  int passed = 0;
  for (const auto& c : cases) {
    write_text(root / (c.kernel + ".json"), spec_json(c.kernel, c.streams));
    GenerateOptions options;
    options.output_dir = root / c.kernel;
    options.hls_include_dir = hls_include();
    options.project_include_dir = std::string(ZYNQNN_SOURCE_DIR) + "/include";
    options.build_sim = false;
    ASSERT_NO_THROW(generate(spec::load_kernel_spec(root / (c.kernel + ".json")), options)) << c.kernel;
    std::string output;
    EXPECT_EQ(run_testbench(options.output_dir, c.kernel, false, output), 0) << output;
    EXPECT_NE(output.find(c.kernel + " testbench: passed"), std::string::npos) << output;
    write_text(root / "check.py", python_check(options.output_dir / "python" / (c.kernel + ".py"), c.kernel, c.inputs));
    std::string python_output;
    EXPECT_EQ(run("python3 " + sh_quote((root / "check.py").string()), python_output), 0) << python_output;
    EXPECT_NE(python_output.find("wrapper ok"), std::string::npos) << python_output;
    passed += output.find("testbench: passed") != std::string::npos && python_output.find("wrapper ok") != std::string::npos;
  }
  EXPECT_EQ(passed, static_cast<int>(cases.size()));
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace zynqnn::codegen
