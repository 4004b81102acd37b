#pragma once
// ONNX import: a ModelProto becomes a graph::Graph with every shape inferred, constants
// folded, Identity/Dropout removed, BatchNormalization folded into the preceding Conv/Gemm
// (or kept as a ChannelAffine), Conv+Add merged into the Conv bias and 2-D MatMul(+Add) with a
// constant weight turned into Gemm. docs/onnx.md lists operators, attributes and errors.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "zynqnn/graph/graph.hpp"

namespace zynqnn::onnx_import {

struct ImportOptions {
  // Value given to symbolic dimensions (dim_param, e.g. a batch "N"); negative: refuse them.
  std::int64_t symbolic_dim_value = 1;
  bool fold_constants = true;  // evaluate nodes whose inputs are all constants
  bool optimize = true;        // the fusions above; off keeps the model's nodes one to one
  // false keeps DequantizeLinear of constants as nodes, so the compiler sees the quantization
  // of a QDQ model's weights (compiler::strip_qdq folds them itself).
  bool fold_dequantize = true;
  std::uintmax_t max_file_bytes = std::uintmax_t{1} << 30;
};

// Throws io (unreadable), parse (malformed protobuf or graph), invalid_argument (inconsistent
// shapes, cycles, huge dimensions) or unsupported ("unsupported: <op> (<why>) at node <name>").
graph::Graph import_file(const std::filesystem::path& path, const ImportOptions& options = {});
graph::Graph import_bytes(std::span<const std::byte> bytes, const ImportOptions& options = {},
                          std::string_view source = "model");

// The model file's bytes with every tensor stored in an external file moved inline, read and
// checked as import_file reads them; the bytes unchanged when there is none. A compiled
// folder keeps this one self-contained model.onnx.
std::string read_model_self_contained(const std::filesystem::path& path, const ImportOptions& options = {});

}  // namespace zynqnn::onnx_import
