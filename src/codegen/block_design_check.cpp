#include "codegen/block_design_check.hpp"

#include <cstdlib>

#include "zynqnn/core/error.hpp"
#include "zynqnn/tclcheck/tcl_check.hpp"

namespace zynqnn::codegen {

std::optional<std::string> check_written_block_design(const std::filesystem::path& folder) {
  tclcheck::Options options;
  if (std::system(("command -v " + options.tclsh + " >/dev/null 2>&1").c_str()) != 0) {
    return "no " + options.tclsh + " on PATH to run the block design's structural check";
  }
  options.script = folder / "vivado" / "build_bd.tcl";
  options.manifest = folder / "manifest.json";
  const tclcheck::Report report = tclcheck::run_tcl_check(options);
  if (report.passed()) return std::nullopt;
  std::string errors;
  for (const auto& f : report.findings) {
    if (f.severity == "error") errors += "\n  [" + f.check + "] " + f.message;
  }
  throw Error(ErrorCode::bad_state, "the generated block design fails its structural check:" + errors,
              options.script.string());
}

}  // namespace zynqnn::codegen
