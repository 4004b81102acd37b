// Runs a generated C-simulation library (pl_kernel_abi.h) as the PL kernel.
#include <dlfcn.h>

#include <fmt/format.h>

#include "zynqnn/board/virtual/pl_kernel_abi.h"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {
namespace {

using AbiEntry = const zynqnn_pl_kernel_abi* (*)();
using ObserverHook = void (*)(void*);

class LibraryHandle {
 public:
  explicit LibraryHandle(void* handle) : handle_(handle) {}
  ~LibraryHandle() { dlclose(handle_); }
  LibraryHandle(const LibraryHandle&) = delete;
  LibraryHandle& operator=(const LibraryHandle&) = delete;

 private:
  void* handle_;
};

class LibraryKernel final : public PlKernel {
 public:
  LibraryKernel(std::shared_ptr<LibraryHandle> library, const zynqnn_pl_kernel_abi& abi, ObserverHook hook)
      : library_(std::move(library)),
        abi_(abi),
        input_bits_(abi.input_bits, abi.input_bits + abi.num_inputs),
        output_bits_(abi.output_bits, abi.output_bits + abi.num_outputs),
        hook_(hook) {}

  void run_frame(std::span<AxisPort> inputs, std::span<AxisPort> outputs) override {
    std::vector<void*> in(inputs.size() + 1), out(outputs.size() + 1);
    for (std::size_t i = 0; i < inputs.size(); ++i) in[i] = inputs[i].stream_pointer();
    for (std::size_t j = 0; j < outputs.size(); ++j) out[j] = outputs[j].stream_pointer();
    abi_.run_frame(in.data(), out.data());
  }
  std::uint64_t frame_latency_cycles() const override { return abi_.frame_latency_cycles; }
  std::size_t num_inputs() const override { return input_bits_.size(); }
  std::size_t num_outputs() const override { return output_bits_.size(); }
  unsigned input_bits(std::size_t i) const override { return input_bits_.at(i); }
  unsigned output_bits(std::size_t j) const override { return output_bits_.at(j); }
  void prepare_thread(hls::csim::wait_observer* observer) override {
    if (hook_) hook_(observer);
  }

 private:
  std::shared_ptr<LibraryHandle> library_;
  zynqnn_pl_kernel_abi abi_;
  std::vector<unsigned> input_bits_;
  std::vector<unsigned> output_bits_;
  ObserverHook hook_;
};

void check_widths(const unsigned* bits, unsigned count, const char* what, const std::string& path) {
  if (count > 0 && bits == nullptr)
    throw Error(ErrorCode::invalid_argument, fmt::format("{} is a null pointer for {} ports", what, count), path);
  for (unsigned i = 0; i < count; ++i)
    if (bits[i] != 32 && bits[i] != 64)
      throw Error(ErrorCode::unsupported,
                  fmt::format("{}[{}] is {} bits: the virtual board models 32- and 64-bit streams", what, i, bits[i]),
                  path);
}

}  // namespace

std::shared_ptr<PlKernel> load_kernel_library(const std::string& path) {
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw Error(ErrorCode::io, fmt::format("cannot load the kernel library: {}", why ? why : "unknown dlopen error"), path);
  }
  auto library = std::make_shared<LibraryHandle>(handle);
  auto entry = reinterpret_cast<AbiEntry>(dlsym(handle, "zynqnn_pl_kernel_v1"));
  if (!entry) {
    const char* why = dlerror();
    throw Error(ErrorCode::not_found,
                fmt::format("the library does not export zynqnn_pl_kernel_v1 (see pl_kernel_abi.h): {}",
                            why ? why : "no such symbol"),
                path);
  }
  const zynqnn_pl_kernel_abi* abi = entry();
  if (!abi) throw Error(ErrorCode::invalid_argument, "zynqnn_pl_kernel_v1() returned a null pointer", path);
  if (abi->abi_version != ZYNQNN_PL_KERNEL_ABI_VERSION)
    throw Error(ErrorCode::unsupported,
                fmt::format("kernel ABI version {} is not supported; this board speaks version {}", abi->abi_version,
                            ZYNQNN_PL_KERNEL_ABI_VERSION),
                path);
  if (!abi->run_frame) throw Error(ErrorCode::invalid_argument, "run_frame is a null pointer", path);
  check_widths(abi->input_bits, abi->num_inputs, "input_bits", path);
  check_widths(abi->output_bits, abi->num_outputs, "output_bits", path);
  auto hook = reinterpret_cast<ObserverHook>(dlsym(handle, "zynqnn_pl_kernel_set_wait_observer_v1"));
  if (!hook) {
    // Without the hook, the library's blocking stream operations are visible to the modeled
    // clock only if it shares this program's C-simulation thread-local state. A library that
    // hides its copy (-fvisibility=hidden) cannot be checked: its waits would count as a
    // running thread, and modeled time would stop whenever the kernel blocks for good.
    void* theirs = dlsym(handle, "_ZN3hls4csim21current_wait_observerE");
    if (theirs != static_cast<void*>(&hls::csim::current_wait_observer))
      throw Error(ErrorCode::unsupported,
                  theirs ? "the library has its own hls::csim state and does not export "
                           "zynqnn_pl_kernel_set_wait_observer_v1: its waits would be invisible to modeled time"
                         : "the library does not export zynqnn_pl_kernel_set_wait_observer_v1 (define it with "
                           "ZYNQNN_PL_KERNEL_DEFINE_WAIT_OBSERVER_HOOK()): its stream waits would be invisible "
                           "to modeled time",
                  path);
  }
  return std::make_shared<LibraryKernel>(std::move(library), *abi, hook);
}

}  // namespace zynqnn::virtual_board
