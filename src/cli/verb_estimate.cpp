// `zynqnn estimate OUT`: the per-layer estimate of a compiled project (from its plan.json).
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::cli {

void add_estimate_verb(CLI::App& app) {
  struct Options {
    std::string project;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* verb = app.add_subcommand("estimate", "Per-layer cycles and resources of a compiled network (estimates)");
  verb->add_option("project", o->project, "Output folder of `zynqnn compile`")->required();
  verb->add_flag("--json", o->json, "Print one JSON object");
  verb->callback([o] {
    const auto path = std::filesystem::path(o->project) / "plan.json";
    std::ifstream in(path);
    if (!in) throw Error(ErrorCode::io, "cannot read (is this a `zynqnn compile` output folder?)", path.string());
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json plan;
    try {
      plan = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::parse, e.what(), path.string());
    }
    if (!plan.contains("estimate")) throw Error(ErrorCode::not_found, "no PL part: the model runs on the PS only", path.string());
    const auto& e = plan["estimate"];
    if (o->json) {
      nlohmann::json out = e;
      out["kernel"] = plan["kernel"];
      out["precision"] = plan["precision"];
      fmt::print("{}\n", out.dump());
      return;
    }
    fmt::print("{} ({}): estimates at {} MHz, not synthesis results\n", plan["kernel"].get<std::string>(),
               plan["precision"].get<std::string>(), e["clock_mhz"].get<double>());
    for (const auto& l : e["layers"])
      fmt::print("  {:<32} {:<22} cycles~{:<9} DSP~{:<4} BRAM36~{:<5.1f} LUT~{}\n", l["layer"].get<std::string>(),
                 l["ops"].get<std::string>(), l["cycles_estimate"].get<std::uint64_t>(), l["dsp_estimate"].get<int>(),
                 l["bram36_estimate"].get<double>(), l["lut_estimate"].get<int>());
    fmt::print("  interval ~{} cycles, {:.1f} frames/s, latency ~{} cycles; {}\n", e["interval_cycles_estimate"].get<std::uint64_t>(),
               e["fps_estimate"].get<double>(), e["latency_cycles_estimate"].get<std::uint64_t>(),
               e["fits_estimate"].get<bool>() ? "fits the XC7Z020" : "does not fit the XC7Z020");
  });
}

}  // namespace zynqnn::cli
