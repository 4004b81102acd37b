#pragma once
// Tensors of the graph IR: an element type, a shape and (for constants and executor values)
// the elements themselves, stored densely in row-major order.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zynqnn/core/error.hpp"

namespace zynqnn::graph {

enum class DType : std::uint8_t { float32, uint8, int8, uint16, int16, int32, int64, boolean };

std::string_view to_string(DType dtype) noexcept;
std::size_t dtype_size(DType dtype) noexcept;
bool is_integer(DType dtype) noexcept;

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::float32; }
template <> constexpr DType dtype_of<std::uint8_t>() { return DType::uint8; }
template <> constexpr DType dtype_of<std::int8_t>() { return DType::int8; }
template <> constexpr DType dtype_of<std::uint16_t>() { return DType::uint16; }
template <> constexpr DType dtype_of<std::int16_t>() { return DType::int16; }
template <> constexpr DType dtype_of<std::int32_t>() { return DType::int32; }
template <> constexpr DType dtype_of<std::int64_t>() { return DType::int64; }
template <> constexpr DType dtype_of<bool>() { return DType::boolean; }

using Shape = std::vector<std::int64_t>;

// Limits applied to every shape that reaches the IR, before anything is allocated: a model
// that asks for more is refused, not attempted.
inline constexpr std::size_t kMaxRank = 8;
inline constexpr std::int64_t kMaxDimension = std::int64_t{1} << 31;
inline constexpr std::int64_t kMaxElements = std::int64_t{1} << 28;  // 1 GiB of float32

// Number of elements of `shape`; throws invalid_argument (naming `where`) for negative or
// huge dimensions, too many dimensions, or a product above kMaxElements.
std::int64_t element_count(const Shape& shape, std::string_view where);
std::string shape_to_string(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled; the shape is checked against the limits first.
  Tensor(DType dtype, Shape shape);

  template <class T>
  static Tensor from(Shape shape, const std::vector<T>& values) {
    Tensor tensor(dtype_of<T>(), std::move(shape));
    if (static_cast<std::size_t>(tensor.size()) != values.size())
      throw Error(ErrorCode::invalid_argument,
                  "tensor of shape " + shape_to_string(tensor.shape()) + " given " +
                      std::to_string(values.size()) + " values");
    if (!values.empty()) std::memcpy(tensor.bytes_.data(), values.data(), tensor.bytes_.size());
    return tensor;
  }
  template <class T>
  static Tensor scalar(T value) { return from<T>({}, {value}); }

  DType dtype() const noexcept { return dtype_; }
  const Shape& shape() const noexcept { return shape_; }
  std::size_t rank() const noexcept { return shape_.size(); }
  std::int64_t size() const noexcept { return size_; }
  std::span<std::byte> bytes() noexcept { return bytes_; }
  std::span<const std::byte> bytes() const noexcept { return bytes_; }

  // Typed views; throw invalid_argument if T is not the tensor's element type.
  template <class T>
  std::span<T> data() {
    check_type(dtype_of<T>());
    return {reinterpret_cast<T*>(bytes_.data()), static_cast<std::size_t>(size_)};
  }
  template <class T>
  std::span<const T> data() const {
    check_type(dtype_of<T>());
    return {reinterpret_cast<const T*>(bytes_.data()), static_cast<std::size_t>(size_)};
  }

  // Same elements, another shape with the same element count.
  Tensor reshaped(Shape shape) const;
  // Elements converted to double / int64 (for attributes given as tensors: shapes, bounds).
  std::vector<double> to_doubles() const;
  std::vector<std::int64_t> to_int64s() const;

 private:
  void check_type(DType wanted) const;

  DType dtype_ = DType::float32;
  Shape shape_;
  std::int64_t size_ = 1;
  std::vector<std::byte> bytes_ = std::vector<std::byte>(sizeof(float));
};

}  // namespace zynqnn::graph
