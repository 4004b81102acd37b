#include "zynqnn/manifest/manifest.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
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
           Case{"/requested_clock_mhz", 100.0, "manifest.json:/requested_clock_mhz"},
           Case{"/dmas/1/mm2s_interrupt", 0, "manifest.json:/dmas/1/mm2s_interrupt"},
           Case{"/dmas/0/s2mm_interrupt", 32, "manifest.json:/dmas/0/s2mm_interrupt"},
           Case{"/interrupt_controller/address_range", "0x0", "manifest.json:/interrupt_controller/address_range"},
       }) {
    json bad = good;
    bad[json::json_pointer(c.pointer)] = c.value;
    EXPECT_EQ(error_of(bad).where(), c.where) << c.pointer;
  }
  json bad = good;
  bad.erase("dmas");
  EXPECT_EQ(error_of(bad).where(), "manifest.json:/dmas");
}

TEST(Manifest, ClockAndInterruptController) {
  const Manifest m = example();
  EXPECT_DOUBLE_EQ(m.clock_mhz, 125.0);
  EXPECT_DOUBLE_EQ(m.requested_clock_mhz, 125.0);
  ASSERT_TRUE(m.interrupt_controller);
  EXPECT_EQ(m.interrupt_controller->name, "axi_intc_0");
  EXPECT_EQ(m.interrupt_controller->base_address, 0x41800000u);
  EXPECT_EQ(m.interrupt_controller->address_range, 0x10000u);
  // A manifest written before both were recorded: the one clock is the requested one, and
  // there is no controller.
  json old = json::parse(to_json(m));
  old.erase("requested_clock_mhz");
  old.erase("interrupt_controller");
  const Manifest back = parse_manifest(old.dump());
  EXPECT_DOUBLE_EQ(back.requested_clock_mhz, 125.0);
  EXPECT_FALSE(back.interrupt_controller);
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

// The example with its second input (b) made constant.
json with_constant(const std::string& path) {
  json document = json::parse(to_json(example()));
  document["streams"][1]["constant"] = path;
  return document;
}

TEST(Manifest, ConstantInputsAreTheirOwnView) {
  const Manifest m = parse_manifest(with_constant("constants/b.bin").dump());
  EXPECT_EQ(m.find_stream("b")->constant, "constants/b.bin");
  EXPECT_TRUE(m.find_stream("b")->is_constant());
  std::vector<std::string> all, user, constant;
  for (const auto* s : m.all_inputs()) all.push_back(s->name);
  for (const auto* s : m.inputs()) user.push_back(s->name);
  for (const auto* s : m.constant_inputs()) constant.push_back(s->name);
  EXPECT_EQ(all, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(user, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(constant, (std::vector<std::string>{"b"}));
  EXPECT_EQ(to_json(parse_manifest(to_json(m))), to_json(m));
  EXPECT_NE(to_json(m).find("\"constant\": \"constants/b.bin\""), std::string::npos);
  EXPECT_EQ(to_json(example()).find("\"constant\""), std::string::npos);  // absent when not constant
}

TEST(Manifest, ConstantPathsStayInsideTheFolder) {
  for (const std::string& path : {std::string("/etc/passwd"), std::string("../b.bin"), std::string("constants/../../b.bin"),
                                  std::string("constants/.."), std::string(""), std::string("a//b.bin"),
                                  std::string("./b.bin"), std::string("c:\\b.bin"), std::string("a\0b", 3)}) {
    const Error error = error_of(with_constant(path));
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument) << path;
    EXPECT_EQ(error.where(), "manifest.json:/streams/1/constant") << path;
  }
  EXPECT_NE(error_of(with_constant("/etc/passwd")).message().find("not an absolute path"), std::string::npos);
  EXPECT_NE(error_of(with_constant("../b.bin")).message().find("no '..'"), std::string::npos);
  json document = with_constant("constants/b.bin");
  document["streams"][1]["constant"] = 7;
  EXPECT_EQ(error_of(document).where(), "manifest.json:/streams/1/constant");
  EXPECT_NO_THROW(parse_manifest(with_constant("weights/..b.bin").dump()));  // a name, not a parent
}

TEST(Manifest, ConstantOnlyOnInputs) {
  json document = json::parse(to_json(example()));
  std::size_t out = 0;
  while (document["streams"][out]["direction"] != "out") ++out;
  document["streams"][out]["constant"] = "constants/y.bin";
  const Error error = error_of(document);
  EXPECT_EQ(error.where(), "manifest.json:/streams/" + std::to_string(out) + "/constant");
  EXPECT_NE(error.message().find("only an input stream"), std::string::npos);
}

TEST(Manifest, ConstantFrameMustHoldExactlyTheStreamsBytes) {
  const auto dir = std::filesystem::temp_directory_path() / ("zynqnn_manifest_constant_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "constants");
  const Manifest m = parse_manifest(with_constant("constants/b.bin").dump());
  const StreamInfo& b = *m.find_stream("b");
  auto write = [&](std::size_t bytes) {
    std::ofstream(dir / "constants/b.bin", std::ios::binary | std::ios::trunc) << std::string(bytes, '\x5a');
  };
  write(static_cast<std::size_t>(b.bytes));
  const auto frame = load_constant_frame(b, dir);
  ASSERT_EQ(frame.size(), static_cast<std::size_t>(b.bytes));
  EXPECT_EQ(frame.back(), std::byte{0x5a});
  for (std::size_t wrong : {static_cast<std::size_t>(b.bytes) - 1, static_cast<std::size_t>(b.bytes) + 1, std::size_t{0}}) {
    write(wrong);
    try {
      load_constant_frame(b, dir);
      ADD_FAILURE() << wrong << " bytes accepted";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
      EXPECT_NE(error.where().find("constant stream 'b'"), std::string::npos) << error.where();
      EXPECT_NE(error.message().find("needs exactly " + std::to_string(b.bytes)), std::string::npos) << error.message();
    }
  }
  std::filesystem::remove(dir / "constants/b.bin");
  try {
    load_constant_frame(b, dir);
    ADD_FAILURE() << "a missing file was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
  }
  std::filesystem::remove_all(dir);
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
