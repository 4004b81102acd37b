#pragma once
// The VLNV under which a Vitis HLS script exports its kernel, read from its export_design
// command (-vendor, -library, -version, -ipname; Vitis HLS defaults: xilinx.com, hls, 1.0,
// the set_top function).
#include <filesystem>
#include <optional>
#include <string>

namespace zynqnn::tclcheck {

// nullopt when the file does not exist or exports nothing.
std::optional<std::string> exported_kernel_vlnv(const std::filesystem::path& run_hls_tcl);

}  // namespace zynqnn::tclcheck
