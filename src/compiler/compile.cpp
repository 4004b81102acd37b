#include "zynqnn/compiler/compile.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/plan_json.hpp"
#include "compiler/qdq.hpp"
#include "compiler/quantize_plan.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/codegen/output_folder.hpp"
#include "zynqnn/compiler/emit.hpp"
#include "zynqnn/compiler/host_run.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/onnx/import.hpp"
#include "zynqnn/spec/name_rules.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) { codegen::write_file_checked(path, text); }

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// FNV-1a over the inputs of the host build: identical sources give the same library.
std::uint64_t fnv1a(std::uint64_t h, std::string_view text) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Everything the host build of the kernel reads: its generated sources, the layer headers
// copied next to them, and the C-simulation and PL-ABI headers it includes from the
// installation (a new zynqnn must not reuse a library built against older headers).
std::string sim_sources_hash(const fs::path& out, const std::string& kernel, const std::string& flags,
                             const fs::path& hls_include_dir, const fs::path& project_include_dir) {
  std::uint64_t h = 1469598103934665603ULL;
  std::vector<fs::path> headers{project_include_dir / "zynqnn" / "board" / "virtual" / "pl_kernel_abi.h"};
  if (!hls_include_dir.empty() && fs::is_directory(hls_include_dir)) {
    for (const auto& e : fs::directory_iterator(hls_include_dir))
      if (e.is_regular_file()) headers.push_back(e.path());
  }
  std::sort(headers.begin() + 1, headers.end());
  for (const auto& p : headers) h = fnv1a(h, read_text(p));
  for (const char* name : {"_top.h", "_top.cpp", "_compute.cpp", "_weights.h"})
    h = fnv1a(h, read_text(out / "hls" / (kernel + name)));
  h = fnv1a(h, read_text(out / "sim" / (kernel + "_abi.cpp")));
  h = fnv1a(h, read_text(out / "sim" / "build.sh"));
  h = fnv1a(h, flags);
  std::vector<fs::path> layers;
  for (const auto& e : fs::directory_iterator(out / "hls" / "layers")) layers.push_back(e.path());
  std::sort(layers.begin(), layers.end());
  for (const auto& p : layers) h = fnv1a(h, read_text(p));
  return fmt::format("{:016x}", h);
}

spec::ElementType parse_type(const std::string& name) {
  auto t = spec::parse_element_type(name);
  if (!t) throw Error(ErrorCode::unsupported, "unsupported: stream element type " + name, "compile");
  return *t;
}

int run_shell(const std::string& command, std::string& output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw Error(ErrorCode::io, "cannot start", command);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The emitted folding in the manifest (beside the generator's fields, which ignore it): each
// PL layer's PE, SIMD and stream widths, and the width converters between them.
void record_folding(const fs::path& manifest, const LayerPlan& plan) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(read_text(manifest));
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::internal, std::string("the generated manifest does not parse: ") + e.what(), manifest.string());
  }
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : plan.layers)
    layers.push_back({{"layer", l.id}, {"ops", l.ops}, {"pe", l.pe}, {"simd", l.simd}, {"input_lanes", input_lanes(l)},
                      {"output_lanes", output_lanes(l)}});
  doc["folding"] = {{"layers", layers}, {"width_converters", width_conversions(plan).size()}};
  write_text(manifest, doc.dump(2) + "\n");
}

// The constant stream of a layer with weights in DDR, as the DMA sends it: one pass of the
// matrix encoded once, then repeated for every output pixel (a pass that ends inside a DMA
// word is encoded whole, repeats included).
void write_weight_stream(const spec::StreamSpec& stream, const LayerPlan& plan, const std::string& port) {
  const PlLayer* layer = nullptr;
  for (const auto& l : plan.layers)
    if (l.ddr_weight_port == port) layer = &l;
  if (!layer) throw Error(ErrorCode::internal, "no layer reads the constant stream", stream.name);
  const StreamLayout layout{stream.type.slot_bits(), stream.stream_bits, stream.elements(), stream.bytes(),
                            stream.type.fraction_bits()};
  const std::vector<float> pass = ddr_weight_pass(*layer, plan.precision);
  const std::int64_t repeats = weight_stream_repeats(*layer);
  if (static_cast<std::int64_t>(pass.size()) * repeats != layout.elements)
    throw Error(ErrorCode::internal, "the weight stream does not match its port", stream.name);
  const PlTensor& t = plan.tensor(port);
  std::vector<std::byte> bytes;
  if (static_cast<std::int64_t>(pass.size()) * layout.element_bits % layout.stream_bits == 0) {
    StreamLayout one = layout;
    one.elements = static_cast<std::int64_t>(pass.size());
    one.bytes = one.elements * layout.element_bits / 8;
    const std::vector<std::byte> encoded = encode_stream(pass, t, one, plan.precision);
    bytes.reserve(static_cast<std::size_t>(layout.bytes));
    for (std::int64_t r = 0; r < repeats; ++r) bytes.insert(bytes.end(), encoded.begin(), encoded.end());
  } else {
    std::vector<float> all;
    all.reserve(static_cast<std::size_t>(layout.elements));
    for (std::int64_t r = 0; r < repeats; ++r) all.insert(all.end(), pass.begin(), pass.end());
    bytes = encode_stream(all, t, layout, plan.precision);
  }
  if (static_cast<std::int64_t>(bytes.size()) != layout.bytes)
    throw Error(ErrorCode::internal, fmt::format("{} bytes encoded for a stream of {}", bytes.size(), layout.bytes), stream.name);
  codegen::write_file_checked(stream.constant_file,
                              std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// Where each name of the interface comes from in the model, for a refusal.
spec::NameOrigins name_origins(const fs::path& model, const std::vector<NetworkPort>& ports) {
  spec::NameOrigins origins;
  // The kernel is named after the model file, or after its folder for a file named model.onnx.
  const bool from_folder = model.stem().empty() || model.stem() == "model";
  origins.kernel = from_folder ? "the kernel name, from the model's folder name '" + model.parent_path().filename().string() + "'"
                               : "the kernel name, from the model file name '" + model.filename().string() + "'";
  origins.stream = [ports](std::size_t i) {
    return "the stream of model " + std::string(ports[i].constant ? "weights" : ports[i].is_input ? "input" : "output") +
           " '" + ports[i].value + "'";
  };
  return origins;
}

// A library built earlier from the same sources, in the complete folder being replaced, is
// reused: copied into the new folder with its sources hash.
bool reuse_sim_library(const fs::path& previous, const fs::path& staging, const std::string& hash) {
  const fs::path library = previous / "sim" / "libkernel.so", stamp = previous / "sim" / "libkernel.so.sources";
  std::error_code ec;
  if (!manifest::has_folder_stamp(previous) || !fs::is_regular_file(fs::symlink_status(library, ec)) ||
      read_text(stamp) != hash)
    return false;
  try {
    manifest::verify_folder_stamp(previous);
  } catch (const Error&) {
    return false;  // not the library those sources built
  }
  write_text(staging / "sim" / "libkernel.so", read_text(library));
  write_text(staging / "sim" / "libkernel.so.sources", hash);
  return true;
}

}  // namespace

CompileResult compile_model(const CompileOptions& options) {
  onnx_import::ImportOptions import;
  import.fold_dequantize = false;  // strip_qdq records the quantization of a QDQ model's weights
  return compile_graph(onnx_import::import_file(options.model, import), options);
}

CompileResult compile_graph(graph::Graph graph, const CompileOptions& options) {
  const auto board = spec::find_board(options.board);
  if (!board) throw Error(ErrorCode::invalid_argument, "unknown board (supported: pynq-z1, pynq-z2)", "--board " + options.board);
  std::string name = options.model.stem().string();
  if (name.empty() || name == "model") name = options.model.parent_path().filename().string();
  CompileResult result;
  // A model quantized as given (QDQ) runs int8 with its own scales and zero points.
  const ModelQuantization model_quantization = strip_qdq(graph);
  Precision precision = options.precision;
  if (!model_quantization.empty()) {
    if (precision.kind == PrecisionKind::fixed)
      throw Error(ErrorCode::unsupported, "unsupported: fixed-point precision for a model quantized as given (QDQ): it runs int8",
                  "--precision " + precision.name());
    precision = Precision{PrecisionKind::int8};
  }
  result.plan = lower(std::move(graph), precision, name.empty() ? "network" : name);
  LayerPlan& plan = result.plan;
  if (!model_quantization.empty()) {
    plan.quantization = "model";
    if (plan.uses_pl()) quantize_plan_from_model(plan, model_quantization);
  } else if (plan.precision.kind == PrecisionKind::int8) {
    plan.quantization = "calibrated";
    if (plan.uses_pl()) quantize_plan(plan, options.calibration);
  }
  // The folding (PE/SIMD per layer) is chosen here and emitted as chosen: --target-fps picks
  // it, a hand-given folding overrides it, and the estimate is of the emitted chain.
  if (plan.uses_pl()) {
    place_weights(plan, options.weights, options.clock_mhz);
    fold_for_target(plan, options.clock_mhz, options.target_fps);
    apply_folding(plan, options.folding);
  } else if (!options.folding.empty()) {
    throw Error(ErrorCode::invalid_argument, "the model has no PL layer to fold", "folding of " + options.folding.front().layer);
  }
  result.estimate = estimate(plan, options.clock_mhz);

  // The network's sources and its interface, in memory and checked by the generator's name
  // rules before anything is written.
  spec::KernelSpec spec;
  NetworkSource source;
  if (plan.uses_pl()) {
    source = emit_network(plan, options.model.filename().string());
    spec.kernel = plan.kernel;
    spec.board = *board;
    spec.clock_mhz = options.clock_mhz;
    spec.control = spec::Control::none;
    spec::ComputeSpec compute;
    compute.function = source.function;
    for (const auto& p : source.ports) {
      spec::StreamSpec s;
      s.name = p.name;
      s.direction = p.is_input ? spec::Direction::in : spec::Direction::out;
      s.type = parse_type(p.spec_type);
      s.shape = p.shape;
      s.stream_bits = 32;
      spec.streams.push_back(s);
      compute.parameter_types.push_back(p.elem);
    }
    spec.compute = compute;
    // The manifest's latency (the virtual board's modeled time) is the compiler's estimate.
    spec.frame_latency_cycles = result.estimate.latency_cycles;
    spec::check_interface(spec, name_origins(options.model, source.ports));
  }
  // The model is read before anything is written: it may be the model.onnx of the folder
  // being replaced. Its external data goes inline: the folder's model.onnx stands alone.
  std::string model_bytes;
  if (!options.model.empty() && fs::is_regular_file(options.model))
    model_bytes = onnx_import::read_model_self_contained(options.model);

  codegen::StagedFolder staged(options.output_dir, options.replace_foreign_folder);
  const fs::path& out = staged.path();
  if (!model_bytes.empty()) write_text(out / "model.onnx", model_bytes);
  write_text(out / "plan.json", plan_to_json(plan, result.estimate, options.model.filename().string()));
  result.files.push_back("plan.json");
  network::write_contract(network_contract(plan), out);
  result.files.push_back(network::kContractFile);
  if (!plan.uses_pl()) {  // every operator runs on the PS: no accelerator
    staged.commit();
    return result;
  }
  write_text(out / "layers.json", layers_json(plan).dump(2) + "\n");
  result.files.push_back("layers.json");

  const std::string& k = plan.kernel;
  write_text(out / "hls" / (k + "_compute.cpp"), source.source);
  write_text(out / "hls" / (k + "_weights.h"), source.weights_header);
  result.files.push_back("hls/" + k + "_weights.h");
  for (const auto& e : fs::directory_iterator(options.hls_layers_dir))
    if (e.path().extension() == ".h") {
      write_text(out / "hls" / "layers" / e.path().filename(), read_text(e.path()));
      result.files.push_back("hls/layers/" + e.path().filename().string());
    }
  spec.compute->source = out / "hls" / (k + "_compute.cpp");
  for (std::size_t i = 0; i < spec.streams.size(); ++i) {
    if (!source.ports[i].constant) continue;  // weights from DDR: the bytes of one frame
    spec.streams[i].constant_file = out / "constants" / (spec.streams[i].name + ".bin");
    write_weight_stream(spec.streams[i], plan, source.ports[i].value);
  }

  codegen::GenerateOptions gen;
  gen.hls_include_dir = options.hls_include_dir;
  gen.project_include_dir = ZYNQNN_PROJECT_INCLUDE_DIR_DEFAULT;
  auto generated = codegen::write_generated_files(spec, gen, out);
  for (auto& f : generated.files) result.files.push_back(f);
  record_folding(out / "manifest.json", plan);

  if (options.build_sim) {
    const std::string hash =
        sim_sources_hash(out, k, options.sim_cxxflags, options.hls_include_dir, ZYNQNN_PROJECT_INCLUDE_DIR_DEFAULT);
    const fs::path stamp = out / "sim" / "libkernel.so.sources";
    if (reuse_sim_library(staged.target(), out, hash)) {
      result.sim_built = true;
      result.sim_cached = true;
    } else {
      std::string log;
      std::string command;
      if (!options.sim_cxxflags.empty()) command += "ZYNQNN_SIM_OPT='" + options.sim_cxxflags + "' ";
      command += "sh '" + (out / "sim" / "build.sh").string() + "'";
      const auto start = std::chrono::steady_clock::now();
      const int status = run_shell(command, log);
      result.sim_build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (status != 0) {  // the compiler's error lines, not its warnings
        std::string errors;
        std::istringstream lines(log);
        int count = 0;
        for (std::string line; std::getline(lines, line) && count < 12;)
          if (line.find("error") != std::string::npos) {
            errors += line + "\n";
            ++count;
          }
        throw Error(ErrorCode::bad_state, fmt::format("the host build of the kernel failed (exit {}):\n{}", status, errors),
                    (staged.target() / "sim" / "build.sh").string());
      }
      write_text(stamp, hash);
      result.sim_built = true;
    }
  }
  staged.commit();
  return result;
}

}  // namespace zynqnn::compiler
