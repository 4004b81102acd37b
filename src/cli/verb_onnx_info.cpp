// `zynqnn onnx-info MODEL.onnx [--json]`: the graph as zynqnn imports it (after constant
// folding and fusions): layers, shapes, attributes that matter, parameter counts.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/verbs.hpp"
#include "zynqnn/graph/ops.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn::cli {
namespace {

struct OnnxInfoOptions {
  std::string model;
  bool json = false;
  bool no_optimize = false;
};

std::string describe(const graph::Value& v) {
  return fmt::format("{}{}", graph::to_string(v.dtype), v.shape_known ? graph::shape_to_string(v.shape) : "[?]");
}

// A short summary of the geometry of the layers a code generator maps to hardware.
nlohmann::json layer_details(const graph::Graph& g, const graph::Node& node) {
  nlohmann::json d = nlohmann::json::object();
  try {
    if (node.op == "Conv" || node.op == "QConv" || node.op == "ConvInteger" || node.op == "QLinearConv") {
      const auto p = graph::conv_params(g, node);
      d = {{"kernel", {p.kernel_h, p.kernel_w}}, {"stride", {p.stride_h, p.stride_w}},
           {"pads", {p.pad_top, p.pad_left, p.pad_bottom, p.pad_right}},
           {"dilation", {p.dilation_h, p.dilation_w}}, {"group", p.group},
           {"in_channels", p.in_channels}, {"out_channels", p.out_channels}};
    } else if (node.op == "MaxPool" || node.op == "AveragePool") {
      const auto p = graph::pool_params(g, node);
      d = {{"kernel", {p.kernel_h, p.kernel_w}}, {"stride", {p.stride_h, p.stride_w}},
           {"pads", {p.pad_top, p.pad_left, p.pad_bottom, p.pad_right}}};
    } else if (node.op == "Gemm" || node.op == "QGemm") {
      const auto p = graph::gemm_params(g, node);
      d = {{"m", p.m}, {"n", p.n}, {"k", p.k}, {"trans_b", p.trans_b}};
    }
  } catch (const Error&) {
    // Shapes not known statically: no details.
  }
  return d;
}

void run(const OnnxInfoOptions& options) {
  onnx_import::ImportOptions import_options;
  import_options.optimize = !options.no_optimize;
  const graph::Graph g = onnx_import::import_file(options.model, import_options);
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& node : g.nodes) {
    std::int64_t params = 0;
    nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array();
    for (const auto& in : node.inputs) {
      if (in.empty()) continue;
      const auto& v = g.value(in);
      if (v.constant) params += v.constant->size();
      inputs.push_back({{"name", in}, {"type", describe(v)}, {"constant", v.constant.has_value()}});
    }
    for (const auto& out : node.outputs)
      if (!out.empty()) outputs.push_back({{"name", out}, {"type", describe(g.value(out))}});
    layers.push_back({{"name", node.name}, {"op", node.op}, {"inputs", inputs}, {"outputs", outputs},
                      {"parameters", params}, {"details", layer_details(g, node)}});
  }
  nlohmann::json io_inputs = nlohmann::json::array(), io_outputs = nlohmann::json::array();
  for (const auto& in : g.inputs) io_inputs.push_back({{"name", in}, {"type", describe(g.value(in))}});
  for (const auto& out : g.outputs) io_outputs.push_back({{"name", out}, {"type", describe(g.value(out))}});

  if (options.json) {
    const nlohmann::json doc = {{"model", options.model}, {"graph", g.name}, {"opset", g.opset},
                                {"inputs", io_inputs}, {"outputs", io_outputs}, {"layers", layers},
                                {"parameters", g.parameter_count()}};
    fmt::print("{}\n", doc.dump(2));
    return;
  }
  fmt::print("model {} (graph '{}', opset {})\n", options.model, g.name, g.opset);
  for (const auto& in : io_inputs) fmt::print("input  {} {}\n", in["name"].get<std::string>(), in["type"].get<std::string>());
  for (const auto& out : io_outputs) fmt::print("output {} {}\n", out["name"].get<std::string>(), out["type"].get<std::string>());
  std::size_t width = 5;
  for (const auto& l : layers) width = std::max(width, l["name"].get<std::string>().size());
  fmt::print("{:<4} {:<{}} {:<16} {:<26} {:>10}\n", "#", "layer", width, "op", "output", "params");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    const std::string out = l["outputs"].empty() ? "" : l["outputs"][0]["type"].get<std::string>();
    fmt::print("{:<4} {:<{}} {:<16} {:<26} {:>10}\n", i, l["name"].get<std::string>(), width, l["op"].get<std::string>(),
               out, l["parameters"].get<std::int64_t>());
  }
  fmt::print("{} layers, {} parameters\n", layers.size(), g.parameter_count());
}

}  // namespace

void add_onnx_info_verb(CLI::App& app) {
  auto options = std::make_shared<OnnxInfoOptions>();
  auto* verb = app.add_subcommand("onnx-info", "Print an ONNX model as zynqnn imports it: layers, shapes, parameters");
  verb->add_option("model", options->model, "ONNX model file")->required();
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->add_flag("--no-optimize", options->no_optimize, "Keep the model's nodes one to one (no fusions)");
  verb->callback([options] { run(*options); });
}

}  // namespace zynqnn::cli
