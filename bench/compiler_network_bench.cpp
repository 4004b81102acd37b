// Runs a compiled network (`zynqnn compile` output) over a stack of inputs on this CPU and
// prints one JSON object with the wall and CPU time of the loop. Used by
// bench/hls4ml_side_by_side.py. The PL part runs, by default, through the C-simulation
// library called directly (the path compiler_bench measures: PS operators, host conversion,
// the generated HLS C++ through the PL kernel ABI); with `virtual` as a fourth argument, on
// the virtual board (DMA driver and model, PL thread), as check-onnx runs it.
//
// Usage: compiler_network_bench OUT INPUTS.npy OUTPUTS.npy [sim|virtual]
//   INPUTS.npy: float32 [N, <the model input's shape>]; OUTPUTS.npy: float32 [N, <output shape>].
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <exception>
#include <optional>
#include <nlohmann/json.hpp>

#include "zynqnn/compiler/host_run.hpp"
#include "zynqnn/compiler/npy.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"

namespace {

using namespace zynqnn;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

int run(const std::filesystem::path& out_dir, const std::filesystem::path& inputs_npy, const std::filesystem::path& outputs_npy,
        bool direct) {
  compiler::NetworkRunner board_runner = compiler::open_network(out_dir);
  std::vector<compiler::StreamLayout> in, out;
  compiler::read_stream_layouts(out_dir / "manifest.json", in, out);
  std::optional<compiler::NetworkRunner> direct_runner;
  if (direct) direct_runner.emplace(board_runner.contract(), in, out, compiler::open_sim_library(out_dir));
  compiler::NetworkRunner& runner = direct ? *direct_runner : board_runner;
  const network::NetworkContract& c = runner.contract();
  if (c.inputs.size() != 1 || c.outputs.size() != 1 || !c.inputs[0].shape)
    throw Error(ErrorCode::unsupported, "this benchmark drives models with one input of a known shape and one output",
                out_dir.string());
  const graph::Shape input_shape = *c.inputs[0].shape;
  std::int64_t per_input = 1;
  for (auto d : input_shape) per_input *= d;

  const graph::Tensor stack = compiler::read_npy(inputs_npy);
  if (stack.dtype() != graph::DType::float32 || per_input <= 0 || stack.size() % per_input != 0 || stack.size() == 0)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("expected float32 inputs, a whole number of {}", graph::shape_to_string(input_shape)),
                inputs_npy.string());
  const std::int64_t count = stack.size() / per_input;
  const auto values = stack.data<float>();

  std::vector<graph::TensorMap> frames(static_cast<std::size_t>(count));
  for (std::int64_t n = 0; n < count; ++n) {
    std::vector<float> one(values.begin() + n * per_input, values.begin() + (n + 1) * per_input);
    frames[static_cast<std::size_t>(n)].emplace(c.inputs[0].name, graph::Tensor::from<float>(input_shape, one));
  }

  runner.run(frames[0]);  // warm-up: first-touch of the library's code and data
  std::vector<graph::TensorMap> results;
  results.reserve(frames.size());
  const double cpu_start = cpu_seconds();
  const auto wall_start = std::chrono::steady_clock::now();
  for (const auto& frame : frames) results.push_back(runner.run(frame));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double cpu = cpu_seconds() - cpu_start;

  io::NpyArray array;
  array.dtype = "float32";
  array.shape.push_back(static_cast<std::uint64_t>(count));
  for (std::size_t n = 0; n < results.size(); ++n) {
    const auto it = results[n].find(c.outputs[0].name);
    if (it == results[n].end() || it->second.dtype() != graph::DType::float32)
      throw Error(ErrorCode::internal, "the network returned no float32 output", c.outputs[0].name);
    if (n == 0)
      for (auto d : it->second.shape()) array.shape.push_back(static_cast<std::uint64_t>(d));
    const auto out = it->second.data<float>();
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(out.data());
    array.data.insert(array.data.end(), bytes, bytes + out.size_bytes());
  }
  io::save_npy(outputs_npy, array);

  nlohmann::json report{{"inferences", count},
                        {"wall_seconds", wall},
                        {"cpu_seconds", cpu},
                        {"inferences_per_s_wall", static_cast<double>(count) / wall},
                        {"inferences_per_s_cpu", static_cast<double>(count) / cpu},
                        {"pl_runner", runner.pl_where()}};
  fmt::print("{}\n", report.dump());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string pl = argc == 5 ? argv[4] : "sim";
  if ((argc != 4 && argc != 5) || (pl != "sim" && pl != "virtual")) {
    fmt::print(stderr, "usage: {} OUT INPUTS.npy OUTPUTS.npy [sim|virtual]\n", argc > 0 ? argv[0] : "compiler_network_bench");
    return 2;
  }
  try {
    return run(argv[1], argv[2], argv[3], pl == "sim");
  } catch (const std::exception& e) {
    fmt::print(stderr, "compiler_network_bench: {}\n", e.what());
    return 1;
  }
}
