#pragma once
// Helpers of the generator tests: a scratch folder, running commands, reading files.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace zynqnn::testing {

inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("zynqnn_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Runs a shell command; returns its exit status, with its output in `output`.
inline int run(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// 'text' for sh: single quotes, each ' written as '\''.
inline std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string hls_include() { return std::string(ZYNQNN_SOURCE_DIR) + "/hls/include"; }
inline std::string example_spec(const std::string& name) {
  return std::string(ZYNQNN_SOURCE_DIR) + "/examples/specs/" + name + ".json";
}

// Compiles the generated testbench (DIR/hls) with the kernel and runs it.
inline int run_testbench(const std::filesystem::path& dir, const std::string& kernel, bool with_compute,
                         std::string& output) {
  const std::string hls = (dir / "hls").string();
  std::string command = "cd " + sh_quote(hls) + " && g++ -std=c++17 -O1 -I" + sh_quote(hls_include()) + " -I. " + kernel +
                        "_top.cpp " + kernel + "_tb.cpp " + (with_compute ? kernel + "_compute.cpp " : "") +
                        "-o tb -pthread && ./tb";
  return run(command, output);
}

}  // namespace zynqnn::testing
