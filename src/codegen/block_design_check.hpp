#pragma once
// The structural check of tcl-check, run on the block design a generation just wrote.
#include <filesystem>
#include <optional>
#include <string>

namespace zynqnn::codegen {

// Runs the check on FOLDER/vivado/build_bd.tcl against FOLDER/manifest.json. Returns nullopt
// when it ran and found no error, or why it did not run (no tclsh on PATH). Throws
// Error(bad_state) listing the errors it found.
std::optional<std::string> check_written_block_design(const std::filesystem::path& folder);

}  // namespace zynqnn::codegen
