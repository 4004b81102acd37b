#include "zynqnn/io/npy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "zynqnn/core/error.hpp"

namespace zynqnn::io {
namespace {

std::vector<std::uint8_t> file_bytes(const std::string& name) {
  std::ifstream in(std::string(ZYNQNN_SOURCE_DIR) + "/fuzz/corpus/npy/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A .npy 1.0 with the given header text (padded as NumPy does) and data.
std::vector<std::uint8_t> npy(std::string header, const std::vector<std::uint8_t>& data, unsigned major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::vector<std::uint8_t> out{0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  out.push_back(static_cast<std::uint8_t>(header.size() & 0xFF));
  out.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  if (major > 1) {
    out.push_back(0);
    out.push_back(0);
  }
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

ErrorCode code_of(const std::vector<std::uint8_t>& bytes) {
  try {
    parse_npy(bytes, "t.npy");
  } catch (const Error& error) {
    EXPECT_EQ(error.where(), "t.npy");
    return error.code();
  }
  ADD_FAILURE() << "accepted";
  return ErrorCode::internal;
}

TEST(Npy, ReadsNumpyFiles) {
  const NpyArray a = parse_npy(file_bytes("int32_1024.npy"));
  EXPECT_EQ(a.dtype, "int32");
  EXPECT_EQ(a.shape, (std::vector<std::uint64_t>{1024}));
  ASSERT_EQ(a.data.size(), 4096u);
  std::int32_t first;
  std::memcpy(&first, a.data.data(), 4);
  EXPECT_EQ(first, -512);

  const NpyArray b = parse_npy(file_bytes("uint8_2x3.npy"));
  EXPECT_EQ(b.dtype, "uint8");
  EXPECT_EQ(b.shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(b.data, (std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5}));

  EXPECT_EQ(parse_npy(file_bytes("float32_v2.npy")).dtype, "float32");  // format 2.0
  const NpyArray scalar = parse_npy(file_bytes("scalar_f8.npy"));
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.elements(), 1u);
  EXPECT_EQ(parse_npy(file_bytes("fortran_1d.npy")).dtype, "int16");  // 1-D: same layout
  EXPECT_EQ(parse_npy(file_bytes("empty.npy")).elements(), 0u);
}

TEST(Npy, RoundTrips) {
  NpyArray a;
  a.dtype = "uint16";
  a.shape = {3, 2};
  a.data = {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0};
  const auto bytes = serialize_npy(a);
  EXPECT_EQ(bytes.size() % 64, 12u);  // header padded to 64, then the data
  const NpyArray back = parse_npy(bytes);
  EXPECT_EQ(back.dtype, a.dtype);
  EXPECT_EQ(back.shape, a.shape);
  EXPECT_EQ(back.data, a.data);
  a.shape = {7};
  EXPECT_THROW(serialize_npy(a), Error);
}

TEST(Npy, RefusesMalformedFiles) {
  const std::vector<std::uint8_t> four(4, 0);
  EXPECT_EQ(code_of({1, 2, 3}), ErrorCode::parse);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", four)), ErrorCode::parse);  // short
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", std::vector<std::uint8_t>(5))),
            ErrorCode::parse);  // trailing bytes
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1), }", four)), ErrorCode::parse);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False}", four)), ErrorCode::parse);  // no shape
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (1,)}", four)),
            ErrorCode::parse);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': 0, 'shape': (1,)}", four)), ErrorCode::parse);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (-1,)}", four)), ErrorCode::parse);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}", four)), ErrorCode::parse);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999,)}", four)),
            ErrorCode::parse);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16)}", four)),
            ErrorCode::parse);  // size overflows
  auto truncated = npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", four);
  truncated.resize(20);
  EXPECT_EQ(code_of(truncated), ErrorCode::parse);
}

TEST(Npy, NamesWhatItDoesNotSupport) {
  const std::vector<std::uint8_t> eight(8, 0);
  EXPECT_EQ(code_of(npy("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", eight)), ErrorCode::unsupported);
  EXPECT_EQ(code_of(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", eight)), ErrorCode::unsupported);
  EXPECT_EQ(code_of(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (1, 2), }", eight)), ErrorCode::unsupported);
  auto v9 = npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", eight);
  v9[6] = 9;
  EXPECT_EQ(code_of(v9), ErrorCode::unsupported);
}

TEST(Npy, FilesOnDisk) {
  const auto path = std::filesystem::temp_directory_path() / ("zynqnn_npy_test_" + std::to_string(::getpid()) + ".npy");
  NpyArray a;
  a.dtype = "float32";
  a.shape = {2};
  a.data = {0, 0, 128, 63, 0, 0, 0, 64};  // 1.0f, 2.0f
  save_npy(path, a);
  EXPECT_EQ(load_npy(path).data, a.data);
  std::filesystem::remove(path);
  EXPECT_THROW(load_npy(path), Error);
}

}  // namespace
}  // namespace zynqnn::io
