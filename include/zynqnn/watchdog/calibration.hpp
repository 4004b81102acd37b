#pragma once
// Calibration: N calls on representative (or synthetic) inputs, robust statistics of their
// latency, and the threshold derived from them. Persisted as JSON next to the manifest
// (calibration.json) and reused while the kernel name and the manifest's hash match.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "zynqnn/runtime/accelerator.hpp"
#include "zynqnn/watchdog/config.hpp"
#include "zynqnn/watchdog/latency_statistics.hpp"

namespace zynqnn::watchdog {

struct Calibration {
  std::string kernel;
  std::string manifest_hash;  // fnv1a64 of manifest.json's bytes, hex
  std::size_t calls = 0;
  LatencySummary latency;
  double log_sigma = 0;       // MAD of ln(latency) x 1.4826: the detector's spread
  ThresholdRule rule;
  Nanoseconds threshold{0};
};

Nanoseconds threshold_from(const LatencySummary& latency, const ThresholdRule& rule);
// Robust sigma (MAD x 1.4826) of the natural log of the latencies.
double log_sigma_of(std::span<const Nanoseconds> samples);

// Fills the accelerator's input buffers for call `index`.
using InputFiller = std::function<void(std::uint64_t index, Accelerator& accelerator)>;
// A deterministic byte pattern derived from the call index (the synthetic input).
void fill_synthetic(std::uint64_t index, Accelerator& accelerator);

// Runs `calls` calls (each with deadline `call_timeout`) and summarizes them. Any call that
// does not end ok is an Error(bad_state): a faulty board cannot be calibrated. `samples`, when
// given, receives every call's latency.
Calibration calibrate(Accelerator& accelerator, std::size_t calls, const ThresholdRule& rule,
                      std::string kernel, std::string manifest_hash, const InputFiller& fill = fill_synthetic,
                      Nanoseconds call_timeout = std::chrono::seconds(1),
                      std::vector<Nanoseconds>* samples = nullptr);

// fnv1a64 of a file's bytes as 16 hex digits (Error(io) when unreadable).
std::string manifest_hash(const std::filesystem::path& manifest_path);
// <manifest's folder>/calibration.json
std::filesystem::path calibration_path_for(const std::filesystem::path& manifest_path);

nlohmann::json to_json(const Calibration& calibration);
Calibration calibration_from_json(const nlohmann::json& json);  // Error(parse) naming the field
void save_calibration(const std::filesystem::path& path, const Calibration& calibration);
// The stored calibration if the file exists and was made for this kernel and manifest hash;
// nullopt when absent or stale; Error(parse) when malformed.
std::optional<Calibration> load_matching_calibration(const std::filesystem::path& path, const std::string& kernel,
                                                     const std::string& manifest_hash);

}  // namespace zynqnn::watchdog
