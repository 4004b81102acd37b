#pragma once
// The C ABI's accelerator handle, shared by the accelerator and the watchdog sections.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/zynqnn.h"

struct zynqnn_accelerator {
  std::unique_ptr<zynqnn::Accelerator> accelerator;
  std::vector<zynqnn_stream_info> infos[2];  // views of accelerator->inputs()/outputs()
  zynqnn_stats stats{};
  bool needs_abort = false;
  std::string manifest_path;
  // Watchdogs hold a reference to `accelerator`: zynqnn_close waits for the last of them.
  std::size_t watchdogs = 0;
  bool close_pending = false;
};
