#include "zynqnn/io/tensor_proto.hpp"

#include <fmt/format.h>

#include <climits>
#include <fstream>

#include "io/external_data.hpp"
#include "io/tensor_proto_convert.hpp"

namespace zynqnn::io {
namespace {
using graph::DType;
using graph::Tensor;

template <class Field>
void require_count(const Field& field, std::int64_t count, std::string_view field_name, std::string_view where) {
  if (static_cast<std::int64_t>(field.size()) != count)
    throw Error(ErrorCode::parse,
                fmt::format("{} holds {} values for {} elements", field_name, field.size(), count),
                std::string(where));
}

template <class T, class Field>
void copy_field(const Field& field, Tensor& tensor) {
  auto out = tensor.data<T>();
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(field[static_cast<int>(i)]);
}
}  // namespace

std::optional<DType> dtype_from_onnx(int onnx_type) {
  switch (onnx_type) {
    case onnx::TensorProto::FLOAT: return DType::float32;
    case onnx::TensorProto::UINT8: return DType::uint8;
    case onnx::TensorProto::INT8: return DType::int8;
    case onnx::TensorProto::UINT16: return DType::uint16;
    case onnx::TensorProto::INT16: return DType::int16;
    case onnx::TensorProto::INT32: return DType::int32;
    case onnx::TensorProto::INT64: return DType::int64;
    case onnx::TensorProto::BOOL: return DType::boolean;
    default: return std::nullopt;
  }
}

std::string onnx_type_name(int onnx_type) {
  if (onnx::TensorProto::DataType_IsValid(onnx_type))
    return onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(onnx_type));
  return fmt::format("element type {}", onnx_type);
}

int onnx_type_from_dtype(DType dtype) {
  switch (dtype) {
    case DType::float32: return onnx::TensorProto::FLOAT;
    case DType::uint8: return onnx::TensorProto::UINT8;
    case DType::int8: return onnx::TensorProto::INT8;
    case DType::uint16: return onnx::TensorProto::UINT16;
    case DType::int16: return onnx::TensorProto::INT16;
    case DType::int32: return onnx::TensorProto::INT32;
    case DType::int64: return onnx::TensorProto::INT64;
    case DType::boolean: return onnx::TensorProto::BOOL;
  }
  return onnx::TensorProto::UNDEFINED;
}

namespace {
// Raw little-endian bytes (raw_data or an external file) into a tensor of checked size.
Tensor tensor_from_raw(DType dtype, const graph::Shape& shape, std::int64_t count, std::string_view raw,
                       std::string_view field, const std::string& here) {
  const std::size_t size = graph::dtype_size(dtype);
  if (raw.size() != static_cast<std::size_t>(count) * size)
    throw Error(ErrorCode::parse,
                fmt::format("{} has {} bytes, {} elements of {} need {}", field, raw.size(), count,
                            graph::to_string(dtype), static_cast<std::size_t>(count) * size),
                here);
  Tensor tensor(dtype, shape);
  if (!raw.empty()) std::memcpy(tensor.bytes().data(), raw.data(), raw.size());  // little-endian hosts
  if (dtype == DType::boolean)
    for (auto& b : tensor.bytes()) b = b != std::byte{0} ? std::byte{1} : std::byte{0};
  return tensor;
}
}  // namespace

Tensor tensor_from_proto(const onnx::TensorProto& proto, std::string_view where,
                         const std::optional<std::filesystem::path>& model_folder) {
  const std::string here = fmt::format("{} '{}'", where, proto.name());
  const bool external = proto.data_location() == onnx::TensorProto::EXTERNAL || proto.external_data_size() > 0;
  if (external && !model_folder)
    throw Error(ErrorCode::unsupported,
                "tensor data stored in an external file, and no model folder to resolve its location against "
                "(read from bytes)",
                here);
  if (proto.has_segment()) throw Error(ErrorCode::unsupported, "segmented tensor", here);
  const auto dtype = dtype_from_onnx(proto.data_type());
  if (!dtype)
    throw Error(ErrorCode::unsupported, fmt::format("element type {}", onnx_type_name(proto.data_type())), here);
  graph::Shape shape(proto.dims().begin(), proto.dims().end());
  const std::int64_t count = graph::element_count(shape, here);  // before any allocation
  const std::size_t size = graph::dtype_size(*dtype);
  if (external) {
    if (proto.has_raw_data() || proto.float_data_size() > 0 || proto.int32_data_size() > 0 ||
        proto.int64_data_size() > 0)
      throw Error(ErrorCode::parse, "tensor has both external data and inline data", here);
    const std::string data =
        read_external_data(proto, *model_folder, static_cast<std::size_t>(count) * size, here);
    return tensor_from_raw(*dtype, shape, count, data, "external data", here);
  }
  if (proto.has_raw_data()) return tensor_from_raw(*dtype, shape, count, proto.raw_data(), "raw_data", here);
  // The typed field must hold exactly one value per element, checked before the tensor is
  // allocated: a few bytes of dims may declare a billion elements.
  switch (*dtype) {
    case DType::float32: require_count(proto.float_data(), count, "float_data", here); break;
    case DType::int64: require_count(proto.int64_data(), count, "int64_data", here); break;
    default: require_count(proto.int32_data(), count, "int32_data", here); break;
  }
  Tensor tensor(*dtype, shape);
  switch (*dtype) {
    case DType::float32: copy_field<float>(proto.float_data(), tensor); break;
    case DType::int64: copy_field<std::int64_t>(proto.int64_data(), tensor); break;
    case DType::uint8: copy_field<std::uint8_t>(proto.int32_data(), tensor); break;
    case DType::int8: copy_field<std::int8_t>(proto.int32_data(), tensor); break;
    case DType::uint16: copy_field<std::uint16_t>(proto.int32_data(), tensor); break;
    case DType::int16: copy_field<std::int16_t>(proto.int32_data(), tensor); break;
    case DType::int32: copy_field<std::int32_t>(proto.int32_data(), tensor); break;
    case DType::boolean: {
      auto out = tensor.data<bool>();
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = proto.int32_data(static_cast<int>(i)) != 0;
      break;
    }
  }
  return tensor;
}

void tensor_to_proto(const Tensor& tensor, onnx::TensorProto& proto) {
  proto.set_data_type(onnx_type_from_dtype(tensor.dtype()));
  proto.clear_dims();
  for (const auto d : tensor.shape()) proto.add_dims(d);
  proto.set_raw_data(reinterpret_cast<const char*>(tensor.bytes().data()), tensor.bytes().size());
}

NamedTensor parse_tensor_proto(std::span<const std::byte> bytes, std::string_view source) {
  if (bytes.size() > kMaxTensorFileBytes || bytes.size() > static_cast<std::size_t>(INT_MAX))
    throw Error(ErrorCode::parse, fmt::format("{} bytes is above the limit", bytes.size()), std::string(source));
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw Error(ErrorCode::parse, "not a valid TensorProto (protobuf parse failed)", std::string(source));
  return {proto.name(), tensor_from_proto(proto, source.empty() ? "tensor" : source)};
}

NamedTensor read_tensor_proto_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::io, "cannot read: " + ec.message(), path.string());
  if (size > kMaxTensorFileBytes)
    throw Error(ErrorCode::parse, fmt::format("file of {} bytes is above the limit", size), path.string());
  std::ifstream file(path, std::ios::binary);
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  if (!file || !file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    throw Error(ErrorCode::io, "cannot read", path.string());
  return parse_tensor_proto(bytes, path.string());
}

void write_tensor_proto_file(const std::filesystem::path& path, const std::string& name, const Tensor& tensor) {
  onnx::TensorProto proto;
  proto.set_name(name);
  tensor_to_proto(tensor, proto);
  std::ofstream file(path, std::ios::binary);
  if (!file || !proto.SerializeToOstream(&file)) throw Error(ErrorCode::io, "cannot write", path.string());
}

}  // namespace zynqnn::io
