// `zynqnn generate SPEC.json -o OUT`: the HLS top, testbench, Vivado block design, build
// scripts, manifest, host build and Python wrapper of a kernel.
#include <fmt/core.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "cli/resource_paths.hpp"
#include "cli/verbs.hpp"
#include "zynqnn/codegen/generator.hpp"

#if !defined(ZYNQNN_HLS_INCLUDE_DIR) || !defined(ZYNQNN_PROJECT_INCLUDE_DIR)
#error "ZYNQNN_HLS_INCLUDE_DIR and ZYNQNN_PROJECT_INCLUDE_DIR must name the project's hls/include and include/"
#endif

namespace zynqnn::cli {

void add_generate_verb(CLI::App& app) {
  struct Options {
    std::string spec;
    std::string output;
    std::string hls_include = installed_or_source("hls/include", ZYNQNN_HLS_INCLUDE_DIR);
    std::string project_include = installed_or_source("include", ZYNQNN_PROJECT_INCLUDE_DIR);
    bool no_build = false;
    bool force = false;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  auto* verb = app.add_subcommand("generate", "Generate HLS, Vivado, manifest, host build and Python wrapper from a kernel spec");
  verb->add_option("spec", options->spec, "Kernel spec (JSON)")->required();
  verb->add_option("-o,--output", options->output, "Output folder")->required();
  verb->add_option("--hls-include", options->hls_include, "zynqnn's C-simulation headers (for the host build)");
  verb->add_option("--include", options->project_include, "zynqnn's include/ folder (for the host build)");
  verb->add_flag("--no-build", options->no_build, "Do not compile the host build (sim/libkernel.so)");
  verb->add_flag("--force", options->force,
                 "Replace the output folder even when it is not empty and zynqnn did not make it (everything in it goes)");
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->callback([options] {
    const auto spec = spec::load_kernel_spec(options->spec);
    codegen::GenerateOptions generate_options;
    generate_options.output_dir = options->output;
    generate_options.hls_include_dir = options->hls_include;
    generate_options.project_include_dir = options->project_include;
    generate_options.build_sim = !options->no_build;
    generate_options.replace_foreign_folder = options->force;
    const auto result = codegen::generate(spec, generate_options);
    if (options->json) {
      nlohmann::json files = nlohmann::json::array();
      for (const auto& f : result.files) files.push_back(f.string());
      nlohmann::json out{{"kernel", spec.kernel},
                         {"output", options->output},
                         {"files", files},
                         {"sim_built", result.sim_built},
                         {"clock_mhz", result.clock_mhz},
                         {"requested_clock_mhz", result.requested_clock_mhz},
                         {"block_design_checked", result.block_design_checked}};
      if (!result.sim_built) out["sim_skipped"] = result.sim_skipped_reason;
      if (!result.block_design_checked) out["block_design_check_skipped"] = result.block_design_skipped_reason;
      fmt::print("{}\n", out.dump());
      return;
    }
    fmt::print("generated {} ({} files) in {}\n", spec.kernel, result.files.size(), options->output);
    for (const auto& f : result.files) fmt::print("  {}\n", f.string());
    if (result.sim_built) {
      fmt::print("  sim/libkernel.so (host build for the virtual board)\n");
    } else {
      fmt::print("host build not run: {}\n", result.sim_skipped_reason);
    }
    if (const std::string note = codegen::clock_note(result.requested_clock_mhz, result.clock_mhz); !note.empty()) {
      fmt::print("{}\n", note);
    }
    fmt::print("block design: {}\n", result.block_design_checked
                                         ? "structural check passed (tcl-check; Vivado itself did not run)"
                                         : "structural check not run: " + result.block_design_skipped_reason);
    fmt::print("bitstream: run vivado/build.sh where Vitis HLS and Vivado are installed\n");
  });
}

}  // namespace zynqnn::cli
