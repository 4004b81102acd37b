// `zynqnn tcl-check FILE.tcl [--manifest M] [--json]`: a structural check of a Vivado
// block-design script, run under recorded definitions of the Vivado commands.
#include <fmt/core.h>

#include <memory>

#include "cli/verbs.hpp"
#include "zynqnn/tclcheck/tcl_check.hpp"

namespace zynqnn::cli {

void add_tcl_check_verb(CLI::App& app) {
  struct Options {
    std::string script;
    std::string manifest;
    std::string tclsh = "tclsh";
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  auto* verb = app.add_subcommand("tcl-check",
                                  "Check the structure of a Vivado block-design script (does not prove Vivado accepts it)");
  verb->add_option("script", options->script, "Block-design Tcl script")->required();
  verb->add_option("--manifest", options->manifest,
                   "The design's manifest.json (default: ../manifest.json from the script; required when the "
                   "script names zynqnn as its generator)");
  verb->add_option("--tclsh", options->tclsh, "Tcl interpreter to run the script under the model");
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->callback([options] {
    tclcheck::Options check;
    check.script = options->script;
    if (!options->manifest.empty()) check.manifest = options->manifest;
    check.tclsh = options->tclsh;
    const auto report = tclcheck::run_tcl_check(check);
    if (options->json) {
      fmt::print("{}\n", tclcheck::to_json(report));
    } else {
      for (const auto& f : report.findings) fmt::print("{}: [{}] {}\n", f.severity, f.check, f.message);
      if (report.manifest) fmt::print("compared with {}\n", report.manifest->string());
      fmt::print("{}: {} cells, {} interface nets, {} nets, {} address assignments: {}\n", options->script,
                 report.design.cells.size(), report.design.intf_nets.size(), report.design.nets.size(),
                 report.design.addresses.size(), report.passed() ? "structure OK" : "structure has errors");
      fmt::print("note: a structural check of the block design; it does not prove that Vivado accepts the script\n");
    }
    set_exit_code(report.passed() ? 0 : 1);
  });
}

}  // namespace zynqnn::cli
