#pragma once
// ONNX TensorProto files (.pb), the format of the ONNX backend test data
// (test_data_set_N/input_M.pb, output_M.pb).
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "zynqnn/graph/tensor.hpp"

namespace zynqnn::io {

struct NamedTensor {
  std::string name;
  graph::Tensor tensor;
};

// Largest .pb file read: sizes are checked before anything is allocated.
inline constexpr std::uintmax_t kMaxTensorFileBytes = std::uintmax_t{1} << 30;

// Throws io (cannot read), parse (not a TensorProto, sizes disagree) or unsupported
// (element type, external data).
NamedTensor read_tensor_proto_file(const std::filesystem::path& path);
NamedTensor parse_tensor_proto(std::span<const std::byte> bytes, std::string_view source);

void write_tensor_proto_file(const std::filesystem::path& path, const std::string& name,
                             const graph::Tensor& tensor);

}  // namespace zynqnn::io
