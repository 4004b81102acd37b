#include "zynqnn/spec/kernel_spec.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "zynqnn/core/error.hpp"
#include "zynqnn/spec/identifier.hpp"
#include "zynqnn/spec/name_rules.hpp"

namespace zynqnn::spec {
namespace {

using nlohmann::json;

json valid_spec() {
  return json::parse(R"({
    "kernel": "k", "board": "pynq-z2", "clock_mhz": 100,
    "streams": [
      {"name": "x", "direction": "in", "type": "int32", "shape": [4, 8]},
      {"name": "y", "direction": "out", "type": "int32", "shape": 32, "stream_width": 64}
    ]})");
}

// The error a spec raises: its code and location.
Error error_of(const json& spec) {
  try {
    parse_kernel_spec(spec.dump(), "spec.json");
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "spec was accepted: " << spec.dump();
  return Error(ErrorCode::internal, "accepted");
}

TEST(KernelSpec, ParsesAValidSpec) {
  const KernelSpec spec = parse_kernel_spec(valid_spec().dump());
  EXPECT_EQ(spec.kernel, "k");
  EXPECT_EQ(spec.board.part, "xc7z020clg400-1");
  EXPECT_EQ(spec.board.board_part, "tul.com.tw:pynq-z2:part0:1.0");
  EXPECT_EQ(spec.control, Control::none);
  ASSERT_EQ(spec.streams.size(), 2u);
  EXPECT_EQ(spec.streams[0].elements(), 32);
  EXPECT_EQ(spec.streams[0].stream_bits, 32);
  EXPECT_EQ(spec.streams[0].words(), 32);
  EXPECT_EQ(spec.streams[1].stream_bits, 64);
  EXPECT_EQ(spec.streams[1].elements_per_word(), 2);
  EXPECT_EQ(spec.streams[1].words(), 16);
  EXPECT_EQ(spec.streams[1].bytes(), 128);
  EXPECT_FALSE(spec.compute.has_value());
}

TEST(KernelSpec, PynqZ1BoardPart) {
  json spec = valid_spec();
  spec["board"] = "pynq-z1";
  EXPECT_EQ(parse_kernel_spec(spec.dump()).board.board_part, "www.digilentinc.com:pynq-z1:part0:1.0");
}

TEST(KernelSpec, EightBitStreamPadsTheLastWord) {
  json spec = valid_spec();
  spec["streams"][0]["type"] = "uint8";
  spec["streams"][0]["shape"] = json::array({37});
  spec["streams"][1]["type"] = "uint8";
  spec["streams"][1]["shape"] = json::array({37});
  const KernelSpec parsed = parse_kernel_spec(spec.dump());
  EXPECT_EQ(parsed.streams[0].elements_per_word(), 4);
  EXPECT_EQ(parsed.streams[0].words(), 10);  // 9 full words and one with a single element
  EXPECT_EQ(parsed.streams[0].bytes(), 40);
  EXPECT_EQ(parsed.streams[1].elements_per_word(), 8);
  EXPECT_EQ(parsed.streams[1].words(), 5);
}

TEST(KernelSpec, FixedPointTypes) {
  auto t = parse_element_type("fixed<12,4>");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, ElementKind::fixed);
  EXPECT_EQ(t->slot_bits(), 16);
  EXPECT_EQ(t->fraction_bits(), 8);
  EXPECT_EQ(t->numpy_dtype(), "int16");
  EXPECT_EQ(t->hls_type(), "ap_fixed<12,4>");
  EXPECT_EQ(parse_element_type("fixed<33,1>")->slot_bits(), 64);
  EXPECT_FALSE(parse_element_type("fixed<0,0>").has_value());
  EXPECT_FALSE(parse_element_type("fixed<65,1>").has_value());
  EXPECT_FALSE(parse_element_type("fixed<8,9>").has_value());
  EXPECT_FALSE(parse_element_type("fixed<8>").has_value());
  EXPECT_FALSE(parse_element_type("fixed< 8,1>").has_value());
  EXPECT_FALSE(parse_element_type("int64").has_value());
}

TEST(KernelSpec, UnknownTypeNamesTheField) {
  json spec = valid_spec();
  spec["streams"][1]["type"] = "int128";
  const Error error = error_of(spec);
  EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
  EXPECT_EQ(error.where(), "spec.json:/streams/1/type");
  EXPECT_NE(error.message().find("unknown element type"), std::string::npos);
}

TEST(KernelSpec, BadShapes) {
  for (const json& shape : {json::array(), json::array({4, 0}), json::array({-3}), json(0), json("8"),
                            json::array({1.5}), json::array({1 << 20, 1 << 20})}) {
    json spec = valid_spec();
    spec["streams"][0]["shape"] = shape;
    const Error error = error_of(spec);
    EXPECT_EQ(error.where().rfind("spec.json:/streams/0/shape", 0), 0u) << shape.dump() << " -> " << error.what();
  }
}

TEST(KernelSpec, ElementWiderThanTheDmaWord) {
  json spec = valid_spec();
  spec["streams"][0]["type"] = "fixed<40,8>";
  spec["streams"][1]["type"] = "fixed<40,8>";
  const Error error = error_of(spec);
  EXPECT_EQ(error.where(), "spec.json:/streams/0/type");
  EXPECT_NE(error.message().find("wider than the 32-bit DMA word"), std::string::npos);
  spec["streams"][0]["stream_width"] = 64;
  spec["streams"][1]["stream_width"] = 64;
  EXPECT_NO_THROW(parse_kernel_spec(spec.dump()));
}

TEST(KernelSpec, StreamWidthMustBe32Or64) {
  json spec = valid_spec();
  spec["streams"][1]["stream_width"] = 16;
  EXPECT_EQ(error_of(spec).where(), "spec.json:/streams/1/stream_width");
}

TEST(KernelSpec, HostileNamesAreRefused) {
  for (const std::string name : {"a\"b", "a'b", "x[0]", "a;b", "a b", "a}b", "a$b", "a\nb", "", "9x", "_x",
                                 "x__y", "x_", "return", "int", "signal", "in", "OUT", "ap_clk", "znn_x",
                                 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde"}) {
    json spec = valid_spec();
    spec["streams"][0]["name"] = name;
    const Error error = error_of(spec);
    EXPECT_EQ(error.where(), "spec.json:/streams/0/name") << name;
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    // A name with unsafe characters is never echoed (it may hold anything).
    const bool unsafe = name.find_first_not_of(
                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos;
    if (unsafe && name.size() > 2) {
      EXPECT_EQ(error.message().find(name), std::string::npos) << name;
    }
  }
  json spec = valid_spec();
  spec["kernel"] = "k[exec rm]";
  EXPECT_EQ(error_of(spec).where(), "spec.json:/kernel");
}

TEST(KernelSpec, IdentifierRules) {
  EXPECT_FALSE(identifier_problem("in_data").has_value());
  EXPECT_FALSE(identifier_problem("Conv2d_3x3").has_value());
  EXPECT_TRUE(identifier_problem("in data").has_value());
  EXPECT_TRUE(identifier_problem("while").has_value());
  EXPECT_TRUE(identifier_problem("While").has_value());  // VHDL is case-insensitive
}

TEST(KernelSpec, DuplicateNamesCaseInsensitive) {
  json spec = valid_spec();
  spec["streams"][1]["name"] = "X";
  EXPECT_EQ(error_of(spec).where(), "spec.json:/streams/1/name");
  spec["streams"][1]["name"] = "k";  // the kernel's name
  EXPECT_EQ(error_of(spec).where(), "spec.json:/streams/1/name");
}

TEST(KernelSpec, UnknownFieldsAndMissingFields) {
  json spec = valid_spec();
  spec["streams"][0]["widht"] = 32;
  EXPECT_EQ(error_of(spec).where(), "spec.json:/streams/0/widht");
  spec = valid_spec();
  spec.erase("board");
  EXPECT_EQ(error_of(spec).where(), "spec.json:/board");
  spec = valid_spec();
  spec["board"] = "zedboard";
  EXPECT_EQ(error_of(spec).code(), ErrorCode::unsupported);
  spec = valid_spec();
  spec["control"] = "ap_ctrl_chain";
  EXPECT_EQ(error_of(spec).where(), "spec.json:/control");
  spec = valid_spec();
  spec["clock_mhz"] = 0;
  EXPECT_EQ(error_of(spec).where(), "spec.json:/clock_mhz");
}

TEST(KernelSpec, MalformedJsonIsAParseError) {
  try {
    parse_kernel_spec("{\"kernel\": ", "spec.json");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::parse);
    EXPECT_EQ(error.where(), "spec.json");
  }
}

TEST(KernelSpec, PassThroughNeedsMatchingPairs) {
  json spec = valid_spec();
  spec["streams"][1]["type"] = "int16";
  EXPECT_EQ(error_of(spec).where(), "spec.json:/streams/1");
  spec = valid_spec();
  spec["streams"][1]["shape"] = 31;
  EXPECT_EQ(error_of(spec).where(), "spec.json:/streams/1");
  spec = valid_spec();
  spec["streams"].push_back({{"name", "z"}, {"direction", "out"}, {"type", "int32"}, {"shape", 4}});
  EXPECT_EQ(error_of(spec).where(), "spec.json:/streams");
}

KernelSpec compute_spec() {
  json spec = valid_spec();
  spec["streams"][0]["type"] = "int16";
  spec["streams"].push_back({{"name", "v"}, {"direction", "in"}, {"type", "fixed<12,4>"}, {"shape", 32}});
  spec["compute"] = {{"source", "compute.cpp"}, {"function", "f"}};
  return parse_kernel_spec(spec.dump(), "spec.json");
}

TEST(ComputeSignature, AcceptsMatchingDeclarationAndRecordsSpellings) {
  KernelSpec spec = compute_spec();
  const std::string source = R"src(
    // void f(int a);  a comment is not a declaration
    const char* text = "void f(float)";
    void f(hls::stream<ap_int<16> >& x, hls::stream<int>& y,
           hls::stream< ap_fixed<12, 4> > &v) {
      f_helper(x);
    })src";
  check_compute_signature(spec, source, "compute.cpp");
  ASSERT_EQ(spec.compute->parameter_types.size(), 3u);
  EXPECT_EQ(spec.compute->parameter_types[0], "ap_int<16>");
  EXPECT_EQ(spec.compute->parameter_types[1], "int");
  EXPECT_EQ(spec.compute->parameter_types[2], "ap_fixed<12,4>");
}

TEST(ComputeSignature, RejectsMismatches) {
  struct Case {
    const char* source;
    ErrorCode code;
    const char* text;
  };
  for (const Case& c : {
           Case{"void g(hls::stream<int>& a);", ErrorCode::not_found, "no declaration"},
           Case{"void f(hls::stream<ap_int<16>>& x, hls::stream<int>& y);", ErrorCode::invalid_argument,
                "declares 2 parameters"},
           Case{"void f(hls::stream<ap_int<16>>& x, hls::stream<float>& y, hls::stream<ap_fixed<12,4>>& v);",
                ErrorCode::invalid_argument, "parameter 2 (stream y)"},
           Case{"void f(hls::stream<ap_int<16>> x, hls::stream<int>& y, hls::stream<ap_fixed<12,4>>& v);",
                ErrorCode::invalid_argument, "parameter 1 (stream x)"},
           Case{"void f(int* x, hls::stream<int>& y, hls::stream<ap_fixed<12,4>>& v);", ErrorCode::invalid_argument,
                "parameter 1"},
           Case{"void f(hls::stream<ap_int<16>>& x, hls::stream<int>& y, hls::stream<ap_fixed<12,5>>& v);",
                ErrorCode::invalid_argument, "parameter 3 (stream v)"},
       }) {
    KernelSpec spec = compute_spec();
    try {
      check_compute_signature(spec, c.source, "compute.cpp");
      ADD_FAILURE() << "accepted: " << c.source;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), c.code) << c.source;
      EXPECT_NE(std::string(error.what()).find(c.text), std::string::npos) << error.what();
    }
  }
}

TEST(ComputeSignature, LoadsTheExampleSpec) {
  const KernelSpec spec = load_kernel_spec(std::string(ZYNQNN_SOURCE_DIR) + "/examples/specs/mixer.json");
  ASSERT_TRUE(spec.compute.has_value());
  EXPECT_EQ(spec.compute->parameter_types.size(), 6u);
  EXPECT_EQ(spec.control, Control::axilite);
}

TEST(KernelSpec, ConstantInputKeepsItsPath) {
  json spec = valid_spec();
  spec["streams"][0]["constant"] = "weights/layer 1's \"$(x)\".bin";  // any path: it stays a path
  const KernelSpec parsed = parse_kernel_spec(spec.dump());
  EXPECT_TRUE(parsed.streams[0].is_constant());
  EXPECT_EQ(parsed.streams[0].constant_file, std::filesystem::path("weights/layer 1's \"$(x)\".bin"));
  EXPECT_FALSE(parsed.streams[1].is_constant());
  EXPECT_EQ(parsed.inputs().size(), 1u);  // a constant stream is still an input
}

TEST(KernelSpec, ConstantIsRefusedWhereItCannotBe) {
  struct Case {
    int stream;
    json value;
    std::string message;
  };
  for (const Case& c : {Case{1, "y.bin", "only an input stream can be constant"},
                        Case{0, "", "constant must be a file path"},
                        Case{0, 42, "must be a string"},
                        Case{0, std::string("a\0b", 3), "constant must be a file path"}}) {
    json spec = valid_spec();
    spec["streams"][c.stream]["constant"] = c.value;
    const Error error = error_of(spec);
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(error.where(), "spec.json:/streams/" + std::to_string(c.stream) + "/constant");
    EXPECT_NE(error.message().find(c.message), std::string::npos) << error.message();
  }
}

TEST(KernelSpec, LoadResolvesARelativeConstantAgainstTheSpecFolder) {
  const auto dir = std::filesystem::temp_directory_path() / "zynqnn_spec_test_constant";
  std::filesystem::create_directories(dir);
  json spec = valid_spec();
  spec["streams"][0]["constant"] = "data/x.bin";
  std::ofstream(dir / "spec.json") << spec.dump();
  const KernelSpec loaded = load_kernel_spec(dir / "spec.json");
  EXPECT_EQ(loaded.streams[0].constant_file, dir / "data/x.bin");
  spec["streams"][0]["constant"] = "/abs/x.bin";
  std::ofstream(dir / "spec.json", std::ios::trunc) << spec.dump();
  EXPECT_EQ(load_kernel_spec(dir / "spec.json").streams[0].constant_file, std::filesystem::path("/abs/x.bin"));
  std::filesystem::remove_all(dir);
}

TEST(ComputeSignature, MissingSourceIsAnIoError) {
  const auto dir = std::filesystem::temp_directory_path() / "zynqnn_spec_test_missing";
  std::filesystem::create_directories(dir);
  json spec = valid_spec();
  spec["compute"] = {{"source", "nowhere.cpp"}, {"function", "f"}};
  std::ofstream(dir / "spec.json") << spec.dump();
  try {
    load_kernel_spec(dir / "spec.json");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zynqnn::spec

namespace zynqnn::spec {
namespace {

// Names that are identifiers but break the generated code: a stream named like a testbench
// local shadows it, a kernel named like a namespace, a type or the Python module breaks the
// file that declares it.
TEST(NameRules, NamesTheGeneratedCodeUsesItselfAreRefused) {
  int refused = 0;
  for (const std::string name : {"printf", "i", "word", "w", "ap_uint", "std", "hls", "ap_int", "int32_t", "zynqnn"}) {
    json as_stream = valid_spec();
    as_stream["streams"][0]["name"] = name;
    const Error stream_error = error_of(as_stream);
    EXPECT_EQ(stream_error.where(), "spec.json:/streams/0/name") << name;
    EXPECT_NE(std::string(stream_error.what()).find("stream name '" + name + "'"), std::string::npos) << stream_error.what();
    EXPECT_NE(std::string(stream_error.what()).find("a name the generated code uses itself"), std::string::npos)
        << stream_error.what();
    json as_kernel = valid_spec();
    as_kernel["kernel"] = name;
    const Error kernel_error = error_of(as_kernel);
    EXPECT_EQ(kernel_error.where(), "spec.json:/kernel") << name;
    EXPECT_NE(std::string(kernel_error.what()).find("kernel name '" + name + "'"), std::string::npos) << kernel_error.what();
    refused += stream_error.code() == ErrorCode::invalid_argument && kernel_error.code() == ErrorCode::invalid_argument;
  }
  EXPECT_EQ(refused, 10);
}

TEST(NameRules, KeywordsWithATrailingUnderscoreAndTheGeneratedPrefixAreRefused) {
  for (const auto& [name, rule] : {std::pair<std::string, std::string>{"int_", "ends with '_'"},
                                   {"case_", "ends with '_'"},
                                   {"znn_k", "starts with 'znn_', reserved for generated names"}}) {
    json spec = valid_spec();
    spec["kernel"] = name;
    const Error error = error_of(spec);
    EXPECT_EQ(error.where(), "spec.json:/kernel");
    EXPECT_NE(std::string(error.what()).find("kernel name '" + name + "' is not a safe identifier: it " + rule),
              std::string::npos)
        << error.what();
  }
}

TEST(NameRules, StreamsThatDifferOnlyInCaseAreRefused) {
  json spec = valid_spec();
  spec["streams"][1]["name"] = "X";
  const Error error = error_of(spec);
  EXPECT_EQ(error.where(), "spec.json:/streams/1/name");
  EXPECT_NE(std::string(error.what()).find("stream name 'X' clashes with stream 'x'"), std::string::npos) << error.what();
}

TEST(NameRules, AStreamNamedLikeTheKernelIsRefused) {
  json spec = valid_spec();
  spec["kernel"] = "Y";
  const Error error = error_of(spec);
  EXPECT_EQ(error.where(), "spec.json:/streams/1/name");
  EXPECT_NE(std::string(error.what()).find("stream name 'y' clashes with the kernel 'Y'"), std::string::npos)
      << error.what();
}

TEST(NameRules, AFrameOverTheDmaLengthRegisterIsRefused) {
  json spec = valid_spec();
  spec["streams"][0]["shape"] = json::array({1 << 25});  // 2^25 int32: 128 MiB
  spec["streams"][1]["shape"] = json::array({1 << 25});
  const Error error = error_of(spec);
  EXPECT_EQ(error.where(), "spec.json:/streams/0/name");
  EXPECT_NE(std::string(error.what()).find("stream 'x': a frame of 134217728 bytes exceeds the DMA length register"),
            std::string::npos)
      << error.what();
  // The largest frame the register can move passes this rule; the DMA memory's refuses it
  // with anything beside it.
  spec["streams"][0]["shape"] = json::array({(1 << 24) - 1});  // 2^26 - 4 bytes of int32
  spec["streams"][1]["shape"] = json::array({1});
  const std::string message = error_of(spec).what();
  EXPECT_EQ(message.find("DMA length register"), std::string::npos) << message;
  EXPECT_NE(message.find("stream 'y': a frame of 8 bytes brings the streams' buffers to 67108928 bytes"), std::string::npos)
      << message;
}

// Every stream's buffer comes from the same contiguous DMA memory when the accelerator opens:
// two 60 MB frames are refused at the second, frames that fill it exactly are accepted.
TEST(NameRules, FramesOverTheDmaMemoryAreRefused) {
  json spec = valid_spec();
  spec["streams"][0]["shape"] = json::array({15000000});  // int32: 60 MB
  spec["streams"][1]["shape"] = json::array({15000000});
  const Error error = error_of(spec);
  EXPECT_EQ(error.where(), "spec.json:/streams/1/name");
  EXPECT_NE(std::string(error.what())
                .find("stream 'y': a frame of 60000000 bytes brings the streams' buffers to 120000000 bytes, above the "
                      "67108864 bytes (64 MiB) of contiguous DMA memory"),
            std::string::npos)
      << error.what();
  spec["streams"][0]["shape"] = json::array({1 << 23});  // 32 MiB each: 64 MiB in all
  spec["streams"][1]["shape"] = json::array({1 << 23});
  EXPECT_NO_THROW(parse_kernel_spec(spec.dump(), "spec.json"));
}

TEST(NameRules, ASpecBuiltInCodeIsCheckedByTheSameRules) {
  KernelSpec spec = parse_kernel_spec(valid_spec().dump(), "spec.json");
  EXPECT_NO_THROW(check_interface(spec));
  spec.streams[0].name = "printf";
  try {
    check_interface(spec);
    ADD_FAILURE() << "printf accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.where(), "stream 'printf'");
  }
}

}  // namespace
}  // namespace zynqnn::spec
