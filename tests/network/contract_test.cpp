// network.json: written and read back whole, and refused with a clear error (never a crash)
// when it is malformed, inconsistent, or its tensor files are missing or wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "network_test_support.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"

namespace zynqnn::network {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A written sample contract whose JSON the tests then change.
struct Written {
  explicit Written(const std::string& name) : dir(testing::fresh_folder(name)) {
    NetworkContract c = testing::sample_contract(Precision::parse("int8"));
    c.ps_after_pl[0].attributes["alpha"] = 0.5F;
    c.ps_after_pl[0].attributes["perm"] = std::vector<std::int64_t>{0, 2, 3, 1};
    c.ps_after_pl[0].attributes["bounds"] = std::vector<float>{-INFINITY, 1.5F};
    c.ps_after_pl[0].attributes["mode"] = std::string("constant");
    c.ps_after_pl[0].attributes["value"] = graph::Tensor::from<std::int64_t>({2}, {7, -9});
    write_contract(c, dir);
    text = read_text(dir / kContractFile);
  }
  ~Written() { fs::remove_all(dir); }
  NetworkContract parse(const std::string& changed) const { return parse_contract(changed, dir, "network.json"); }
  NetworkContract parse(const json& changed) const { return parse(changed.dump()); }
  fs::path dir;
  std::string text;
};

// The error `body` throws; fails the test when it throws none.
template <class Body>
Error error_of(Body&& body) {
  try {
    body();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ErrorCode::internal, "no error");
}

TEST(NetworkContract, ReadsBackWhatWasWritten) {
  Written w("roundtrip");
  const NetworkContract c = read_contract(w.dir);
  const NetworkContract e = testing::sample_contract(Precision::parse("int8"));
  EXPECT_EQ(c.kernel, "loop");
  EXPECT_EQ(c.precision.name(), "int8");
  ASSERT_EQ(c.inputs.size(), 1U);
  EXPECT_EQ(c.inputs[0].name, "x");
  EXPECT_EQ(*c.inputs[0].shape, testing::kImage);
  ASSERT_EQ(c.ps_before_pl.size(), 2U);
  EXPECT_EQ(c.ps_before_pl[1].op, "Add");
  EXPECT_EQ(c.ps_before_pl[1].inputs, (std::vector<std::string>{"r", "bias"}));
  ASSERT_TRUE(c.uses_pl);
  ASSERT_EQ(c.pl_inputs.size(), 1U);
  EXPECT_EQ(c.pl_inputs[0].order.channels_major, 2);
  EXPECT_EQ(c.pl_inputs[0].order.pixels_major, 4);
  EXPECT_FLOAT_EQ(c.pl_inputs[0].scale, 0.5F);
  ASSERT_EQ(c.constants.size(), 2U);
  EXPECT_EQ(c.constants.at("bias").shape(), (graph::Shape{1, 2, 1, 1}));
  EXPECT_FLOAT_EQ(c.constants.at("bias").data<float>()[1], -1.0F);
  EXPECT_EQ(c.constants.at("two").rank(), 0U);
  const graph::Node& mul = c.ps_after_pl[0];
  EXPECT_FLOAT_EQ(mul.get_float("alpha", 0), 0.5F);
  EXPECT_EQ(mul.get_ints("perm", {}), (std::vector<std::int64_t>{0, 2, 3, 1}));
  EXPECT_TRUE(std::isinf(mul.get_floats("bounds", {})[0]));
  EXPECT_EQ(mul.get_string("mode", ""), "constant");
  ASSERT_NE(mul.get_tensor("value"), nullptr);
  EXPECT_EQ(mul.get_tensor("value")->data<std::int64_t>()[1], -9);
  EXPECT_EQ(e.pl_outputs[0].value, c.pl_outputs[0].value);
}

TEST(NetworkContract, AMissingFileOrMalformedJsonNamesTheFile) {
  const auto dir = testing::fresh_folder("missing");
  Error e = error_of([&] { read_contract(dir); });
  EXPECT_EQ(e.code(), ErrorCode::io);
  EXPECT_NE(e.where().find("network.json"), std::string::npos);
  Written w("malformed");
  e = error_of([&] { w.parse(w.text.substr(0, w.text.size() / 2)); });
  EXPECT_EQ(e.code(), ErrorCode::parse);
  EXPECT_EQ(e.where(), "network.json");
  fs::remove_all(dir);
}

TEST(NetworkContract, AMissingOrMistypedFieldIsNamed) {
  Written w("fields");
  json doc = json::parse(w.text);
  doc["pl"]["inputs"][0].erase("scale");
  Error e = error_of([&] { w.parse(doc); });
  EXPECT_EQ(e.code(), ErrorCode::parse);
  EXPECT_NE(std::string(e.what()).find("pl.inputs[0].scale"), std::string::npos) << e.what();

  doc = json::parse(w.text);
  doc["pl"]["outputs"][0]["host_packing"]["pe"] = "four";
  e = error_of([&] { w.parse(doc); });
  EXPECT_NE(std::string(e.what()).find("pl.outputs[0].host_packing.pe"), std::string::npos) << e.what();

  doc = json::parse(w.text);
  doc["version"] = 2;
  EXPECT_EQ(error_of([&] { w.parse(doc); }).code(), ErrorCode::unsupported);
}

TEST(NetworkContract, InconsistentContractsAreRefused) {
  Written w("inconsistent");
  const json good = json::parse(w.text);
  auto refused = [&](auto change, const std::string& field) {
    json doc = good;
    change(doc);
    const Error e = error_of([&] { w.parse(doc); });
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  };
  refused([](json& d) { d["pl"]["inputs"][0]["order"]["channels_major"] = 3; }, "pl.inputs[0].order");
  refused([](json& d) { d["pl"]["outputs"][0]["pixels"] = 5; }, "pl.outputs[0]");
  refused([](json& d) { d["pl"]["inputs"][0]["shape"] = json::array({1, -2, 2, 2}); }, "pl.inputs[0].shape");
  refused([](json& d) { d["inputs"][0]["shape"] = json::array({1LL << 40, 1LL << 40}); }, "inputs[0].shape");
  refused([](json& d) { d["ps_after_pl"][0]["inputs"][0] = "nowhere"; }, "ps_after_pl[0]");
  refused([](json& d) { d["outputs"][0]["name"] = "z"; }, "outputs[0]");
  refused([](json& d) { d["pl"]["inputs"][0]["value"] = "y"; }, "pl.inputs[0]");
  refused([](json& d) { d["constants"][0]["tensor"] = 99; }, "constants[0].tensor");
  refused([](json& d) { d["pl"]["inputs"][0]["scale"] = 0; }, "pl.inputs[0].scale");
  refused([](json& d) { d["pl"]["inputs"][0]["scale"] = 1e300; }, "pl.inputs[0].scale");
  refused([](json& d) { d["pl"]["inputs"][0]["dtype"] = "float64"; }, "pl.inputs[0].dtype");
  refused([](json& d) { d["pl"]["inputs"][0]["host_packing"]["kind"] = "zigzag"; }, "host_packing.kind");
  refused([](json& d) { d["ps_after_pl"][0]["attributes"]["alpha"] = json{{"complex", 1}}; }, "attributes.alpha");
  refused([](json& d) { d["precision"] = "fixed<40,2>"; }, "precision");
  refused(
      [](json& d) {
        auto& k = d["pl"]["inputs"][0]["host_packing"];
        k["kind"] = "mvu_weights";
        k["conv"] = true;
        k["out_c"] = k["in_c"] = 1 << 27;
        k["kernel_h"] = k["kernel_w"] = 1 << 30;
      },
      "pl.inputs[0].host_packing");
  refused([](json& d) { d["inputs"].push_back(d["inputs"][0]); }, "inputs");
}

TEST(NetworkContract, BrokenTensorFilesAreRefusedNamingTheFile) {
  Written w("tensors");
  const fs::path file = w.dir / kContractTensorFolder / "0.npy";
  const std::string npy = read_text(file);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << npy.substr(0, npy.size() - 3);
  Error e = error_of([&] { read_contract(w.dir); });
  EXPECT_EQ(e.code(), ErrorCode::parse);
  EXPECT_NE(std::string(e.what()).find("0.npy"), std::string::npos) << e.what();
  io::NpyArray wide{"float64", {2}, std::vector<std::uint8_t>(16)};
  io::save_npy(file, wide);
  EXPECT_EQ(error_of([&] { read_contract(w.dir); }).code(), ErrorCode::unsupported);
  fs::remove(file);
  EXPECT_NE(std::string(error_of([&] { read_contract(w.dir); }).what()).find("0.npy"), std::string::npos);
}

// Every leaf of the document replaced by values of other types and ranges, and the text cut
// and flipped at random: each read either succeeds or throws zynqnn::Error.
TEST(NetworkContract, MutatedDocumentsGiveAnErrorOrAContractNeverACrash) {
  Written w("mutations");
  const json good = json::parse(w.text);
  const std::vector<json> replacements{nullptr, -1, 0, 1LL << 62, 1e300, "x", json::array(), json::object(), true,
                                       json::array({-1}), json::array({1LL << 40})};
  std::size_t refused = 0, tried = 0;
  auto attempt = [&](const std::string& text) {
    ++tried;
    try {
      w.parse(text);
    } catch (const Error&) {
      ++refused;
    }
  };
  std::vector<json::json_pointer> pointers;  // every value of the document, containers included
  auto collect = [&](auto&& self, const json& node, const json::json_pointer& at) -> void {
    if (!at.empty()) pointers.push_back(at);
    if (node.is_object())
      for (const auto& [key, child] : node.items()) self(self, child, at / key);
    if (node.is_array())
      for (std::size_t i = 0; i < node.size(); ++i) self(self, node[i], at / i);
  };
  collect(collect, good, json::json_pointer());
  for (const auto& pointer : pointers) {
    for (const auto& r : replacements) {
      json doc = good;
      doc[pointer] = r;
      attempt(doc.dump());
    }
    json doc = good;
    json& parent = doc[pointer.parent_pointer()];
    if (parent.is_object()) parent.erase(pointer.back());
    else parent.erase(static_cast<std::size_t>(std::stoul(pointer.back())));
    attempt(doc.dump());
  }
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    std::string text = w.text;
    const auto at = random() % text.size();
    if (i % 2) text[at] = static_cast<char>(random() % 128);
    else text.erase(at, 1 + random() % 8);
    attempt(text);
  }
  EXPECT_GT(refused, tried / 2);  // most changes break the contract; none crashed
}

}  // namespace
}  // namespace zynqnn::network
