// `zynqnn check-onnx DIR...`: each ONNX backend test folder compiled, run (PL part through the
// DMA driver on the virtual board, PS operators around it) and compared with its outputs.
#include <fmt/core.h>

#include <filesystem>
#include <atomic>
#include <memory>
#include <thread>
#include <nlohmann/json.hpp>

#include "cli/verbs.hpp"
#include "zynqnn/compiler/check_onnx.hpp"

namespace zynqnn::cli {

void add_check_onnx_verb(CLI::App& app) {
  struct Options {
    std::vector<std::string> dirs;
    std::string precision = "float32", work = "build/check-onnx", sim_opt = "-O1", weights = "auto";
    int jobs = 2;
    double deadline_ms = 1000;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* verb = app.add_subcommand("check-onnx", "Compile and run ONNX backend test folders and compare the outputs");
  verb->add_option("dirs", o->dirs, "Test folders (model.onnx, test_data_set_*/)")->required();
  verb->add_option("--precision", o->precision, "float32, int8 or fixed<W,I>");
  verb->add_option("--weights", o->weights, "Convolution/dense weights: auto, on-chip, ddr (streamed from DDR)");
  verb->add_option("--work-dir", o->work, "Where compiled cases are kept (reused when unchanged)");
  verb->add_option("--sim-opt", o->sim_opt, "Optimization level of the kernels' host build");
  verb->add_option("--jobs", o->jobs, "Cases compiled and run at the same time")->check(CLI::Range(1, 64));
  verb->add_option("--deadline-ms", o->deadline_ms, "Deadline of each frame's call on the virtual board (modeled time)")
      ->check(CLI::PositiveNumber);
  verb->add_flag("--json", o->json, "Print one JSON object");
  verb->callback([o] {
    compiler::CheckOptions options;
    options.precision = compiler::Precision::parse(o->precision);
    options.work_dir = std::filesystem::absolute(o->work);
    options.sim_opt = o->sim_opt;
    options.weights = compiler::parse_weight_placement(o->weights);
    options.deadline = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double, std::milli>(o->deadline_ms));
    nlohmann::json results = nlohmann::json::array();
    int pass = 0, fail = 0, unsupported = 0, on_ps = 0;
    // Cases run in parallel (each compiles its own kernel); results are reported in order.
    std::vector<compiler::CaseResult> all(o->dirs.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < o->jobs; ++w)
      workers.emplace_back([&] {
        for (std::size_t i = next++; i < all.size(); i = next++) all[i] = compiler::check_case(o->dirs[i], options);
      });
    for (auto& w : workers) w.join();
    for (const auto& r : all) {
      (r.status == "pass" ? pass : r.status == "fail" ? fail : unsupported)++;
      if (r.ran_on == "ps") ++on_ps;
      results.push_back({{"dir", r.dir},
                         {"status", r.status},
                         {"reason", r.reason},
                         {"ran_on", r.ran_on},
                         {"max_abs_err", r.max_abs_err},
                         {"max_rel_err", r.max_rel_err},
                         {"quantization", r.quantization},
                         {"max_quant_steps", r.max_quant_steps},
                         {"data_sets", r.data_sets},
                         {"compile_seconds", r.compile_seconds},
                         {"sim_build_seconds", r.sim_build_seconds},
                         {"sim_cached", r.sim_cached}});
      if (!o->json)
        fmt::print("{:<11} {:<4} {} {}\n", r.status, r.ran_on, std::filesystem::path(r.dir).filename().string(),
                   r.reason.empty() ? fmt::format("(max abs err {:.3g})", r.max_abs_err) : r.reason);
    }
    nlohmann::json tolerance;
    if (options.precision.kind == compiler::PrecisionKind::float32)
      tolerance = {{"float32", {{"relative", options.rtol}, {"absolute", options.atol},
                                {"rule", "|actual-expected| <= absolute or <= relative*|expected|"}}},
                   {"integer", "exact"},
                   {"int8_as_given", {{"quantization_steps", options.quant_steps},
                                      {"rule", "a model quantized as given (QDQ) runs int8: each float output the PL "
                                               "produces within quantization_steps of its scale, top-1 class equal"}}}};
    else if (options.precision.kind == compiler::PrecisionKind::fixed)
      tolerance = {{options.precision.name(),
                    {{"relative_to_output_range", compiler::fixed_tolerance(options.precision)},
                     {"rule", "|actual-expected| <= 2^(5-F) * max(1, max |expected| of the output) (F fraction bits), and "
                              "|expected| < 2^(I-1) (inside the format's range)"}}},
                   {"integer", "exact"}};
    else
      tolerance = {{options.precision.name(), "top-1 class (argmax) of each float output equal; errors reported"},
                   {"integer", "exact"}};
    const nlohmann::json summary{{"pass", pass}, {"fail", fail}, {"unsupported", unsupported}, {"ran_on_ps", on_ps},
                                 {"total", pass + fail + unsupported}};
    if (o->json) {
      fmt::print("{}\n", nlohmann::json{{"results", results}, {"summary", summary}, {"tolerance", tolerance},
                                        {"precision", options.precision.name()},
                                        {"board", options.board}, {"deadline_ms", o->deadline_ms}}.dump());
    } else {
      fmt::print("{} pass, {} fail, {} unsupported ({} ran on the PS only)\n", pass, fail, unsupported, on_ps);
    }
    if (fail > 0) set_exit_code(1);
  });
}

}  // namespace zynqnn::cli
