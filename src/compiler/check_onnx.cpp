#include "zynqnn/compiler/check_onnx.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "zynqnn/compiler/compile.hpp"
#include "zynqnn/compiler/host_run.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/io/tensor_proto.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::vector<fs::path> sorted(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  // input_10 after input_9
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    const auto na = a.filename().string(), nb = b.filename().string();
    return na.size() != nb.size() ? na.size() < nb.size() : na < nb;
  });
  return out;
}

std::size_t argmax(const graph::Tensor& t) {
  const auto v = t.to_doubles();
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

double fixed_tolerance(const Precision& precision) { return std::ldexp(1.0, 5 - (precision.width - precision.integer_bits)); }

CaseResult check_case(const fs::path& dir, const CheckOptions& options) {
  CaseResult r;
  r.dir = dir.string();
  try {
    const auto start = Clock::now();
    onnx_import::ImportOptions import;
    import.fold_dequantize = false;  // a QDQ model's weight quantization reaches the compiler
    graph::Graph g = onnx_import::import_file(dir / "model.onnx", import);
    // Test data sets: inputs by graph input order, expected outputs by graph output order.
    std::vector<graph::TensorMap> inputs;
    std::vector<std::vector<graph::Tensor>> expected;
    for (const auto& set : sorted(dir, "test_data_set_")) {
      graph::TensorMap in;
      const auto files = sorted(set, "input_");
      if (files.size() != g.inputs.size())
        throw Error(ErrorCode::invalid_argument, fmt::format("{} inputs for {} graph inputs", files.size(), g.inputs.size()),
                    set.string());
      for (std::size_t i = 0; i < files.size(); ++i) in.emplace(g.inputs[i], io::read_tensor_proto_file(files[i]).tensor);
      std::vector<graph::Tensor> out;
      for (const auto& f : sorted(set, "output_")) out.push_back(io::read_tensor_proto_file(f).tensor);
      inputs.push_back(std::move(in));
      expected.push_back(std::move(out));
    }
    CompileOptions copt;
    copt.model = dir / "model.onnx";
    // "a/b/" names the folder b too: the case's work folder must not collapse to "-<precision>".
    const fs::path folder = dir.filename().empty() ? dir.parent_path() : dir;
    copt.output_dir = options.work_dir / (folder.filename().string() + "-" +
                                          (options.weights == WeightPlacement::ddr ? "ddr-" : "") +
                                          (options.precision.kind == PrecisionKind::fixed
                                                ? fmt::format("fixed{}_{}", options.precision.width, options.precision.integer_bits)
                                                                                           : options.precision.name()));
    copt.precision = options.precision;
    copt.weights = options.weights;
    copt.calibration = inputs;
    copt.hls_include_dir = ZYNQNN_HLS_INCLUDE_DIR_DEFAULT;
    copt.hls_layers_dir = ZYNQNN_HLS_LAYERS_DIR_DEFAULT;
    copt.sim_cxxflags = options.sim_opt;
    CompileResult compiled = compile_graph(std::move(g), copt);
    r.compile_seconds = seconds_since(start) - compiled.sim_build_seconds;
    r.sim_build_seconds = compiled.sim_build_seconds;
    r.sim_cached = compiled.sim_cached;
    r.ran_on = compiled.plan.uses_pl() ? "pl" : "ps";
    // The network as the runtime runs it: from the folder's host contract (network.json).
    NetworkRunner runner = open_network(copt.output_dir, options.board, options.deadline);
    const auto run_start = Clock::now();
    // A model the PS runs alone computes in float32 whatever the precision asked for.
    // A model quantized as given runs int8 whatever --precision says; its float outputs that
    // leave the PL directly are held to `quant_steps` of their quantization step.
    const PrecisionKind on_pl_kind = compiled.plan.uses_pl() ? compiled.plan.precision.kind : PrecisionKind::float32;
    std::string failure;
    const bool as_given = compiled.plan.quantization == "model";
    r.quantization = compiled.plan.quantization;
    for (std::size_t s = 0; s < inputs.size(); ++s) {
      const auto outputs = runner.run(inputs[s]);
      const auto& names = compiled.plan.graph.outputs;
      if (expected[s].size() != names.size())
        throw Error(ErrorCode::invalid_argument, "expected outputs do not match the graph outputs", dir.string());
      for (std::size_t o = 0; o < names.size(); ++o) {
        const graph::Tensor& e = expected[s][o];
        const graph::Tensor& a = outputs.at(names[o]);
        if (e.shape() != a.shape() || e.dtype() != a.dtype()) {
          failure = fmt::format("output {}: {} {} != expected {} {}", names[o], graph::to_string(a.dtype()),
                                graph::shape_to_string(a.shape()), graph::to_string(e.dtype()), graph::shape_to_string(e.shape()));
          continue;
        }
        const auto ev = e.to_doubles(), av = a.to_doubles();
        double step = 0;
        if (as_given && e.dtype() == graph::DType::float32)
          if (auto t = compiled.plan.tensors.find(names[o]); t != compiled.plan.tensors.end()) step = t->second.scale;
        for (std::size_t i = 0; i < ev.size(); ++i) {
          const double diff = std::fabs(ev[i] - av[i]);
          const double rel = ev[i] != 0 ? diff / std::fabs(ev[i]) : (diff == 0 ? 0.0 : diff);
          if (!(diff <= r.max_abs_err)) r.max_abs_err = std::isnan(diff) ? INFINITY : diff;
          r.max_rel_err = std::max(r.max_rel_err, rel);
          if (step > 0) {
            const double steps = diff / step;
            r.max_quant_steps = std::max(r.max_quant_steps, steps);
            if (!(steps <= options.quant_steps + 1e-3) && failure.empty())
              failure = fmt::format("output {} element {}: {} != expected {} ({:.3g} quantization steps of {:.6g})", names[o], i,
                                    av[i], ev[i], steps, step);
          }
          if (on_pl_kind == PrecisionKind::fixed && e.dtype() == graph::DType::float32) {
            // Quantization errors scale with the magnitudes flowing through the network: the
            // bound is relative to the output's largest magnitude (at least 1).
            double scale = 1;
            for (double v : ev) scale = std::max(scale, std::fabs(v));
            const double tol = fixed_tolerance(options.precision) * scale;
            const double limit = std::ldexp(1.0, options.precision.integer_bits - 1);
            if (failure.empty() && !(std::fabs(ev[i]) < limit))
              failure = fmt::format("output {} element {}: expected {} lies outside the range of {} (+-{})", names[o], i, ev[i],
                                    options.precision.name(), limit);
            if (failure.empty() && !(diff <= tol))
              failure = fmt::format("output {} element {}: {} != expected {} (abs error {:.3g} > {})", names[o], i, av[i], ev[i],
                                    diff, tol);
            continue;
          }
          if (on_pl_kind != PrecisionKind::float32 || e.dtype() != graph::DType::float32) {
            if (e.dtype() != graph::DType::float32 && diff != 0 && failure.empty())
              failure = fmt::format("output {} element {}: {} != expected {}", names[o], i, av[i], ev[i]);
            continue;
          }
          const bool ok = diff <= options.atol || diff <= options.rtol * std::fabs(ev[i]);
          if (!ok && failure.empty())
            failure = fmt::format("output {} element {}: {} != expected {} (abs error {:.3g})", names[o], i, av[i], ev[i], diff);
        }
        if (on_pl_kind == PrecisionKind::int8 && e.dtype() == graph::DType::float32 && argmax(e) != argmax(a) &&
            failure.empty())
          failure = fmt::format("output {}: top-1 class {} != expected {}", names[o], argmax(a), argmax(e));
      }
      ++r.data_sets;
    }
    r.run_seconds = seconds_since(run_start);
    r.status = failure.empty() ? "pass" : "fail";
    r.reason = failure;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::unsupported) {
      r.status = "unsupported";
      r.reason = e.what();
    } else {
      r.status = "fail";
      r.reason = e.what();
    }
  } catch (const std::exception& e) {
    r.status = "fail";
    r.reason = e.what();
  }
  return r;
}

}  // namespace zynqnn::compiler
