// Fuzzes the kernel spec parser and the compute-signature check. Property: a spec that
// parses yields a manifest that the manifest reader accepts and round-trips, with each
// constant stream's frame named as its copy under constants/.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Input: spec JSON, optionally followed by "\n%%\n" and a compute source.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find("\n%%\n");
  const std::string_view text = input.substr(0, split);
  const std::string_view source = split == std::string_view::npos ? input : input.substr(split + 4);
  zynqnn::spec::KernelSpec spec;
  try {
    spec = zynqnn::spec::parse_kernel_spec(text, "fuzz");
  } catch (const zynqnn::Error&) {
    return 0;
  }
  try {
    zynqnn::spec::check_compute_signature(spec, source, "fuzz");
  } catch (const zynqnn::Error&) {
  }
  const auto manifest = zynqnn::codegen::build_manifest(spec);
  const std::string json = zynqnn::manifest::to_json(manifest);
  try {
    const auto back = zynqnn::manifest::parse_manifest(json, "generated");
    if (zynqnn::manifest::to_json(back) != json) std::abort();  // not a round trip
    for (std::size_t i = 0; i < spec.streams.size(); ++i) {
      // A constant stream's manifest entry names only its copy, never the spec's path.
      if (spec.streams[i].is_constant() != back.streams[i].is_constant()) std::abort();
      if (back.streams[i].is_constant() && back.streams[i].constant != "constants/" + spec.streams[i].name + ".bin") {
        std::abort();
      }
    }
  } catch (const zynqnn::Error&) {
    std::abort();  // the generator wrote a manifest its own reader refuses
  }
  return 0;
}
