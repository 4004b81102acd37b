#pragma once
// The watchdog's CPU fallback for a generated or compiled kernel: the kernel's own HLS C++
// (the manifest's artifacts.sim_library, built for this CPU by `zynqnn generate` or `zynqnn
// compile`) run on the calling thread through the PL kernel ABI. The same function serves as
// a fault campaign's reference (expected outputs).
#include <filesystem>

#include "zynqnn/watchdog/watchdog.hpp"

namespace zynqnn {

// Loads the manifest and its C-simulation library. The returned fallback checks that it gets
// one input per input stream the caller fills (constant streams excluded: their frames are
// read from the manifest's folder here and passed to the kernel in their manifest position)
// and one output per output stream with the manifest's byte counts (Error(invalid_argument)
// naming the stream otherwise) and runs one frame.
// Copies of the returned function share one loaded library (not thread-safe: one thread at a
// time, like the Watchdog that calls it). Error(not_found / io / parse) naming the manifest
// or library when they are missing or malformed.
watchdog::CpuFallback cpu_fallback_from_manifest(const std::filesystem::path& manifest_path);

}  // namespace zynqnn
