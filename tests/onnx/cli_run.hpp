#pragma once
// Runs the `zynqnn` CLI (ZYNQNN_CLI) as users do: exit status and stdout + stderr.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace zynqnn::testing {

struct CliResult {
  int status = -1;
  std::string output;
};

inline CliResult run_cli(const std::string& arguments) {
  const std::string command = std::string(ZYNQNN_CLI) + " " + arguments + " 2>&1";
  CliResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace zynqnn::testing
