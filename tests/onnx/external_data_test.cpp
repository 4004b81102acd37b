// Models whose weights live in a file next to them (TensorProto data_location = EXTERNAL):
// the same tensors as the inline model, and a clear refusal of every location or range that
// would read outside the data file or the model's folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "model_builder.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/onnx/import.hpp"

namespace zynqnn {
namespace {
using graph::Tensor;
using testing::ModelBuilder;
namespace fs = std::filesystem;

// x[1,4] -> Gemm(W[3,4], B[3], transB) -> y[1,3]
ModelBuilder gemm_model() {
  ModelBuilder m;
  m.input("x", {1, 4}).output("y", {1, 3});
  m.initializer("W", {3, 4}, {1, 2, 3, 4, -1, -2, -3, -4, 0.5F, 0.25F, 0.125F, 8});
  m.initializer("B", {3}, {0.5F, -0.5F, 2});
  ModelBuilder::attr_int(m.node("Gemm", {"x", "W", "B"}, {"y"}, "gemm"), "transB", 1);
  return m;
}

void set_entry(onnx::TensorProto& t, const std::string& key, const std::string& value) {
  auto* e = t.add_external_data();
  e->set_key(key);
  e->set_value(value);
}

// A fresh folder per test, removed afterwards.
class ExternalData : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("zynqnn_external_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "model");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path model_dir() const { return dir_ / "model"; }

  // Moves every initializer's values into `data_file` (relative to the model's folder, in
  // order, 16 bytes of padding in front as torch leaves none but offsets must be honoured),
  // writes the model and returns its path.
  fs::path write_external(ModelBuilder&& m, const std::string& data_file = "model.onnx.data") {
    return write_external(m, data_file);
  }
  fs::path write_external(ModelBuilder& m, const std::string& data_file = "model.onnx.data") {
    std::string blob(16, '\x7f');
    for (auto& t : *m.proto().mutable_graph()->mutable_initializer()) {
      const std::string bytes(reinterpret_cast<const char*>(t.float_data().data()),
                              static_cast<std::size_t>(t.float_data_size()) * sizeof(float));
      t.clear_float_data();
      t.set_data_location(onnx::TensorProto::EXTERNAL);
      set_entry(t, "location", data_file);
      set_entry(t, "offset", std::to_string(blob.size()));
      set_entry(t, "length", std::to_string(bytes.size()));
      blob += bytes;
    }
    std::ofstream(model_dir() / data_file, std::ios::binary) << blob;
    return write_model(m);
  }

  fs::path write_model(ModelBuilder& m) {
    const fs::path path = model_dir() / "model.onnx";
    std::ofstream out(path, std::ios::binary);
    m.proto().SerializeToOstream(&out);
    return path;
  }

  // The message of the error importing `path`, which must fail.
  static std::string import_error(const fs::path& path) {
    try {
      (void)onnx_import::import_file(path);
    } catch (const Error& e) {
      return e.where() + ": " + e.message();
    }
    ADD_FAILURE() << "import of " << path << " succeeded";
    return {};
  }

  // The model with W's external_data entries replaced by `entries` (key, value pairs).
  fs::path with_w_entries(std::vector<std::pair<std::string, std::string>> entries) {
    ModelBuilder m = gemm_model();
    write_external(m);  // writes the data file
    auto& w = (*m.proto().mutable_graph()->mutable_initializer())[0];
    w.clear_external_data();
    for (const auto& [k, v] : entries) set_entry(w, k, v);
    return write_model(m);
  }

  fs::path dir_;
};

bool same_tensor(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && std::ranges::equal(a.bytes(), b.bytes());
}

TEST_F(ExternalData, ImportsTheSameTensorsAsTheInlineModel) {
  onnx_import::ImportOptions keep;
  keep.optimize = false;
  keep.fold_constants = false;
  const graph::Graph inline_graph = onnx_import::import_bytes(gemm_model().bytes(), keep);
  const graph::Graph external_graph = onnx_import::import_file(write_external(gemm_model()), keep);
  for (const std::string name : {"W", "B"}) {
    const auto* a = inline_graph.find(name);
    const auto* b = external_graph.find(name);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    ASSERT_TRUE(a->constant && b->constant) << name;
    EXPECT_TRUE(same_tensor(*a->constant, *b->constant)) << name;
  }
  EXPECT_FLOAT_EQ(external_graph.find("W")->constant->data<float>()[11], 8.0F);

  const graph::TensorMap in{{"x", Tensor::from<float>({1, 4}, {1, -1, 2, 0.5F})}};
  const Tensor y_inline = graph::Executor(inline_graph).run(in).at("y");
  const Tensor y_external = graph::Executor(external_graph).run(in).at("y");
  EXPECT_TRUE(same_tensor(y_inline, y_external));
  EXPECT_FLOAT_EQ(y_external.data<float>()[0], 1 - 2 + 6 + 2 + 0.5F);
}

TEST_F(ExternalData, LengthMayBeOmittedAndDataMayLiveInASubfolder) {
  fs::create_directories(model_dir() / "weights");
  ModelBuilder m = gemm_model();
  write_external(m, "weights/all.bin");
  // B is last in the file: without a length it runs to the end of the file.
  auto& b = (*m.proto().mutable_graph()->mutable_initializer())[1];
  ASSERT_EQ(b.external_data(2).key(), "length");
  b.mutable_external_data()->RemoveLast();
  const graph::Graph g = onnx_import::import_file(write_model(m));
  const Tensor y = graph::Executor(g).run({{"x", Tensor::from<float>({1, 4}, {1, 0, 0, 0})}}).at("y");
  EXPECT_FLOAT_EQ(y.data<float>()[1], -1 - 0.5F);
  EXPECT_FLOAT_EQ(y.data<float>()[2], 0.5F + 2);
}

TEST_F(ExternalData, ABufferWithoutAPathIsRefused) {
  ModelBuilder m = gemm_model();
  const fs::path path = write_external(m);
  std::ifstream in(path, std::ios::binary);
  const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(s.size());
  std::memcpy(bytes.data(), s.data(), s.size());
  try {
    (void)onnx_import::import_bytes(bytes);
    FAIL() << "import succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::unsupported);
    EXPECT_NE(e.message().find("tensor data stored in an external file"), std::string::npos) << e.message();
    EXPECT_NE(e.where().find("'W'"), std::string::npos) << e.where();
  }
}

TEST_F(ExternalData, AnAbsoluteLocationIsRefused) {
  const std::string abs = (model_dir() / "model.onnx.data").string();
  const std::string msg = import_error(with_w_entries({{"location", abs}, {"offset", "16"}, {"length", "48"}}));
  EXPECT_NE(msg.find("location '" + abs + "' is absolute"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'W'"), std::string::npos) << msg;
}

TEST_F(ExternalData, ALocationLeavingTheFolderIsRefused) {
  write_external(gemm_model());
  fs::copy_file(model_dir() / "model.onnx.data", dir_ / "outside.data");
  const std::string msg = import_error(with_w_entries({{"location", "../outside.data"}, {"offset", "16"}}));
  EXPECT_NE(msg.find("location '../outside.data' leaves the model's folder"), std::string::npos) << msg;
  const std::string inner = import_error(with_w_entries({{"location", "sub/../../outside.data"}}));
  EXPECT_NE(inner.find("leaves the model's folder"), std::string::npos) << inner;
}

TEST_F(ExternalData, ASymlinkOutOfTheFolderIsRefused) {
  write_external(gemm_model());
  fs::copy_file(model_dir() / "model.onnx.data", dir_ / "outside.data");
  fs::create_symlink(dir_ / "outside.data", model_dir() / "link.data");
  const std::string msg = import_error(with_w_entries({{"location", "link.data"}, {"offset", "16"}, {"length", "48"}}));
  EXPECT_NE(msg.find("link.data"), std::string::npos) << msg;
  EXPECT_NE(msg.find("outside the model's folder"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'W'"), std::string::npos) << msg;
}

TEST_F(ExternalData, ASymlinkInsideTheFolderIsAccepted) {
  write_external(gemm_model());
  fs::create_symlink("model.onnx.data", model_dir() / "link.data");
  const fs::path path = with_w_entries({{"location", "link.data"}, {"offset", "16"}, {"length", "48"}});
  const graph::Graph g = onnx_import::import_file(path);
  ASSERT_NE(g.find("W"), nullptr);
  EXPECT_FLOAT_EQ(g.find("W")->constant->data<float>()[11], 8.0F);
}

TEST_F(ExternalData, AMissingFileIsRefused) {
  const std::string msg = import_error(with_w_entries({{"location", "nowhere.data"}}));
  EXPECT_NE(msg.find("nowhere.data' is missing"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'W'"), std::string::npos) << msg;
}

TEST_F(ExternalData, RangesOutsideTheFileAreRefused) {
  // The data file holds 16 + 48 + 12 = 76 bytes.
  const std::string past = import_error(with_w_entries({{"location", "model.onnx.data"}, {"offset", "77"}}));
  EXPECT_NE(past.find("offset 77 is past the end of"), std::string::npos) << past;
  EXPECT_NE(past.find("(76 bytes)"), std::string::npos) << past;
  const std::string longer =
      import_error(with_w_entries({{"location", "model.onnx.data"}, {"offset", "64"}, {"length", "48"}}));
  EXPECT_NE(longer.find("offset 64 + length 48 is past the end"), std::string::npos) << longer;
  const std::string huge = import_error(
      with_w_entries({{"location", "model.onnx.data"}, {"offset", "16"}, {"length", "18446744073709551615"}}));
  EXPECT_NE(huge.find("is past the end"), std::string::npos) << huge;
  const std::string garbage = import_error(with_w_entries({{"location", "model.onnx.data"}, {"offset", "-1"}}));
  EXPECT_NE(garbage.find("offset '-1' is not a byte count"), std::string::npos) << garbage;
}

TEST_F(ExternalData, ALengthDisagreeingWithTheDimsIsRefused) {
  const std::string msg =
      import_error(with_w_entries({{"location", "model.onnx.data"}, {"offset", "16"}, {"length", "44"}}));
  EXPECT_NE(msg.find("has 44 bytes, the tensor's dims need 48"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'W'"), std::string::npos) << msg;
}

TEST_F(ExternalData, NoLocationIsRefused) {
  const std::string msg = import_error(with_w_entries({{"offset", "16"}}));
  EXPECT_NE(msg.find("external data has no location"), std::string::npos) << msg;
}

TEST_F(ExternalData, TheSelfContainedModelHoldsTheDataInline) {
  const fs::path path = write_external(gemm_model());
  const std::string bytes = onnx_import::read_model_self_contained(path);
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString(bytes));
  for (const auto& t : model.graph().initializer()) {
    EXPECT_EQ(t.external_data_size(), 0) << t.name();
    EXPECT_NE(t.data_location(), onnx::TensorProto::EXTERNAL) << t.name();
  }
  std::vector<std::byte> raw(bytes.size());
  std::memcpy(raw.data(), bytes.data(), bytes.size());
  const graph::Graph from_bytes = onnx_import::import_bytes(raw);
  const graph::Graph from_file = onnx_import::import_file(path);
  const graph::TensorMap in{{"x", Tensor::from<float>({1, 4}, {3, 1, -2, 1})}};
  EXPECT_TRUE(same_tensor(graph::Executor(from_bytes).run(in).at("y"), graph::Executor(from_file).run(in).at("y")));

  // Without external data the file's bytes come back unchanged.
  ModelBuilder plain = gemm_model();
  const fs::path plain_path = write_model(plain);
  EXPECT_EQ(onnx_import::read_model_self_contained(plain_path), plain.proto().SerializeAsString());
}

TEST_F(ExternalData, TheSelfContainedModelRefusesWhatImportRefuses) {
  const fs::path path = with_w_entries({{"location", "../outside.data"}});
  try {
    (void)onnx_import::read_model_self_contained(path);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("leaves the model's folder"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace zynqnn
