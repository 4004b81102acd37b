// Layer descriptions read from JSON, and the errors for bad documents.
#include <gtest/gtest.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/estimate/layer_json.hpp"

namespace {

using namespace zynqnn::estimate;
using nlohmann::json;

TEST(LayerJson, ReadsEveryField) {
  const auto layers = layers_from_json(json::parse(R"({"layers": [
    {"name": "c1", "kind": "conv", "in_h": 8, "in_w": 6, "in_channels": 4, "out_channels": 8,
     "kernel_h": 3, "kernel_w": 3, "stride_h": 2, "stride_w": 2, "pad_top": 1, "pad_left": 1,
     "pad_bottom": 1, "pad_right": 1, "groups": 2, "input_bits": 4, "weight_bits": 4,
     "accumulator_bits": 16, "output_bits": 4, "mac_resource": "lut", "weights_streamed": true,
     "pe": 2, "simd": 2},
    {"kind": "fully_connected", "in_channels": 16, "out_channels": 4, "floating_point": true}
  ]})"));
  ASSERT_EQ(layers.size(), 2u);
  const auto& c = layers[0];
  EXPECT_EQ(c.name, "c1");
  EXPECT_EQ(c.kind, StageKind::conv);
  EXPECT_EQ(c.in_h, 8);
  EXPECT_EQ(c.in_w, 6);
  EXPECT_EQ(c.groups, 2);
  EXPECT_EQ(c.stride_w, 2);
  EXPECT_EQ(c.accumulator_bits, 16);
  EXPECT_EQ(c.mac_resource, MacResource::lut);
  EXPECT_TRUE(c.weights_streamed);
  EXPECT_EQ(c.pe, 2);
  EXPECT_EQ(c.out_h(), 4);
  EXPECT_EQ(layers[1].name, "layers[1]");
  EXPECT_TRUE(layers[1].floating_point);
}

void expect_parse_error(const char* text, const std::string& where, zynqnn::ErrorCode code = zynqnn::ErrorCode::parse) {
  try {
    layers_from_json(json::parse(text));
    FAIL() << "expected an error for " << text;
  } catch (const zynqnn::Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(e.where().find(where), std::string::npos) << e.where();
  }
}

TEST(LayerJson, ErrorsNameTheField) {
  expect_parse_error(R"({"layers": [{"kind": "conv", "strde_h": 2}]})", "layers[0].strde_h");
  expect_parse_error(R"({"layers": [{"kind": "conv", "pe": "4"}]})", "layers[0].pe");
  expect_parse_error(R"({"layers": [{"kind": "pool"}]})", "layers[0].kind");
  expect_parse_error(R"({"layers": [{"in_h": 3}]})", "layers[0].kind");
  expect_parse_error(R"({"layers": [{"kind": "conv", "mac_resource": "bram"}]})", "layers[0].mac_resource");
  expect_parse_error(R"({"layers": []})", "layers");
  expect_parse_error(R"([1, 2])", "layers");
  expect_parse_error(R"({"layers": [{"name": "x", "kind": "conv", "in_channels": 6, "simd": 4}]})", "'x'",
                     zynqnn::ErrorCode::invalid_argument);
}

}  // namespace
