// The example Fashion-MNIST CNN, float and int8-quantized, on images it was not calibrated on.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "zynqnn/graph/executor.hpp"
#include "zynqnn/onnx/import.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::quant {
namespace {
namespace fs = std::filesystem;
using graph::Tensor;

const fs::path kDataset = "/usr/share/datasets/fashion-mnist";
const fs::path kModel = fs::path(ZYNQNN_SOURCE_DIR) / "examples" / "fashion_mnist" / "fashion_cnn.onnx";

// Reads `count` records of `record` bytes after a header of `header` bytes from an IDX .gz file.
std::vector<std::uint8_t> read_idx(const fs::path& path, std::size_t header, std::size_t record, std::size_t count) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw Error(ErrorCode::io, "cannot open", path.string());
  std::vector<std::uint8_t> bytes(header + record * count);
  const int got = gzread(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
  if (got != static_cast<int>(bytes.size())) throw Error(ErrorCode::parse, "short IDX file", path.string());
  return {bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end()};
}

Tensor image(const std::vector<std::uint8_t>& pixels, std::size_t index) {
  std::vector<float> v(784);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(pixels[index * 784 + i]) / 255.0F;
  return Tensor::from<float>({1, 1, 28, 28}, v);
}

std::size_t argmax(const Tensor& t) {
  const auto d = t.data<float>();
  return static_cast<std::size_t>(std::max_element(d.begin(), d.end()) - d.begin());
}

TEST(FashionMnist, Int8KeepsTheFloatAccuracy) {
  if (!fs::exists(kDataset / "t10k-images-idx3-ubyte.gz") || !fs::exists(kModel))
    GTEST_SKIP() << "needs Debian's dataset-fashion-mnist and " << kModel;
  constexpr std::size_t kCalibration = 64, kEvaluation = 300;
  const auto train = read_idx(kDataset / "train-images-idx3-ubyte.gz", 16, 784, kCalibration);
  const auto test = read_idx(kDataset / "t10k-images-idx3-ubyte.gz", 16, 784, kEvaluation);
  const auto labels = read_idx(kDataset / "t10k-labels-idx1-ubyte.gz", 8, 1, kEvaluation);

  const graph::Graph g = onnx_import::import_file(kModel);
  std::vector<graph::TensorMap> calibration;
  for (std::size_t i = 0; i < kCalibration; ++i) calibration.push_back({{g.inputs[0], image(train, i)}});
  const graph::Graph q = quantize_int8(g, calibration);

  const graph::Executor fexec(g), qexec(q);
  std::size_t float_right = 0, int8_right = 0, agree = 0;
  for (std::size_t i = 0; i < kEvaluation; ++i) {
    const graph::TensorMap in{{g.inputs[0], image(test, i)}};
    const std::size_t f = argmax(fexec.run(in).at(g.outputs[0]));
    const std::size_t k = argmax(qexec.run(in).at(q.outputs[0]));
    float_right += f == labels[i];
    int8_right += k == labels[i];
    agree += f == k;
  }
  const double n = kEvaluation;
  std::printf("fashion-mnist, %zu test images: float32 accuracy %.3f, int8 accuracy %.3f, agreement %.3f\n",
              kEvaluation, float_right / n, int8_right / n, agree / n);
  EXPECT_GE(float_right / n, 0.83);
  EXPECT_GE(int8_right / n, float_right / n - 0.02);
  EXPECT_GE(agree / n, 0.97);
}

}  // namespace
}  // namespace zynqnn::quant
