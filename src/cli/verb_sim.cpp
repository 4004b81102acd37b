// `zynqnn sim OUT --input NAME=FILE.npy ... --output-dir DIR [--json]`: one call of a
// generated kernel on the virtual board through the DMA driver, inputs and outputs as .npy.
#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/verbs.hpp"
#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn::cli {
namespace {

struct SimOptions {
  std::string out;
  std::vector<std::string> inputs;  // NAME=FILE.npy
  std::string output_dir;
  double timeout_ms = 1000;
  bool json = false;
};

std::string_view call_status_name(CallStatus status) {
  switch (status) {
    case CallStatus::ok: return "ok";
    case CallStatus::timeout: return "timeout";
    case CallStatus::dma_error: return "dma_error";
    case CallStatus::short_output: return "short_output";
    case CallStatus::pending: return "pending";
  }
  return "unknown";
}

// The .npy must have exactly the manifest's dtype (as NumPy names it) and shape.
void check_against_manifest(const io::NpyArray& array, const manifest::StreamInfo& stream, const std::string& file) {
  const std::string where = fmt::format("--input {}={}", stream.name, file);
  if (array.dtype != stream.numpy_dtype)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("dtype {} does not match the stream's {} ({})", array.dtype, stream.numpy_dtype, stream.dtype),
                where);
  std::vector<std::uint64_t> expected(stream.shape.begin(), stream.shape.end());
  if (array.shape != expected)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("shape ({}) does not match the stream's ({})", fmt::join(array.shape, ", "),
                            fmt::join(stream.shape, ", ")),
                where);
}

void run_sim(const SimOptions& options) {
  const std::filesystem::path manifest_path = std::filesystem::path(options.out) / "manifest.json";
  const manifest::Manifest manifest = manifest::load_manifest(manifest_path);

  std::map<std::string, io::NpyArray> given;
  for (const std::string& entry : options.inputs) {
    const auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0)
      throw Error(ErrorCode::invalid_argument, "expected NAME=FILE.npy, got \"" + entry + "\"", "--input");
    const std::string name = entry.substr(0, equals), file = entry.substr(equals + 1);
    const manifest::StreamInfo* stream = manifest.find_stream(name);
    if (!stream || stream->direction != "in")
      throw Error(ErrorCode::not_found, "the kernel has no input stream named \"" + name + "\"", "--input");
    if (stream->is_constant())
      throw Error(ErrorCode::invalid_argument,
                  "\"" + name + "\" is a constant stream: the accelerator sends " + stream->constant + " itself",
                  "--input");
    if (given.count(name)) throw Error(ErrorCode::invalid_argument, "input \"" + name + "\" given twice", "--input");
    io::NpyArray array = io::load_npy(file);
    check_against_manifest(array, *stream, file);
    given.emplace(name, std::move(array));
  }

  std::unique_ptr<Accelerator> accelerator = open_accelerator(manifest_path.string(), "virtual");
  for (std::size_t i = 0; i < accelerator->inputs().size(); ++i) {
    const StreamInfo& stream = accelerator->inputs()[i];
    auto it = given.find(stream.name);
    if (it == given.end())
      throw Error(ErrorCode::invalid_argument, "no --input for stream \"" + stream.name + "\"", "zynqnn sim");
    std::span<std::byte> buffer = accelerator->input_buffer(i);
    std::memset(buffer.data(), 0, buffer.size());  // the padding of a partly filled last word
    std::memcpy(buffer.data(), it->second.data.data(), it->second.data.size());
  }
  const CallResult result =
      accelerator->run(std::chrono::duration_cast<Nanoseconds>(std::chrono::duration<double, std::milli>(options.timeout_ms)));

  nlohmann::json report = {{"kernel", manifest.kernel},
                           {"status", call_status_name(result.status)},
                           {"elapsed_ns", result.elapsed.count()},
                           {"detail", result.detail},
                           {"outputs", nlohmann::json::object()}};
  if (result.status == CallStatus::ok) {  // never write a partial result as if it were good
    std::filesystem::create_directories(options.output_dir);
    for (std::size_t j = 0; j < accelerator->outputs().size(); ++j) {
      const StreamInfo& stream = accelerator->outputs()[j];
      const manifest::StreamInfo* info = manifest.find_stream(stream.name);
      io::NpyArray array;
      array.dtype = info->numpy_dtype;
      array.shape.assign(info->shape.begin(), info->shape.end());
      const std::size_t bytes = array.elements() * array.itemsize();
      const std::span<const std::byte> buffer = accelerator->output_buffer(j);
      array.data.resize(bytes);
      std::memcpy(array.data.data(), buffer.data(), bytes);
      const std::filesystem::path file = std::filesystem::path(options.output_dir) / (stream.name + ".npy");
      io::save_npy(file, array);
      report["outputs"][stream.name] = file.string();
    }
  }
  if (options.json) {
    fmt::print("{}\n", report.dump());
  } else {
    fmt::print("{}: {} in {:.3f} ms (virtual board clock){}\n", manifest.kernel, call_status_name(result.status),
               result.elapsed.count() / 1e6, result.detail.empty() ? "" : "; " + result.detail);
    for (const auto& [name, file] : report["outputs"].items()) fmt::print("  {} -> {}\n", name, file.get<std::string>());
  }
  if (result.status != CallStatus::ok) set_exit_code(1);
}

}  // namespace

void add_sim_verb(CLI::App& app) {
  auto options = std::make_shared<SimOptions>();
  CLI::App* verb = app.add_subcommand("sim", "Run a generated kernel once on the virtual board (inputs/outputs as .npy)");
  verb->add_option("out", options->out, "Generated kernel folder (with manifest.json)")->required();
  verb->add_option("--input", options->inputs, "NAME=FILE.npy, one per input stream")->required();
  verb->add_option("--output-dir", options->output_dir, "Folder for the output .npy files")->required();
  verb->add_option("--timeout-ms", options->timeout_ms, "Deadline of the call (virtual board clock)")->check(CLI::PositiveNumber);
  verb->add_flag("--json", options->json, "Print one JSON object");
  verb->callback([options] { run_sim(*options); });
}

}  // namespace zynqnn::cli
