#pragma once
// Conversions between onnx::TensorProto and graph::Tensor, shared by the .pb reader and the
// ONNX importer. Private to the host libraries: the onnx headers stay out of public headers.
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "zynqnn/graph/tensor.hpp"

namespace zynqnn::io {

// The IR type of an ONNX TensorProto::DataType, or nullopt if the IR has none.
std::optional<graph::DType> dtype_from_onnx(int onnx_type);
std::string onnx_type_name(int onnx_type);
int onnx_type_from_dtype(graph::DType dtype);

// Checks the dimensions and the element count against the IR limits, then the payload size
// against the element count, and only then allocates. `where` names the tensor in errors.
// External data is read relative to `model_folder`; without one (a model read from bytes)
// it is refused, as there is nothing to resolve the location against.
graph::Tensor tensor_from_proto(const onnx::TensorProto& proto, std::string_view where,
                                const std::optional<std::filesystem::path>& model_folder = std::nullopt);
void tensor_to_proto(const graph::Tensor& tensor, onnx::TensorProto& proto);

}  // namespace zynqnn::io
