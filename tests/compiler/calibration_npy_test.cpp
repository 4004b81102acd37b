// Calibration inputs (.npy) go through the project's one .npy parser: the headers it refuses
// (a negative dimension, a duplicate key, an integer fortran_order, Fortran order itself) are
// refused here too, and float32/float64/int8/uint8 arrays come back with their shape.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <string>
#include <vector>

#include "zynqnn/compiler/npy.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;

fs::path write_npy(const std::string& name, std::string header, const std::string& data) {
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  const fs::path path = fs::temp_directory_path() / ("zynqnn-calib-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(static_cast<char>(header.size() & 0xFF));
  out.put(static_cast<char>(header.size() >> 8));
  out << header << data;
  return path;
}

std::string floats(std::vector<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

TEST(CalibrationNpy, ReadsAFloatArrayWithItsShape) {
  const auto path = write_npy("ok.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", floats({1, 2, 3, 4}));
  const graph::Tensor t = read_npy(path);
  EXPECT_EQ(t.shape(), (graph::Shape{2, 2}));
  EXPECT_EQ(t.data<float>()[3], 4.0F);
  fs::remove(path);
}

TEST(CalibrationNpy, RefusesHeadersTheNpyParserRefuses) {
  const std::string data = floats(std::vector<float>(16, 0.5F));
  const std::vector<std::pair<std::string, std::string>> hostile = {
      {"negative.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-16,), }"},
      {"duplicate.npy", "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (16,), }"},
      {"fortran_int.npy", "{'descr': '<f4', 'fortran_order': 1, 'shape': (16,), }"},
      {"fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (4, 4), }"},
  };
  for (const auto& [name, header] : hostile) {
    const auto path = write_npy(name, header, data);
    try {
      read_npy(path);
      ADD_FAILURE() << name << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.where(), path.string()) << name;
      EXPECT_TRUE(e.code() == ErrorCode::parse || e.code() == ErrorCode::unsupported) << name << ": " << e.what();
    }
    fs::remove(path);
  }
}

}  // namespace
}  // namespace zynqnn::compiler
