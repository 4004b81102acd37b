// Fuzzes the manifest reader. Property: an accepted manifest round-trips through to_json.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  zynqnn::manifest::Manifest manifest;
  try {
    manifest = zynqnn::manifest::parse_manifest(text, "fuzz");
  } catch (const zynqnn::Error&) {
    return 0;
  }
  const std::string json = zynqnn::manifest::to_json(manifest);
  try {
    if (zynqnn::manifest::to_json(zynqnn::manifest::parse_manifest(json, "again")) != json) std::abort();
  } catch (const zynqnn::Error&) {
    std::abort();
  }
  return 0;
}
