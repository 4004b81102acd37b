#include "zynqnn/compiler/npy.hpp"

#include <cstring>
#include <limits>

#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"

namespace zynqnn::compiler {

// The project's one .npy parser (zynqnn::io, fuzzed) reads the file; this only maps its dtype
// and shape onto a graph tensor.
graph::Tensor read_npy(const std::filesystem::path& path) {
  const std::string where = path.string();
  const io::NpyArray array = io::load_npy(path);
  graph::DType dtype = graph::DType::float32;
  if (array.dtype == "uint8") dtype = graph::DType::uint8;
  else if (array.dtype == "int8") dtype = graph::DType::int8;
  else if (array.dtype != "float32" && array.dtype != "float64")
    throw Error(ErrorCode::unsupported, "npy dtype " + array.dtype + " (float32, float64, uint8, int8 supported)", where);
  graph::Shape shape;
  for (const std::uint64_t d : array.shape) {
    if (d > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      throw Error(ErrorCode::invalid_argument, "dimension too large", where);
    shape.push_back(static_cast<std::int64_t>(d));
  }
  graph::Tensor t(dtype, shape);  // checks the shape's limits
  const auto count = static_cast<std::size_t>(t.size());
  if (array.dtype == "float64") {
    auto out = t.data<float>();
    for (std::size_t i = 0; i < count; ++i) {
      double v = 0;
      std::memcpy(&v, array.data.data() + i * 8, 8);
      out[i] = static_cast<float>(v);
    }
  } else {
    std::memcpy(t.bytes().data(), array.data.data(), count * array.itemsize());
  }
  return t;
}

}  // namespace zynqnn::compiler
