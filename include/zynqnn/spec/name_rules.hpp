#pragma once
// The rules a kernel's interface must follow before anything is generated from it, in one
// place for the spec reader and the ONNX compiler: every name a safe identifier
// (identifier.hpp), no two names the same but for case (VHDL and some file systems do not
// tell "X" from "x"), no stream named like the kernel, every stream's frame within the
// DMA's length register (C_SG_LENGTH_WIDTH bits), and all frames together within the
// contiguous DMA memory their buffers come from (core/dma_memory.hpp).
#include <cstddef>
#include <functional>
#include <string>

#include "zynqnn/spec/kernel_spec.hpp"

namespace zynqnn::spec {

// Where a name came from, for the error message: the spec's JSON pointer, the model input...
struct NameOrigins {
  std::string kernel;
  std::function<std::string(std::size_t stream_index)> stream;
};

// Throws zynqnn::Error(invalid_argument) naming the offending name, the rule and where the
// name came from. The compute function's name is the spec reader's own check.
void check_interface(const KernelSpec& spec, const NameOrigins& origins);

// The same with the generator's own wording of origins ("kernel", "stream 'x'"), for a spec
// built in code.
void check_interface(const KernelSpec& spec);

}  // namespace zynqnn::spec
