// The compiled-network section of the C ABI (zynqnn.h): a zynqnn::network::NetworkRunner
// opened from a compile output folder, run with float32 arrays by index. No exception crosses
// it; each failure becomes a status and the thread's last error.
//
// Threads: runs of one handle take its lock (waiting at most 30 s for the run ahead) and are
// one at a time. Shutdown takes the same lock, frees the runner (and its accelerator) and
// marks the handle closed; the value infos stay readable until zynqnn_network_close.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capi/accelerator_handle.hpp"
#include "capi/last_error.hpp"
#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/network/runner.hpp"
#include "zynqnn/zynqnn.h"

using zynqnn::Error;
using zynqnn::ErrorCode;
using zynqnn::capi::guarded_call;
namespace graph = zynqnn::graph;
namespace network = zynqnn::network;

namespace {

// What zynqnn_network_value_get hands out: strings and shapes owned by the handle.
struct ValueView {
  std::string name, dtype;
  graph::DType type = graph::DType::float32;
  std::vector<std::int64_t> shape;
  bool shape_known = false;
  std::size_t elements = 0;
};

std::vector<ValueView> views_of(const std::vector<network::ValueInfo>& values) {
  std::vector<ValueView> out;
  for (const auto& v : values) {
    ValueView view{v.name, std::string(graph::to_string(v.dtype)), v.dtype, {}, v.shape.has_value(), 0};
    if (v.shape) {
      view.shape = *v.shape;
      view.elements = static_cast<std::size_t>(graph::element_count(*v.shape, v.name));
    }
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace

struct zynqnn_network {
  std::timed_mutex lock;  // one run at a time; shutdown takes it too
  std::unique_ptr<network::NetworkRunner> runner;  // null once shut down
  std::vector<ValueView> values[2];  // inputs, outputs
  std::atomic<bool> closed{false};
};

namespace {

[[noreturn]] void refuse(std::string message, std::string where = {}) {
  throw Error(ErrorCode::invalid_argument, std::move(message), std::move(where));
}

const std::vector<ValueView>& values_of(const zynqnn_network* handle, int direction) {
  if (!handle) refuse("network handle is NULL");
  if (direction != ZYNQNN_INPUT && direction != ZYNQNN_OUTPUT) refuse(fmt::format("direction {} (0: input, 1: output)", direction));
  return handle->values[direction];
}

// A float32 array as a tensor of the input's type: integer inputs take integral values in
// their type's range, exactly.
template <class T>
graph::Tensor integer_tensor(const ValueView& v, const float* data) {
  graph::Tensor t(graph::dtype_of<T>(), v.shape);
  auto out = t.data<T>();
  for (std::size_t i = 0; i < v.elements; ++i) {
    const double x = data[i];
    if (x != std::trunc(x) || x < static_cast<double>(std::numeric_limits<T>::lowest()) ||
        x > static_cast<double>(std::numeric_limits<T>::max()))
      refuse(fmt::format("element {} is {}, not a value of {}", i, x, v.dtype), v.name);
    out[i] = static_cast<T>(x);
  }
  return t;
}

graph::Tensor input_tensor(const ValueView& v, const float* data) {
  using graph::DType;
  switch (v.type) {
    case DType::float32: return graph::Tensor::from<float>(v.shape, std::vector<float>(data, data + v.elements));
    case DType::uint8: return integer_tensor<std::uint8_t>(v, data);
    case DType::int8: return integer_tensor<std::int8_t>(v, data);
    case DType::uint16: return integer_tensor<std::uint16_t>(v, data);
    case DType::int16: return integer_tensor<std::int16_t>(v, data);
    case DType::int32: return integer_tensor<std::int32_t>(v, data);
    default: break;
  }
  throw Error(ErrorCode::unsupported, fmt::format("a network input of {} cannot be given as float32", v.dtype), v.name);
}

// The byte counts of float32 arrays for `values`, each checked before anything runs.
template <class Array>
void check_sizes(const std::vector<ValueView>& values, std::size_t count, const Array* arrays, const std::size_t* bytes,
                 const char* what) {
  if (count != values.size()) refuse(fmt::format("{} {} given, the network has {}", count, what, values.size()));
  if (count > 0 && (!arrays || !bytes)) refuse(fmt::format("the {} arrays or their sizes are NULL", what));
  for (std::size_t i = 0; i < count; ++i) {
    const ValueView& v = values[i];
    if (!v.shape_known) refuse(fmt::format("{} {}'s shape is known only at run time: the C ABI cannot size it", what, i), v.name);
    if (arrays[i] == nullptr) refuse(fmt::format("{} array {} is NULL", what, i), v.name);
    if (bytes[i] != v.elements * sizeof(float))
      refuse(fmt::format("{} array {} has {} bytes, the network's {} float32 values take {}", what, i, bytes[i], v.elements,
                         v.elements * sizeof(float)),
             v.name);
  }
}

// The PL part as the caller's step (zynqnn_network_open_stepped): a status other than OK ends
// the run with that status.
class SteppedPl final : public network::PlRunner {
 public:
  SteppedPl(zynqnn_network_pl_step step, void* user_data) : step_(step), user_data_(user_data) {}

  void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) override {
    std::vector<const void*> in;
    std::vector<std::size_t> in_bytes;
    for (const auto& b : inputs) in.push_back(b.data()), in_bytes.push_back(b.size());
    std::vector<void*> out;
    std::vector<std::size_t> out_bytes;
    for (auto& b : outputs) out.push_back(b.data()), out_bytes.push_back(b.size());
    const int status = step_(user_data_, in.size(), in.data(), in_bytes.data(), out.size(), out.data(), out_bytes.data());
    if (status == ZYNQNN_OK) return;
    const bool known = status >= ZYNQNN_INVALID_ARGUMENT && status <= ZYNQNN_INTERNAL;
    throw Error(known ? static_cast<ErrorCode>(status) : ErrorCode::internal,
                fmt::format("the PL step returned {}", zynqnn_status_name(status)), where());
  }
  std::string where() const override { return "the caller's PL step"; }

 private:
  zynqnn_network_pl_step step_;
  void* user_data_;
};

// A handle around an opened runner.
std::unique_ptr<zynqnn_network> network_handle(network::NetworkRunner runner) {
  auto handle = std::make_unique<zynqnn_network>();
  handle->runner = std::make_unique<network::NetworkRunner>(std::move(runner));
  handle->values[ZYNQNN_INPUT] = views_of(handle->runner->contract().inputs);
  handle->values[ZYNQNN_OUTPUT] = views_of(handle->runner->contract().outputs);
  return handle;
}

// The network inputs of a run or an encode as tensors, every size checked first.
graph::TensorMap input_tensors(const zynqnn_network* network, std::size_t count, const float* const* inputs,
                               const std::size_t* bytes) {
  check_sizes(network->values[ZYNQNN_INPUT], count, inputs, bytes, "input");
  graph::TensorMap in;
  const auto& values = network->values[ZYNQNN_INPUT];
  for (std::size_t i = 0; i < count; ++i) in.emplace(values[i].name, input_tensor(values[i], inputs[i]));
  return in;
}

// Runs `body` with the handle's lock (waiting at most 30 s for the run ahead) on an open runner.
template <class Body>
void with_runner(zynqnn_network* network, const char* what, Body&& body) {
  std::unique_lock lock(network->lock, std::defer_lock);
  if (!lock.try_lock_for(zynqnn::capi::kDeviceWait)) throw Error(ErrorCode::timeout, "the run ahead kept the network longer than 30 s", what);
  if (network->closed || !network->runner) throw Error(ErrorCode::bad_state, "the network is closed", what);
  body(*network->runner);
}

}  // namespace

extern "C" {

ZYNQNN_API int zynqnn_network_open(const char* output_dir, const char* board, int64_t timeout_ns, zynqnn_network** out) {
  return guarded_call([&] {
    if (!out) refuse("out is NULL");
    *out = nullptr;
    if (!output_dir) refuse("output_dir is NULL");
    if (timeout_ns <= 0) refuse(fmt::format("timeout_ns {} must be positive", timeout_ns));
    const std::string board_name = board ? board : "virtual";
    *out = network_handle(network::NetworkRunner::open(
                              output_dir,
                              [&](const std::filesystem::path& manifest) {
                                return zynqnn::open_accelerator(manifest.string(), board_name);
                              },
                              zynqnn::Nanoseconds{timeout_ns},
                              board_name == "virtual" ? "virtual board" : "board " + board_name))
               .release();
    return ZYNQNN_OK;
  });
}

ZYNQNN_API int zynqnn_network_open_stepped(const char* output_dir, zynqnn_network_pl_step pl_step, void* user_data,
                                           zynqnn_network** out) {
  return guarded_call([&] {
    if (!out) refuse("out is NULL");
    *out = nullptr;
    if (!output_dir) refuse("output_dir is NULL");
    if (!pl_step) refuse("pl_step is NULL");
    *out = network_handle(network::NetworkRunner::open(output_dir, [&](const std::filesystem::path&) {
             return std::make_unique<SteppedPl>(pl_step, user_data);
           })).release();
    return ZYNQNN_OK;
  });
}

ZYNQNN_API int zynqnn_network_count(const zynqnn_network* network, int direction, size_t* count) {
  return guarded_call([&] {
    const auto& values = values_of(network, direction);
    if (!count) refuse("count is NULL");
    *count = values.size();
    return ZYNQNN_OK;
  });
}

ZYNQNN_API int zynqnn_network_value_get(const zynqnn_network* network, int direction, size_t index,
                                        zynqnn_network_value* value) {
  return guarded_call([&] {
    const auto& values = values_of(network, direction);
    if (!value) refuse("value is NULL");
    if (index >= values.size())
      throw Error(ErrorCode::out_of_range, fmt::format("index {} of {} network {}", index, values.size(),
                                                       direction == ZYNQNN_INPUT ? "inputs" : "outputs"));
    const ValueView& v = values[index];
    value->name = v.name.c_str();
    value->dtype = v.dtype.c_str();
    value->rank = v.shape_known ? v.shape.size() : 0;
    value->shape = v.shape_known ? v.shape.data() : nullptr;
    value->elements = v.elements;
    return ZYNQNN_OK;
  });
}

ZYNQNN_API int zynqnn_network_run(zynqnn_network* network, size_t input_count, const float* const* inputs,
                                  const size_t* input_bytes, size_t output_count, float* const* outputs,
                                  const size_t* output_bytes) {
  return guarded_call([&] {
    if (!network) refuse("network handle is NULL");
    check_sizes(network->values[ZYNQNN_OUTPUT], output_count, outputs, output_bytes, "output");
    graph::TensorMap result;
    const graph::TensorMap in = input_tensors(network, input_count, inputs, input_bytes);
    with_runner(network, "zynqnn_network_run", [&](network::NetworkRunner& runner) { result = runner.run(in); });
    // Every output checked before any is written: a failure leaves the caller's arrays as they were.
    std::vector<std::vector<double>> values;
    const auto& out_values = network->values[ZYNQNN_OUTPUT];
    for (std::size_t j = 0; j < output_count; ++j) {
      const graph::Tensor& t = result.at(out_values[j].name);
      if (static_cast<std::size_t>(t.size()) != out_values[j].elements)
        throw Error(ErrorCode::internal, fmt::format("{} elements computed, the contract says {}", t.size(), out_values[j].elements),
                    out_values[j].name);
      values.push_back(t.to_doubles());
    }
    for (std::size_t j = 0; j < output_count; ++j)
      for (std::size_t k = 0; k < values[j].size(); ++k) outputs[j][k] = static_cast<float>(values[j][k]);
    return ZYNQNN_OK;
  });
}

ZYNQNN_API int zynqnn_network_encode(zynqnn_network* network, size_t input_count, const float* const* inputs,
                                     const size_t* input_bytes, size_t pl_input_count, void* const* pl_inputs,
                                     const size_t* pl_input_bytes) {
  return guarded_call([&] {
    if (!network) refuse("network handle is NULL");
    const graph::TensorMap in = input_tensors(network, input_count, inputs, input_bytes);
    with_runner(network, "zynqnn_network_encode", [&](network::NetworkRunner& runner) {
      if (!runner.contract().uses_pl) throw Error(ErrorCode::unsupported, "the network has no PL part", "zynqnn_network_encode");
      const std::vector<std::size_t> sizes = runner.pl_input_sizes();
      if (pl_input_count != sizes.size()) refuse(fmt::format("{} PL input buffers given, the PL has {}", pl_input_count, sizes.size()));
      if (pl_input_count > 0 && (!pl_inputs || !pl_input_bytes)) refuse("the PL input buffers or their sizes are NULL");
      for (std::size_t i = 0; i < sizes.size(); ++i)
        if (!pl_inputs[i] || pl_input_bytes[i] != sizes[i])
          refuse(fmt::format("PL input buffer {} has {} bytes (or is NULL), its stream takes {}", i, pl_input_bytes[i], sizes[i]));
      const auto bytes = runner.pl_input_bytes(in);
      for (std::size_t i = 0; i < bytes.size(); ++i) std::memcpy(pl_inputs[i], bytes[i].data(), bytes[i].size());
    });
    return ZYNQNN_OK;
  });
}

ZYNQNN_API int zynqnn_network_shutdown(zynqnn_network* network) {
  return guarded_call([&] {
    if (!network) refuse("network handle is NULL");
    network->closed = true;  // later runs are refused even if the run in flight outlasts the wait
    std::unique_lock lock(network->lock, std::defer_lock);
    if (!lock.try_lock_for(zynqnn::capi::kDeviceWait))
      throw Error(ErrorCode::timeout, "the run in flight kept the network longer than 30 s", "zynqnn_network_shutdown");
    network->runner.reset();  // releases the accelerator and its board
    return ZYNQNN_OK;
  });
}

ZYNQNN_API void zynqnn_network_close(zynqnn_network* network) {
  if (!network) return;
  zynqnn_network_shutdown(network);
  delete network;
}

}  // extern "C"
