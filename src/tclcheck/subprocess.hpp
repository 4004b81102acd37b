#pragma once
// Runs a program with arguments (no shell), collecting stdout and stderr, and kills it when
// a deadline passes.
#include <chrono>
#include <string>
#include <vector>

namespace zynqnn::tclcheck {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  bool timed_out = false;
  std::string output;  // stdout
  std::string errors;  // stderr
};

// Throws zynqnn::Error(not_found) when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace zynqnn::tclcheck
