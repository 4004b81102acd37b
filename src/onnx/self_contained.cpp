// A model whose tensors live in external files, rewritten with them inline (raw_data).
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <fstream>
#include <iterator>

#include "io/tensor_proto_convert.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn::onnx_import {
namespace {
namespace fs = std::filesystem;

bool is_external(const onnx::TensorProto& t) {
  return t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0;
}

// Reads the tensor through the importer's checks and stores it back as raw_data.
bool make_inline(onnx::TensorProto& t, std::string_view where, const fs::path& folder) {
  if (!is_external(t)) return false;
  const graph::Tensor tensor = io::tensor_from_proto(t, where, folder);
  t.clear_external_data();
  t.clear_data_location();
  io::tensor_to_proto(tensor, t);
  return true;
}
}  // namespace

std::string read_model_self_contained(const fs::path& path, const ImportOptions& options) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw Error(ErrorCode::io, "cannot read: " + ec.message(), path.string());
  if (size > options.max_file_bytes || size > static_cast<std::uintmax_t>(INT_MAX))
    throw Error(ErrorCode::parse, fmt::format("model of {} bytes is above the limit", size), path.string());
  std::ifstream file(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!file || !file.read(bytes.data(), static_cast<std::streamsize>(size)))
    throw Error(ErrorCode::io, "cannot read", path.string());
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    throw Error(ErrorCode::parse, "not a valid ONNX model (protobuf parse failed)", path.string());

  const fs::path folder = path.parent_path();
  const std::string where = path.string();
  bool changed = false;
  auto* graph = model.mutable_graph();
  for (auto& init : *graph->mutable_initializer())
    changed |= make_inline(init, where + ": initializer", folder);
  for (auto& node : *graph->mutable_node())
    for (auto& a : *node.mutable_attribute())
      if (a.has_t())
        changed |= make_inline(*a.mutable_t(), fmt::format("attribute {} of node {}", a.name(), node.name()), folder);
  if (!changed) return bytes;
  std::string out;
  if (!model.SerializeToString(&out))
    throw Error(ErrorCode::parse, "the model with its external data inline is above protobuf's 2 GiB limit",
                path.string());
  return out;
}

}  // namespace zynqnn::onnx_import
