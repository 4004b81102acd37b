#include "zynqnn/graph/tensor.hpp"

#include <fmt/format.h>

namespace zynqnn::graph {

std::string_view to_string(DType dtype) noexcept {
  switch (dtype) {
    case DType::float32: return "float32";
    case DType::uint8: return "uint8";
    case DType::int8: return "int8";
    case DType::uint16: return "uint16";
    case DType::int16: return "int16";
    case DType::int32: return "int32";
    case DType::int64: return "int64";
    case DType::boolean: return "bool";
  }
  return "unknown";
}

std::size_t dtype_size(DType dtype) noexcept {
  switch (dtype) {
    case DType::float32: return 4;
    case DType::uint8: case DType::int8: case DType::boolean: return 1;
    case DType::uint16: case DType::int16: return 2;
    case DType::int32: return 4;
    case DType::int64: return 8;
  }
  return 1;
}

bool is_integer(DType dtype) noexcept { return dtype != DType::float32 && dtype != DType::boolean; }

std::int64_t element_count(const Shape& shape, std::string_view where) {
  if (shape.size() > kMaxRank)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("rank {} is above the limit {}", shape.size(), kMaxRank),
                std::string(where));
  std::int64_t count = 1;
  for (const std::int64_t dim : shape) {
    if (dim < 0 || dim > kMaxDimension)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("dimension {} of shape {} is outside 0..{}", dim,
                              shape_to_string(shape), kMaxDimension),
                  std::string(where));
    if (dim != 0 && count > kMaxElements / dim)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("shape {} has more than {} elements", shape_to_string(shape),
                              kMaxElements),
                  std::string(where));
    count *= dim;
  }
  return count;
}

std::string shape_to_string(const Shape& shape) { return fmt::format("[{}]", fmt::join(shape, ",")); }

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)), size_(element_count(shape_, "tensor")) {
  bytes_.assign(static_cast<std::size_t>(size_) * dtype_size(dtype_), std::byte{0});
}

void Tensor::check_type(DType wanted) const {
  if (wanted != dtype_)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("tensor holds {}, read as {}", to_string(dtype_), to_string(wanted)));
}

Tensor Tensor::reshaped(Shape shape) const {
  if (element_count(shape, "reshape") != size_)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("cannot view {} as {}", shape_to_string(shape_), shape_to_string(shape)));
  Tensor copy = *this;
  copy.shape_ = std::move(shape);
  return copy;
}

namespace {
template <class Out>
std::vector<Out> convert_all(const Tensor& tensor) {
  std::vector<Out> out(static_cast<std::size_t>(tensor.size()));
  auto fill = [&](auto span) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<Out>(span[i]);
  };
  switch (tensor.dtype()) {
    case DType::float32: fill(tensor.data<float>()); break;
    case DType::uint8: fill(tensor.data<std::uint8_t>()); break;
    case DType::int8: fill(tensor.data<std::int8_t>()); break;
    case DType::uint16: fill(tensor.data<std::uint16_t>()); break;
    case DType::int16: fill(tensor.data<std::int16_t>()); break;
    case DType::int32: fill(tensor.data<std::int32_t>()); break;
    case DType::int64: fill(tensor.data<std::int64_t>()); break;
    case DType::boolean: fill(tensor.data<bool>()); break;
  }
  return out;
}
}  // namespace

std::vector<double> Tensor::to_doubles() const { return convert_all<double>(*this); }

std::vector<std::int64_t> Tensor::to_int64s() const {
  if (dtype_ == DType::float32)
    throw Error(ErrorCode::invalid_argument, "float32 tensor where integers are expected");
  return convert_all<std::int64_t>(*this);
}

}  // namespace zynqnn::graph
