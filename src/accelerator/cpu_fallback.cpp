#include "zynqnn/accelerator/cpu_fallback.hpp"

#include <fmt/format.h>

#include <memory>

#include "zynqnn/accelerator/sim_kernel_library.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn {
namespace {

struct ManifestKernel {
  // input_* are the inputs the caller fills; the library adds the constant streams' frames.
  std::vector<std::string> input_names, output_names;
  std::vector<std::size_t> input_bytes, output_bytes;
  SimKernelLibrary library;
  ManifestKernel(const manifest::Manifest& manifest, const std::filesystem::path& folder) : library(manifest, folder) {}
};

}  // namespace

watchdog::CpuFallback cpu_fallback_from_manifest(const std::filesystem::path& manifest_path) {
  const manifest::Manifest manifest = manifest::load_manifest(manifest_path);
  if (manifest.artifacts.sim_library.empty()) {
    throw Error(ErrorCode::not_found, "the manifest names no C-simulation library (artifacts.sim_library)",
                manifest_path.string());
  }
  const std::filesystem::path library = manifest_path.parent_path() / manifest.artifacts.sim_library;
  if (!std::filesystem::exists(library)) {
    throw Error(ErrorCode::not_found,
                fmt::format("C-simulation library {} does not exist (run `zynqnn generate` or `zynqnn compile` again)",
                            library.string()),
                manifest_path.string());
  }
  auto kernel = std::make_shared<ManifestKernel>(manifest, manifest_path.parent_path());
  for (const auto* s : manifest.inputs()) {  // the caller's; constant frames are the library's
    kernel->input_names.push_back(s->name);
    kernel->input_bytes.push_back(static_cast<std::size_t>(s->bytes));
  }
  for (const auto* s : manifest.outputs()) {
    kernel->output_names.push_back(s->name);
    kernel->output_bytes.push_back(static_cast<std::size_t>(s->bytes));
  }
  return [kernel](const watchdog::InputViews& inputs, const watchdog::OutputViews& outputs) {
    if (inputs.size() != kernel->input_bytes.size() || outputs.size() != kernel->output_bytes.size()) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("{} inputs and {} outputs given, the kernel has {} and {}", inputs.size(), outputs.size(),
                              kernel->input_bytes.size(), kernel->output_bytes.size()),
                  "CPU fallback");
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].size() != kernel->input_bytes[i]) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("{} bytes given, the manifest says {}", inputs[i].size(), kernel->input_bytes[i]),
                    fmt::format("CPU fallback: input '{}'", kernel->input_names[i]));
      }
    }
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      if (outputs[j].size() != kernel->output_bytes[j]) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("{} bytes of room, the manifest says {}", outputs[j].size(), kernel->output_bytes[j]),
                    fmt::format("CPU fallback: output '{}'", kernel->output_names[j]));
      }
    }
    kernel->library.run_frame(inputs, outputs);
  };
}

}  // namespace zynqnn
