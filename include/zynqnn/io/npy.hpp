#pragma once
// NumPy .npy files (format versions 1.0, 2.0, 3.0): a small, strict reader and a writer.
// Supported: little-endian (or byte-sized) bool, int8..int64, uint8..uint64, float32,
// float64; C order (Fortran order only when it is the same layout: at most one dimension).
// The reader checks the magic, version, header dictionary (exactly descr, fortran_order and
// shape, Python-literal syntax), and that the data is exactly elements × itemsize bytes.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zynqnn::io {

struct NpyArray {
  std::string dtype;                 // NumPy name: "int32", "float32", "bool", ...
  std::vector<std::uint64_t> shape;  // () for a scalar
  std::vector<std::uint8_t> data;    // little-endian elements in C order

  std::size_t itemsize() const;      // bytes per element
  std::uint64_t elements() const;    // product of shape (1 for a scalar)
};

// Bytes per element of a supported dtype name; 0 when it is not supported.
std::size_t npy_itemsize(std::string_view dtype);

// Parses a whole .npy file. Throws zynqnn::Error: parse (malformed), unsupported (a valid
// file this reader does not handle: big-endian, Fortran order with 2+ dimensions, other
// dtypes), each with `origin` and the offending part.
NpyArray parse_npy(std::span<const std::uint8_t> bytes, std::string_view origin = "npy");
NpyArray load_npy(const std::filesystem::path& path);

// A .npy (format 1.0, header padded to 64 bytes) holding `array`. Throws invalid_argument
// when the data size does not match the shape and dtype.
std::vector<std::uint8_t> serialize_npy(const NpyArray& array);
void save_npy(const std::filesystem::path& path, const NpyArray& array);

}  // namespace zynqnn::io
