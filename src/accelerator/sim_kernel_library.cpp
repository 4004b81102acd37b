#include "zynqnn/accelerator/sim_kernel_library.hpp"

#include <ap_axi_sdata.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <hls_stream.h>

#include <cstring>
#include <string>

#include "zynqnn/board/virtual/pl_kernel_abi.h"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"

namespace zynqnn {
namespace {

// One AXI4-Stream port of either width, filled from and drained to little-endian bytes.
class WordStream {
 public:
  explicit WordStream(unsigned bits) : bits_(bits) {}
  unsigned bits() const noexcept { return bits_; }
  void* handle() noexcept { return bits_ == 32 ? static_cast<void*>(&s32_) : static_cast<void*>(&s64_); }
  std::size_t word_bytes() const noexcept { return bits_ / 8; }

  void fill(std::span<const std::byte> bytes) {
    const std::size_t words = bytes.size() / word_bytes();
    for (std::size_t w = 0; w < words; ++w) {
      std::uint64_t value = 0;
      std::memcpy(&value, bytes.data() + w * word_bytes(), word_bytes());
      const bool last = w + 1 == words;
      if (bits_ == 32) {
        ap_axiu<32, 0, 0, 0> word;
        word.data = static_cast<std::uint32_t>(value);
        word.keep = -1;
        word.strb = -1;
        word.last = last;
        s32_.write(word);
      } else {
        ap_axiu<64, 0, 0, 0> word;
        word.data = value;
        word.keep = -1;
        word.strb = -1;
        word.last = last;
        s64_.write(word);
      }
    }
  }

  bool empty() const { return bits_ == 32 ? s32_.empty() : s64_.empty(); }

  // Reads exactly bytes.size() bytes; the last word must carry TLAST and nothing may follow.
  void drain(std::span<std::byte> bytes, const std::string& where) {
    const std::size_t words = bytes.size() / word_bytes();
    for (std::size_t w = 0; w < words; ++w) {
      if (empty()) throw Error(ErrorCode::dma_error, fmt::format("the kernel wrote {} of {} words", w, words), where);
      std::uint64_t value = 0;
      bool last = false;
      if (bits_ == 32) {
        const auto word = s32_.read();
        value = word.data.to_uint64();
        last = word.last != 0;
      } else {
        const auto word = s64_.read();
        value = word.data.to_uint64();
        last = word.last != 0;
      }
      std::memcpy(bytes.data() + w * word_bytes(), &value, word_bytes());
      if (last != (w + 1 == words)) {
        throw Error(ErrorCode::dma_error, fmt::format("TLAST on word {} of {}", w, words), where);
      }
    }
    if (!empty()) throw Error(ErrorCode::dma_error, "the kernel wrote more words than the frame holds", where);
  }

  void clear() {
    s32_.reopen();
    s64_.reopen();
  }

 private:
  unsigned bits_;
  hls::stream<ap_axiu<32, 0, 0, 0>> s32_;
  hls::stream<ap_axiu<64, 0, 0, 0>> s64_;
};

}  // namespace

struct SimKernelLibrary::Impl {
  std::filesystem::path path;
  void* handle = nullptr;
  const zynqnn_pl_kernel_abi* abi = nullptr;
  std::vector<std::unique_ptr<WordStream>> inputs;
  std::vector<std::unique_ptr<WordStream>> outputs;
  std::vector<void*> input_handles;
  std::vector<void*> output_handles;
  // Constant streams (manifest constructor): per kernel input, the index of its frame in
  // constant_frames or -1 for a caller's input; `all` is the frame's spans in kernel order.
  std::vector<std::vector<std::byte>> constant_frames;
  std::vector<int> constant_of_input;
  std::vector<std::span<const std::byte>> all;
};

SimKernelLibrary::SimKernelLibrary(const std::filesystem::path& library) : impl_(std::make_unique<Impl>()) {
  impl_->path = library;
  const std::string where = library.string();
  impl_->handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (impl_->handle == nullptr) {
    throw Error(ErrorCode::io, fmt::format("cannot load the kernel's C-simulation library: {}", dlerror()), where);
  }
  auto fail = [&](ErrorCode code, std::string message) {
    dlclose(impl_->handle);
    impl_->handle = nullptr;
    throw Error(code, std::move(message), where);
  };
  auto entry = reinterpret_cast<const zynqnn_pl_kernel_abi* (*)()>(dlsym(impl_->handle, "zynqnn_pl_kernel_v1"));
  if (entry == nullptr) fail(ErrorCode::not_found, "no zynqnn_pl_kernel_v1 in the library");
  impl_->abi = entry();
  if (impl_->abi == nullptr || impl_->abi->abi_version != ZYNQNN_PL_KERNEL_ABI_VERSION) {
    fail(ErrorCode::unsupported, fmt::format("PL kernel ABI version other than {}", ZYNQNN_PL_KERNEL_ABI_VERSION));
  }
  auto make = [&](unsigned count, const unsigned* bits, const char* kind, auto& streams, auto& handles) {
    for (unsigned k = 0; k < count; ++k) {
      if (bits[k] != 32 && bits[k] != 64) fail(ErrorCode::unsupported, fmt::format("{} {} is {} bits wide (32 or 64)", kind, k, bits[k]));
      streams.push_back(std::make_unique<WordStream>(bits[k]));
      handles.push_back(streams.back()->handle());
    }
  };
  make(impl_->abi->num_inputs, impl_->abi->input_bits, "input", impl_->inputs, impl_->input_handles);
  make(impl_->abi->num_outputs, impl_->abi->output_bits, "output", impl_->outputs, impl_->output_handles);
}

SimKernelLibrary::~SimKernelLibrary() {
  if (impl_ && impl_->handle != nullptr) {
    impl_->inputs.clear();
    impl_->outputs.clear();
    dlclose(impl_->handle);
  }
}

namespace {

// The manifest's library, once its folder is checked against its stamp: a library of another
// generation is refused before it is loaded (and its initializers run).
std::filesystem::path checked_library(const manifest::Manifest& manifest, const std::filesystem::path& folder) {
  manifest::verify_folder_stamp(folder.empty() ? std::filesystem::path(".") : folder);
  return folder / manifest.artifacts.sim_library;
}

}  // namespace

SimKernelLibrary::SimKernelLibrary(const manifest::Manifest& manifest, const std::filesystem::path& manifest_folder)
    : SimKernelLibrary(checked_library(manifest, manifest_folder)) {
  const auto inputs = manifest.all_inputs();
  if (inputs.size() != impl_->inputs.size() || manifest.outputs().size() != impl_->outputs.size()) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the library has {} inputs and {} outputs, the manifest {} and {}", impl_->inputs.size(),
                            impl_->outputs.size(), inputs.size(), manifest.outputs().size()),
                impl_->path.string());
  }
  for (const manifest::StreamInfo* s : inputs) {
    if (s->is_constant()) {
      impl_->constant_of_input.push_back(static_cast<int>(impl_->constant_frames.size()));
      impl_->constant_frames.push_back(manifest::load_constant_frame(*s, manifest_folder));
    } else {
      impl_->constant_of_input.push_back(-1);
    }
  }
  if (impl_->constant_frames.empty()) impl_->constant_of_input.clear();
}

std::size_t SimKernelLibrary::num_inputs() const noexcept { return impl_->inputs.size(); }
std::size_t SimKernelLibrary::num_caller_inputs() const noexcept {
  return impl_->inputs.size() - impl_->constant_frames.size();
}
std::size_t SimKernelLibrary::num_outputs() const noexcept { return impl_->outputs.size(); }
unsigned SimKernelLibrary::input_bits(std::size_t i) const { return impl_->inputs.at(i)->bits(); }
unsigned SimKernelLibrary::output_bits(std::size_t j) const { return impl_->outputs.at(j)->bits(); }
const std::filesystem::path& SimKernelLibrary::path() const noexcept { return impl_->path; }

void SimKernelLibrary::run_frame(std::span<const std::span<const std::byte>> caller_inputs,
                                 std::span<const std::span<std::byte>> outputs) {
  const std::string where = impl_->path.string();
  if (caller_inputs.size() != num_caller_inputs() || outputs.size() != impl_->outputs.size()) {
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the kernel takes {} inputs{} and {} outputs, given {} and {}", num_caller_inputs(),
                            impl_->constant_frames.empty()
                                ? ""
                                : fmt::format(" (and {} constant streams of its own)", impl_->constant_frames.size()),
                            impl_->outputs.size(), caller_inputs.size(), outputs.size()),
                where);
  }
  std::span<const std::span<const std::byte>> inputs = caller_inputs;
  if (!impl_->constant_frames.empty()) {
    impl_->all.resize(impl_->constant_of_input.size());
    std::size_t next = 0;
    for (std::size_t k = 0; k < impl_->all.size(); ++k) {
      const int constant = impl_->constant_of_input[k];
      impl_->all[k] = constant >= 0 ? std::span<const std::byte>(impl_->constant_frames[static_cast<std::size_t>(constant)])
                                    : caller_inputs[next++];
    }
    inputs = impl_->all;
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::size_t word = impl_->inputs[i]->word_bytes();
    if (inputs[i].empty() || inputs[i].size() % word != 0) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("input {} has {} bytes, not a positive number of {}-byte words", i, inputs[i].size(), word),
                  where);
    }
  }
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    const std::size_t word = impl_->outputs[j]->word_bytes();
    if (outputs[j].empty() || outputs[j].size() % word != 0) {
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("output {} has {} bytes, not a positive number of {}-byte words", j, outputs[j].size(), word),
                  where);
    }
  }
  try {
    for (std::size_t i = 0; i < inputs.size(); ++i) impl_->inputs[i]->fill(inputs[i]);
    impl_->abi->run_frame(impl_->input_handles.data(), impl_->output_handles.data());
    for (std::size_t j = 0; j < outputs.size(); ++j) impl_->outputs[j]->drain(outputs[j], fmt::format("{}: output {}", where, j));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!impl_->inputs[i]->empty()) {
        throw Error(ErrorCode::dma_error, "the kernel left words of the frame unread", fmt::format("{}: input {}", where, i));
      }
    }
  } catch (...) {
    for (auto& s : impl_->inputs) s->clear();
    for (auto& s : impl_->outputs) s->clear();
    throw;
  }
}

}  // namespace zynqnn
