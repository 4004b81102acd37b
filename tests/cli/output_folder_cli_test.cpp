// `zynqnn generate` and `zynqnn compile` through the built binary: a run killed at any moment
// leaves the previous complete folder or none, never a mix of two generations; a folder of the
// user's, a symbolic link and names the generated code cannot carry are refused before
// anything is written; `sim --output-dir` on a full disk fails.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("zynqnn_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string example(const std::string& name) { return std::string(ZYNQNN_SOURCE_DIR) + "/examples/specs/" + name; }

// Starts `zynqnn ARGS...` with its output discarded; returns its pid.
pid_t start(const std::vector<std::string>& args) {
  std::fflush(stdout);  // the child would flush our buffer once more
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(ZYNQNN_CLI)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execv(ZYNQNN_CLI, argv.data());
    ::_exit(127);
  }
  return pid;
}

// Runs `zynqnn ARGS...` to the end; returns its exit status and combined output.
int run(const std::vector<std::string>& args, std::string& output) {
  std::string command = ZYNQNN_CLI;
  for (const auto& a : args) command += " '" + a + "'";
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  output.clear();
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// What a folder holds after a run: "absent", the kernel of one complete generation, or
// "mixed: why". Judged by the files themselves, not only by the stamp: the manifest's kernel,
// the generated top of that kernel and no other, and the host build's own symbols.
std::string folder_state(const fs::path& out, const std::vector<std::string>& kernels, bool expect_library) {
  if (!fs::exists(out)) return "absent";
  if (!zynqnn::manifest::has_folder_stamp(out)) return "mixed: no stamp";
  try {
    zynqnn::manifest::verify_folder_stamp(out);
  } catch (const zynqnn::Error& error) {
    return std::string("mixed: ") + error.what();
  }
  const std::string kernel = zynqnn::manifest::load_manifest(out / "manifest.json").kernel;
  if (std::find(kernels.begin(), kernels.end(), kernel) == kernels.end()) return "mixed: manifest of " + kernel;
  for (const auto& other : kernels) {
    if (fs::exists(out / "hls" / (other + "_top.cpp")) != (other == kernel)) return "mixed: hls of " + other;
  }
  if (!expect_library) return kernel;
  const std::string library = read_file(out / "sim" / "libkernel.so");
  if (library.empty()) return "mixed: no library";
  for (const auto& other : kernels) {  // the mangled top function, e.g. _Z5adder...
    const std::string symbol = "_Z" + std::to_string(other.size()) + other;
    if ((library.find(symbol) != std::string::npos) != (other == kernel)) return "mixed: library of another kernel";
  }
  return kernel;
}

struct KillCampaign {
  int tried = 0, killed = 0, mixed = 0, finished_new = 0;
  std::vector<std::string> findings;
};

// Runs `args` over a folder holding the complete generation `baseline` makes (kernels[0]),
// killed after each delay in turn (SIGTERM and SIGINT alternately), and judges the folder
// after each; a run that finished (kernels[1] in place) is followed by the baseline again.
KillCampaign kill_campaign(const std::vector<std::string>& baseline, const std::vector<std::string>& args, const fs::path& out,
                           const std::vector<std::string>& kernels, bool expect_library, const std::vector<int>& delays_ms) {
  KillCampaign campaign;
  for (std::size_t k = 0; k < delays_ms.size(); ++k) {
    if (folder_state(out, kernels, expect_library) != kernels.front()) {
      std::string output;
      EXPECT_EQ(run(baseline, output), 0) << output;
    }
    const pid_t pid = start(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms[k]));
    ::kill(pid, k % 2 ? SIGINT : SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ++campaign.tried;
    campaign.killed += WIFSIGNALED(status);
    const std::string state = folder_state(out, kernels, expect_library);
    campaign.finished_new += state == kernels.back();
    if (state.rfind("mixed", 0) == 0) {
      ++campaign.mixed;
      campaign.findings.push_back("after " + std::to_string(delays_ms[k]) + " ms: " + state);
    }
  }
  return campaign;
}

// Milliseconds a complete run of `args` takes.
int duration_ms(const std::vector<std::string>& args) {
  const auto begin = std::chrono::steady_clock::now();
  std::string output;
  EXPECT_EQ(run(args, output), 0) << output;
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count());
}

// Kill moments spread from the start to past the end of a run that takes `full` ms.
std::vector<int> spread(int full, int count) {
  std::vector<int> delays;
  for (int k = 0; k < count; ++k) delays.push_back(full * 13 * k / (10 * (count - 1)));
  return delays;
}

TEST(KilledRun, GenerateLeavesThePreviousFolderOrTheNewOneNeverAMix) {
  const fs::path root = scratch("kill_generate");
  const fs::path out = root / "out";
  std::string output;
  const int full = duration_ms({"generate", example("mixer.json"), "-o", (root / "timing").string()});
  ASSERT_EQ(run({"generate", example("adder.json"), "-o", out.string()}, output), 0) << output;
  ASSERT_EQ(folder_state(out, {"adder", "mixer"}, true), "adder");
  const std::vector<int> delays = spread(full, 12);
  const KillCampaign c = kill_campaign({"generate", example("adder.json"), "-o", out.string()},
                                       {"generate", example("mixer.json"), "-o", out.string()}, out, {"adder", "mixer"}, true,
                                       delays);
  std::printf("generate (host build, %d ms) killed: %d tries, %d killed mid-way, %d new folders, %d mixed folders\n", full,
              c.tried, c.killed, c.finished_new, c.mixed);
  EXPECT_EQ(c.mixed, 0) << ::testing::PrintToString(c.findings);
  EXPECT_GE(c.killed, 4) << "too few runs were killed mid-way to mean anything";
  // --no-build over a folder with a host build: never the old library beside the new sources.
  ASSERT_EQ(run({"generate", example("adder.json"), "-o", out.string()}, output), 0) << output;
  const KillCampaign n = kill_campaign({"generate", example("adder.json"), "-o", out.string()},
                                       {"generate", example("mixer.json"), "-o", out.string(), "--no-build"}, out,
                                       {"adder", "mixer"}, false, {0, 1, 2, 3, 5, 8, 12, 20});
  EXPECT_EQ(n.mixed, 0) << ::testing::PrintToString(n.findings);
  const std::string state = folder_state(out, {"adder", "mixer"}, false);
  if (state == "mixer") {
    EXPECT_FALSE(fs::exists(out / "sim" / "libkernel.so")) << "the previous kernel's library survived --no-build";
  }
  std::printf("generate --no-build killed: %d tries, %d killed mid-way, %d new folders, %d mixed folders\n", n.tried,
              n.killed, n.finished_new, n.mixed);
  fs::remove_all(root);
}

TEST(KilledRun, CompileLeavesThePreviousFolderOrTheNewOneNeverAMix) {
  const fs::path root = scratch("kill_compile");
  const fs::path fixtures = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "node";
  if (!fs::exists(fixtures / "test_clip" / "model.onnx")) GTEST_SKIP() << "no ONNX fixtures";
  fs::copy_file(fixtures / "test_leakyrelu_default" / "model.onnx", root / "leaky.onnx");
  fs::copy_file(fixtures / "test_clip" / "model.onnx", root / "clipper.onnx");
  const fs::path out = root / "out";
  std::string output;
  const int full = duration_ms({"compile", (root / "clipper.onnx").string(), "-o", (root / "timing").string()});
  ASSERT_EQ(run({"compile", (root / "leaky.onnx").string(), "-o", out.string()}, output), 0) << output;
  ASSERT_EQ(folder_state(out, {"leaky", "clipper"}, true), "leaky");
  const std::vector<int> delays = spread(full, 12);
  const KillCampaign c = kill_campaign({"compile", (root / "leaky.onnx").string(), "-o", out.string()},
                                       {"compile", (root / "clipper.onnx").string(), "-o", out.string()}, out,
                                       {"leaky", "clipper"}, true, delays);
  std::printf("compile (%d ms) killed: %d tries, %d killed mid-way, %d new folders, %d mixed folders\n", full, c.tried,
              c.killed, c.finished_new, c.mixed);
  EXPECT_EQ(c.mixed, 0) << ::testing::PrintToString(c.findings);
  EXPECT_GE(c.killed, 4) << "too few runs were killed mid-way to mean anything";
  const std::string state = folder_state(out, {"leaky", "clipper"}, true);
  if (state != "absent") {
    EXPECT_EQ(read_file(out / "model.onnx"), read_file(root / (state + ".onnx"))) << "the model is not the library's";
  }
  // No staging folder is left once a run completes beside the killed ones.
  ASSERT_EQ(run({"compile", (root / "clipper.onnx").string(), "-o", out.string()}, output), 0) << output;
  for (const auto& e : fs::directory_iterator(root))
    EXPECT_EQ(e.path().filename().string().find("zynqnn-staging"), std::string::npos) << e.path();
  fs::remove_all(root);
}

TEST(UserFiles, CompileRefusesAFolderOfTheUsersUnlessForced) {
  const fs::path root = scratch("users_folder");
  const fs::path fixtures = fs::path(ZYNQNN_FIXTURES_DIR) / "onnx" / "node";
  if (!fs::exists(fixtures / "test_clip" / "model.onnx")) GTEST_SKIP() << "no ONNX fixtures";
  fs::copy_file(fixtures / "test_clip" / "model.onnx", root / "clipper.onnx");
  write_file(root / "dir" / "model.onnx", "the user's own model");
  std::string output;
  EXPECT_NE(run({"compile", (root / "clipper.onnx").string(), "-o", (root / "dir").string(), "--no-build"}, output), 0);
  EXPECT_NE(output.find("zynqnn did not make it"), std::string::npos) << output;
  EXPECT_EQ(read_file(root / "dir" / "model.onnx"), "the user's own model");
  EXPECT_EQ(run({"compile", (root / "clipper.onnx").string(), "-o", (root / "dir").string(), "--no-build", "--force"},
                output),
            0)
      << output;
  EXPECT_EQ(read_file(root / "dir" / "model.onnx"), read_file(root / "clipper.onnx"));
  fs::remove_all(root);
}

TEST(UserFiles, GenerateNeverWritesThroughALinkOrIntoAForeignFolder) {
  const fs::path root = scratch("links");
  write_file(root / "outside" / "hls" / "adder_top.cpp", "the user's file");
  fs::create_directory_symlink(root / "outside", root / "linked_out");
  std::string output;
  EXPECT_NE(run({"generate", example("adder.json"), "-o", (root / "linked_out").string(), "--no-build", "--force"}, output), 0);
  EXPECT_NE(output.find("symbolic link"), std::string::npos) << output;
  // A folder holding links to files elsewhere is not zynqnn's: refused, the files untouched.
  fs::create_directories(root / "out" / "hls");
  fs::create_symlink(root / "outside" / "hls" / "adder_top.cpp", root / "out" / "hls" / "adder_top.cpp");
  EXPECT_NE(run({"generate", example("adder.json"), "-o", (root / "out").string(), "--no-build"}, output), 0);
  EXPECT_EQ(read_file(root / "outside" / "hls" / "adder_top.cpp"), "the user's file");
  // Forced, the folder is replaced: the link goes, the file it pointed at stays.
  EXPECT_EQ(run({"generate", example("adder.json"), "-o", (root / "out").string(), "--no-build", "--force"}, output), 0)
      << output;
  EXPECT_FALSE(fs::is_symlink(root / "out" / "hls" / "adder_top.cpp"));
  EXPECT_EQ(read_file(root / "outside" / "hls" / "adder_top.cpp"), "the user's file");
  fs::remove_all(root);
}

TEST(UserFiles, ConstantsPointingAtEachOthersGeneratedFramesAreReadFirst) {
  const fs::path root = scratch("constants_swap");
  const std::string frame_a(16, 'a'), frame_b(16, 'b');
  write_file(root / "a.bin", frame_a);
  write_file(root / "b.bin", frame_b);
  const std::string spec = R"({"kernel": "pair", "board": "pynq-z2", "streams": [
      {"name": "ca", "direction": "in", "type": "int32", "shape": [4], "constant": "A"},
      {"name": "cb", "direction": "in", "type": "int32", "shape": [4], "constant": "B"},
      {"name": "oa", "direction": "out", "type": "int32", "shape": [4]},
      {"name": "ob", "direction": "out", "type": "int32", "shape": [4]}]})";
  auto with = [&](const std::string& a, const std::string& b) {
    std::string text = spec;
    text.replace(text.find("\"A\""), 3, "\"" + a + "\"");
    text.replace(text.find("\"B\""), 3, "\"" + b + "\"");
    return text;
  };
  write_file(root / "first.json", with("a.bin", "b.bin"));
  write_file(root / "swap.json", with("out/constants/cb.bin", "out/constants/ca.bin"));
  std::string output;
  ASSERT_EQ(run({"generate", (root / "first.json").string(), "-o", (root / "out").string(), "--no-build"}, output), 0) << output;
  ASSERT_EQ(run({"generate", (root / "swap.json").string(), "-o", (root / "out").string(), "--no-build"}, output), 0) << output;
  EXPECT_EQ(read_file(root / "out" / "constants" / "ca.bin"), frame_b);
  EXPECT_EQ(read_file(root / "out" / "constants" / "cb.bin"), frame_a);
  fs::remove_all(root);
}

TEST(HostileNames, EveryListedNameIsRefusedBeforeAnythingIsWritten) {
  const fs::path root = scratch("hostile");
  int refused = 0, tried = 0;
  auto refuse = [&](const std::string& kernel, const std::string& stream) {
    ++tried;
    const std::string spec = R"({"kernel": ")" + kernel + R"(", "board": "pynq-z2", "streams": [
        {"name": ")" + stream + R"(", "direction": "in", "type": "int32", "shape": [4]},
        {"name": "y", "direction": "out", "type": "int32", "shape": [4]}]})";
    write_file(root / "spec.json", spec);
    std::string output;
    const int status = run({"generate", (root / "spec.json").string(), "-o", (root / "out").string(), "--no-build"}, output);
    const std::string named = "name '" + (kernel == "k" ? stream : kernel) + "'";
    EXPECT_NE(status, 0) << kernel << "/" << stream;
    EXPECT_NE(output.find(named), std::string::npos) << output;
    EXPECT_FALSE(fs::exists(root / "out")) << kernel << "/" << stream;
    refused += status != 0 && output.find(named) != std::string::npos;
  };
  for (const char* stream : {"printf", "i", "word", "w", "ap_uint"}) refuse("k", stream);
  for (const char* kernel : {"int_", "case_", "znn_k", "std", "hls", "ap_int", "int32_t", "zynqnn"}) refuse(kernel, "x");
  std::printf("hostile names refused: %d of %d\n", refused, tried);
  EXPECT_EQ(refused, 13);
  fs::remove_all(root);
}

// Writes one .npy per caller input of the folder's manifest; returns the `--input` arguments.
std::vector<std::string> npy_inputs(const fs::path& folder, const fs::path& where) {
  std::vector<std::string> args;
  const auto manifest = zynqnn::manifest::load_manifest(folder / "manifest.json");
  for (const auto* s : manifest.inputs()) {
    zynqnn::io::NpyArray array;
    array.dtype = s->numpy_dtype;
    array.shape.assign(s->shape.begin(), s->shape.end());
    array.data.assign(array.elements() * array.itemsize(), std::uint8_t{1});
    zynqnn::io::save_npy(where / (s->name + ".npy"), array);
    args.push_back("--input");
    args.push_back(s->name + "=" + (where / (s->name + ".npy")).string());
  }
  return args;
}

TEST(MixedFolder, SimRefusesALibraryOfAnotherGenerationNamingIt) {
  const fs::path root = scratch("mixed");
  std::string output;
  ASSERT_EQ(run({"generate", example("adder.json"), "-o", (root / "adder").string()}, output), 0) << output;
  ASSERT_EQ(run({"generate", example("mixer.json"), "-o", (root / "mixer").string()}, output), 0) << output;
  std::vector<std::string> args{"sim", (root / "adder").string(), "--output-dir", (root / "results").string()};
  for (const auto& a : npy_inputs(root / "adder", root)) args.push_back(a);
  ASSERT_EQ(run(args, output), 0) << output;  // whole, it runs
  fs::copy_file(root / "mixer" / "sim" / "libkernel.so", root / "adder" / "sim" / "libkernel.so",
                fs::copy_options::overwrite_existing);
  EXPECT_NE(run(args, output), 0) << output;
  EXPECT_NE(output.find("sim/libkernel.so is not the file it was generated with"), std::string::npos) << output;
  fs::remove_all(root);
}

TEST(FullDisk, SimOutputDirFailsAndLeavesNoTruncatedArray) {
  const fs::path root = scratch("sim_full");
  std::string output;
  ASSERT_EQ(run({"generate", example("passthrough.json"), "-o", (root / "out").string()}, output), 0) << output;
  std::vector<std::string> args{"sim", (root / "out").string()};
  for (const auto& a : npy_inputs(root / "out", root)) args.push_back(a);
  fs::create_directories(root / "disk");
  if (::mount("tmpfs", (root / "disk").c_str(), "tmpfs", 0, "size=64k") != 0) GTEST_SKIP() << "cannot mount a tmpfs";
  {
    std::ofstream filler(root / "disk" / "filler", std::ios::binary);
    const std::string block(1024, 'f');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
    }
  }
  args.push_back("--output-dir");
  args.push_back((root / "disk" / "results").string());
  args.push_back("--json");
  const int status = run(args, output);
  EXPECT_NE(status, 0) << output;
  EXPECT_EQ(output.find("\"status\":\"ok\""), std::string::npos) << output;
  EXPECT_NE(output.find("writing failed"), std::string::npos) << output;
  for (const auto& e : fs::directory_iterator(root / "disk" / "results"))
    ADD_FAILURE() << "left behind: " << e.path() << " (" << fs::file_size(e.path()) << " bytes)";
  ::umount((root / "disk").c_str());
  fs::remove_all(root);
}

}  // namespace
