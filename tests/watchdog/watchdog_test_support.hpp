#pragma once
// Shared helpers of the watchdog tests: a model accelerator with no jitter (exact, scripted
// timings) and a calibration taken on it.
#include <cstring>
#include <vector>

#include "zynqnn/watchdog/calibration.hpp"
#include "zynqnn/watchdog/model_accelerator.hpp"
#include "zynqnn/watchdog/watchdog.hpp"

namespace zynqnn::watchdog::testing {

inline ModelAcceleratorConfig exact_model(std::string dtype = "uint32") {
  ModelAcceleratorConfig config;
  config.words = 64;
  config.dtype = std::move(dtype);
  config.jitter = Nanoseconds{0};
  return config;
}

inline Calibration calibrated(ModelAccelerator& accelerator) {
  return calibrate(accelerator, 32, ThresholdRule{}, "loopback", "test");
}

// An input of the model's size whose 32-bit words are small counting values from `seed`.
inline std::vector<std::byte> counting_input(const ModelAccelerator& accelerator, std::uint32_t seed) {
  std::vector<std::byte> bytes(accelerator.inputs()[0].bytes);
  for (std::size_t k = 0; k * 4 < bytes.size(); ++k) {
    const auto value = static_cast<std::uint32_t>(seed * 1000 + k);
    std::memcpy(bytes.data() + 4 * k, &value, 4);
  }
  return bytes;
}

inline InputViews views_of(const std::vector<std::byte>& bytes) { return {std::span<const std::byte>(bytes)}; }

inline bool same_bytes(std::span<const std::byte> a, const std::vector<std::byte>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace zynqnn::watchdog::testing
