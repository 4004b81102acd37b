#include "zynqnn/manifest/manifest.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "zynqnn/core/error.hpp"

namespace zynqnn::manifest {
namespace {

using nlohmann::json;

// The generated manifest of examples/specs/mixer.json (kept as a fuzz seed; the generator
// tests check that generation produces it).
Manifest example() { return load_manifest(std::string(ZYNQNN_SOURCE_DIR) + "/fuzz/corpus/manifest/mixer.json"); }

Error error_of(const json& document) {
  try {
    parse_manifest(document.dump(), "manifest.json");
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "accepted";
  return Error(ErrorCode::internal, "accepted");
}

TEST(Manifest, RoundTripsThroughJson) {
  const Manifest m = example();
  const Manifest back = parse_manifest(to_json(m));
  EXPECT_EQ(to_json(back), to_json(m));
  EXPECT_EQ(back.kernel, "mixer");
  EXPECT_EQ(back.board_part, "www.digilentinc.com:pynq-z1:part0:1.0");
  EXPECT_EQ(back.control.mode, "axilite");
  ASSERT_TRUE(back.control.base_address.has_value());
  EXPECT_EQ(*back.control.base_address, 0x43C00000u);
  ASSERT_EQ(back.streams.size(), 6u);
  ASSERT_EQ(back.dmas.size(), 3u);
}

TEST(Manifest, DerivedSizes) {
  const Manifest m = example();
  const StreamInfo* b = m.find_stream("b");  // uint8[37] in 32-bit words
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->elements_per_word, 4);
  EXPECT_EQ(b->words, 10);
  EXPECT_EQ(b->bytes, 40);
  EXPECT_EQ(b->dma, "axi_dma_1");
  EXPECT_EQ(b->channel, "mm2s");
  const StreamInfo* c = m.find_stream("c");  // fixed<12,4>[37] in 64-bit words
  EXPECT_EQ(c->element_bits, 16);
  EXPECT_EQ(c->value_bits, 12);
  EXPECT_EQ(c->fraction_bits, 8);
  EXPECT_EQ(c->numpy_dtype, "int16");
  EXPECT_EQ(c->words, 10);
  EXPECT_EQ(c->bytes, 80);
  const StreamInfo* y = m.find_stream("y");
  EXPECT_EQ(y->dma, "axi_dma_0");
  EXPECT_EQ(y->channel, "s2mm");
  const DmaInfo* dma0 = m.find_dma("axi_dma_0");
  EXPECT_EQ(dma0->base_address, 0x40400000u);
  EXPECT_EQ(dma0->mm2s_bits, 32);
  EXPECT_EQ(dma0->s2mm_bits, 64);
  EXPECT_EQ(dma0->length_width, 26);
  EXPECT_EQ(dma0->mm2s_interrupt, 0);
  EXPECT_EQ(dma0->s2mm_interrupt, 1);
  EXPECT_EQ(m.find_dma("axi_dma_2")->base_address, 0x40420000u);
  EXPECT_TRUE(m.latency_is_estimate);
  EXPECT_GE(m.frame_latency_cycles, 37u);
}

TEST(Manifest, InconsistentFieldsAreNamed) {
  const json good = json::parse(to_json(example()));
  struct Case {
    std::string pointer;
    json value;
    std::string where;
  };
  for (const Case& c : {
           Case{"/streams/1/bytes", 41, "manifest.json:/streams/1/bytes"},
           Case{"/streams/1/words", 9, "manifest.json:/streams/1/words"},
           Case{"/streams/1/elements", 36, "manifest.json:/streams/1/elements"},
           Case{"/streams/1/elements_per_word", 2, "manifest.json:/streams/1/elements_per_word"},
           Case{"/streams/1/channel", "s2mm", "manifest.json:/streams/1/channel"},
           Case{"/streams/1/dma", "axi_dma_9", "manifest.json:/streams/1/dma"},
           Case{"/streams/1/stream_bits", 64, "manifest.json:/streams/1/elements_per_word"},
           Case{"/streams/0/name", "b", "manifest.json:/streams/1/name"},
           Case{"/streams/0/shape", json::array({0}), "manifest.json:/streams/0/shape/0"},
           Case{"/dmas/0/include_sg", true, "manifest.json:/dmas/0/include_sg"},
           Case{"/dmas/0/base_address", "0xZZ", "manifest.json:/dmas/0/base_address"},
           Case{"/dmas/0/length_width", 27, "manifest.json:/dmas/0/length_width"},
           Case{"/control/mode", "sometimes", "manifest.json:/control/mode"},
           Case{"/kernel", "a b", "manifest.json:/kernel"},
       }) {
    json bad = good;
    bad[json::json_pointer(c.pointer)] = c.value;
    EXPECT_EQ(error_of(bad).where(), c.where) << c.pointer;
  }
  json bad = good;
  bad.erase("dmas");
  EXPECT_EQ(error_of(bad).where(), "manifest.json:/dmas");
}

TEST(Manifest, ReconfigurableRegionNeedsItsPartialBitstream) {
  json doc = json::parse(to_json(example()));
  EXPECT_TRUE(parse_manifest(doc.dump()).reconfigurable_region.empty());
  doc["reconfigurable_region"] = {{"name", "rp_kernel"}};
  EXPECT_EQ(error_of(doc).where(), "manifest.json:/artifacts/partial_bitstream");
  doc["artifacts"]["partial_bitstream"] = "vivado/rp_kernel_partial.bit";
  const Manifest m = parse_manifest(doc.dump());
  EXPECT_EQ(m.reconfigurable_region, "rp_kernel");
  EXPECT_EQ(m.artifacts.partial_bitstream, "vivado/rp_kernel_partial.bit");
  EXPECT_EQ(to_json(parse_manifest(to_json(m))), to_json(m));
  doc["reconfigurable_region"] = {{"name", "rp;rm -rf"}};
  EXPECT_EQ(error_of(doc).where(), "manifest.json:/reconfigurable_region/name");
}

TEST(Manifest, NewerSchemaIsUnsupported) {
  json doc = json::parse(to_json(example()));
  doc["schema_version"] = 2;
  EXPECT_EQ(error_of(doc).code(), ErrorCode::unsupported);
}

TEST(Manifest, MalformedJsonIsAParseError) {
  try {
    parse_manifest("[1,", "m.json");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::parse);
  }
  EXPECT_THROW(parse_manifest("[]", "m.json"), Error);
  EXPECT_THROW(load_manifest("/nonexistent/manifest.json"), Error);
}

}  // namespace
}  // namespace zynqnn::manifest
