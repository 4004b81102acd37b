// The passes that write the output folder (staged, committed whole) and build the kernel's
// host library (sim/libkernel.so), reused when its sources did not change.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/compile_state.hpp"
#include "compiler/plan_json.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/compiler/host_run.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/network/contract.hpp"
#include "zynqnn/onnx/import.hpp"

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

std::string write_output_pass(CompileState& state) {
  const CompileOptions& options = state.options;
  CompileResult& result = state.result;
  LayerPlan& plan = state.plan();
  // The model is read before anything is written: it may be the model.onnx of the folder
  // being replaced. Its external data goes inline: the folder's model.onnx stands alone.
  std::string model_bytes;
  if (!options.model.empty() && fs::is_regular_file(options.model))
    model_bytes = onnx_import::read_model_self_contained(options.model);

  state.staged = std::make_unique<codegen::StagedFolder>(options.output_dir, options.replace_foreign_folder);
  const fs::path& out = state.staged->path();
  if (!model_bytes.empty()) write_text(out / "model.onnx", model_bytes);
  write_text(out / "plan.json", plan_to_json(plan, result.estimate, options.model.filename().string()));
  result.files.push_back("plan.json");
  network::write_contract(network_contract(plan), out);
  result.files.push_back(network::kContractFile);
  if (!plan.uses_pl()) {  // every operator runs on the PS: no accelerator
    state.staged->commit();
    state.staged.reset();
    return "plan.json, network.json and model.onnx only: every operator runs on the PS";
  }
  write_text(out / "layers.json", layers_json(plan).dump(2) + "\n");
  result.files.push_back("layers.json");

  const std::string& k = plan.kernel;
  const NetworkSource& source = state.source;
  spec::KernelSpec& spec = state.spec;
  write_text(out / "hls" / (k + "_compute.cpp"), source.source);
  write_text(out / "hls" / (k + "_weights.h"), source.weights_header);
  result.files.push_back("hls/" + k + "_weights.h");
  for (const auto& e : fs::directory_iterator(options.hls_layers_dir))
    if (e.path().extension() == ".h") {
      write_text(out / "hls" / "layers" / e.path().filename(), read_text(e.path()));
      result.files.push_back("hls/layers/" + e.path().filename().string());
    }
  spec.compute->source = out / "hls" / (k + "_compute.cpp");
  std::size_t constant_streams = 0;
  for (std::size_t i = 0; i < spec.streams.size(); ++i) {
    if (!source.ports[i].constant) continue;  // weights from DDR: the bytes of one frame
    spec.streams[i].constant_file = out / "constants" / (spec.streams[i].name + ".bin");
    write_weight_stream(spec.streams[i], plan, source.ports[i].value);
    ++constant_streams;
  }

  codegen::GenerateOptions gen;
  gen.hls_include_dir = options.hls_include_dir;
  gen.project_include_dir = ZYNQNN_PROJECT_INCLUDE_DIR_DEFAULT;
  gen.command = "zynqnn compile";
  auto generated = codegen::write_generated_files(spec, gen, out);
  for (auto& f : generated.files) result.files.push_back(f);
  result.clock_note = codegen::clock_note(generated.requested_clock_mhz, generated.clock_mhz);
  record_folding(out / "manifest.json", plan);
  return fmt::format("{} files staged ({} weight streams for DDR)", result.files.size(), constant_streams);
}

std::string build_sim_pass(CompileState& state) {
  if (!state.staged) return "nothing to build: no PL layer";
  const CompileOptions& options = state.options;
  CompileResult& result = state.result;
  const fs::path& out = state.staged->path();
  const std::string& k = state.plan().kernel;
  std::string changed = "not built (--no-build)";
  if (options.build_sim) {
    const std::string hash =
        sim_sources_hash(out, k, options.sim_cxxflags, options.hls_include_dir, ZYNQNN_PROJECT_INCLUDE_DIR_DEFAULT);
    const fs::path stamp = out / "sim" / "libkernel.so.sources";
    if (reuse_sim_library(state.staged->target(), out, hash)) {
      result.sim_built = true;
      result.sim_cached = true;
      changed = "sim/libkernel.so reused: its sources did not change";
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
                    (state.staged->target() / "sim" / "build.sh").string());
      }
      write_text(stamp, hash);
      result.sim_built = true;
      changed = fmt::format("sim/libkernel.so built in {:.1f} s", result.sim_build_seconds);
    }
  }
  state.staged->commit();
  state.staged.reset();
  return changed;
}

}  // namespace zynqnn::compiler
