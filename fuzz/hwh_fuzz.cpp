// libFuzzer target for the .hwh parser, its JSON form and the stream binder: any input must
// give a design or a zynqnn::Error, never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "zynqnn/core/error.hpp"
#include "zynqnn/hwh/binding.hpp"
#include "zynqnn/hwh/design.hpp"
#include "zynqnn/hwh/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zynqnn::hwh;
  try {
    const Design design = parse_hwh(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.hwh");
    (void)to_json(design).dump();
    std::vector<KernelStream> streams(2);
    streams[0].name = "in";
    streams[0].width_bits = 32;
    streams[1].name = "out";
    streams[1].direction = StreamDirection::out;
    streams[1].width_bits = 32;
    if (!design.modules.empty()) streams[1].kernel_instance = design.modules.back().instance;
    try {
      (void)bind_streams(design, streams);
    } catch (const zynqnn::Error&) {
    }
  } catch (const zynqnn::Error&) {
  }
  return 0;
}
