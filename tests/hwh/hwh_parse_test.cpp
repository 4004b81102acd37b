#include <gtest/gtest.h>

#include <string>

#include "zynqnn/core/error.hpp"
#include "zynqnn/hwh/design.hpp"
#include "zynqnn/hwh/json.hpp"

namespace zynqnn::hwh {
namespace {

std::string fixture(const char* name) { return std::string(ZYNQNN_FIXTURES_DIR) + "/hwh/" + name; }

TEST(HwhFixtures, DmaTutorialHasTwoSingleChannelDmasLoopedThroughAFifo) {
  auto design = read_hwh(fixture("pynq_workshop_dma_tutorial.hwh"));
  ASSERT_EQ(design.dmas.size(), 2u);
  const Dma& to_ps = design.dmas[0];
  const Dma& to_pl = design.dmas[1];
  EXPECT_EQ(to_ps.name, "axi_dma_from_pl_to_ps");
  EXPECT_EQ(to_ps.fullname, "/axi_dma_from_pl_to_ps");
  ASSERT_TRUE(to_ps.address.has_value());
  EXPECT_EQ(to_ps.address->base, 0x40400000u);
  EXPECT_EQ(to_ps.address->high, 0x4040FFFFu);
  EXPECT_FALSE(to_ps.scatter_gather);
  EXPECT_EQ(to_ps.length_width, 26u);
  EXPECT_FALSE(to_ps.mm2s.has_value());  // the width parameters exist, C_INCLUDE_MM2S = 0
  ASSERT_TRUE(to_ps.s2mm.has_value());
  EXPECT_EQ(to_ps.s2mm->mem_width_bits, 32u);
  EXPECT_EQ(to_ps.s2mm->stream_width_bits, 32u);
  ASSERT_TRUE(to_ps.s2mm->peer.has_value());
  EXPECT_EQ(to_ps.s2mm->peer->to_string(), "axis_data_fifo.M_AXIS");

  EXPECT_EQ(to_pl.name, "axi_dma_from_ps_to_pl");
  EXPECT_EQ(to_pl.address->base, 0x40410000u);
  EXPECT_FALSE(to_pl.s2mm.has_value());
  ASSERT_TRUE(to_pl.mm2s.has_value());
  EXPECT_EQ(to_pl.mm2s->port, "M_AXIS_MM2S");
  EXPECT_EQ(to_pl.mm2s->peer->to_string(), "axis_data_fifo.S_AXIS");

  ASSERT_EQ(design.pl_clocks.size(), 4u);
  EXPECT_EQ(design.pl_clocks[0].requested_mhz, 50.0);
  EXPECT_TRUE(design.pl_clocks[0].enabled);
  EXPECT_FALSE(design.pl_clocks[1].enabled);
}

TEST(HwhFixtures, AxisIpExampleHasOneDmaFeedingHlsIpPortsAAndB) {
  auto design = read_hwh(fixture("pynq_tutorials_dma_axis_ip_example.hwh"));
  ASSERT_EQ(design.dmas.size(), 1u);
  const Dma& dma = design.dmas[0];
  EXPECT_EQ(dma.name, "axi_dma");
  EXPECT_EQ(dma.address->base, 0x40400000u);
  ASSERT_TRUE(dma.mm2s && dma.s2mm);
  EXPECT_EQ(dma.mm2s->mem_width_bits, 64u);
  EXPECT_EQ(dma.mm2s->stream_width_bits, 32u);
  EXPECT_EQ(dma.s2mm->mem_width_bits, 32u);
  EXPECT_EQ(dma.s2mm->stream_width_bits, 32u);
  EXPECT_EQ(dma.mm2s->peer->to_string(), "example_0.A");
  EXPECT_EQ(dma.s2mm->peer->to_string(), "example_0.B");

  const Module* kernel = design.find_module("example_0");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->vlnv, "xup:hls:example:1.0");
  ASSERT_TRUE(kernel->address.has_value());
  EXPECT_EQ(kernel->address->base, 0x40000000u);
  EXPECT_EQ(kernel->address->slave_interface, "s_axi_control");
  ASSERT_EQ(kernel->axis_ports.size(), 2u);
  EXPECT_EQ(kernel->axis_port("A")->direction, AxisDirection::in);
  EXPECT_EQ(kernel->axis_port("B")->direction, AxisDirection::out);
  EXPECT_EQ(kernel->axis_port("B")->width_bits, 32u);
  EXPECT_EQ(design.pl_clocks[0].requested_mhz, 100.0);
}

TEST(HwhFixtures, GpioDesignHasNoDmaAndThatIsNotAnError) {
  auto design = read_hwh(fixture("pynq_workshop_axi_gpio_no_dma.hwh"));
  EXPECT_TRUE(design.dmas.empty());
  const Module* leds = design.find_module("leds");
  ASSERT_NE(leds, nullptr);
  EXPECT_EQ(leds->address->base, 0x41200000u);
  auto json = to_json(design);
  EXPECT_TRUE(json["dmas"].is_array());
  EXPECT_TRUE(json["dmas"].empty());
}

TEST(HwhJson, FieldsAndFormatsMatchTheDocumentedShape) {
  auto json = to_json(read_hwh(fixture("pynq_workshop_dma_tutorial.hwh")));
  ASSERT_EQ(json["dmas"].size(), 2u);
  const auto& dma = json["dmas"][0];
  EXPECT_EQ(dma["name"], "axi_dma_from_pl_to_ps");
  EXPECT_EQ(dma["base"], "0x40400000");
  EXPECT_EQ(dma["high"], "0x4040ffff");
  EXPECT_EQ(dma["sg"], false);
  EXPECT_EQ(dma["length_width"], 26);
  EXPECT_TRUE(dma["mm2s"].is_null());
  EXPECT_EQ(dma["s2mm"]["mem_width"], 32);
  EXPECT_EQ(dma["s2mm"]["stream_width"], 32);
  EXPECT_EQ(dma["s2mm"]["peer"], "axis_data_fifo.M_AXIS");
  bool saw_fifo = false;
  for (const auto& ip : json["ips"]) {
    EXPECT_NE(ip["vlnv"], "xilinx.com:ip:axi_dma:7.1");  // DMAs are listed only under "dmas"
    if (ip["name"] == "axis_data_fifo") {
      saw_fifo = true;
      EXPECT_TRUE(ip["base"].is_null());
      ASSERT_EQ(ip["axis"].size(), 2u);
      EXPECT_EQ(ip["axis"][0]["port"], "S_AXIS");
      EXPECT_EQ(ip["axis"][0]["direction"], "in");
      EXPECT_EQ(ip["axis"][0]["peer"], "axi_dma_from_ps_to_pl.M_AXIS_MM2S");
    }
  }
  EXPECT_TRUE(saw_fifo);
  EXPECT_EQ(json["pl_clocks"][0]["name"], "FCLK_CLK0");
}

// A small design inside a hierarchy: FULLNAME /hier_0/axi_dma_0, INSTANCE hier_0_axi_dma_0.
std::string hierarchy_design(const std::string& include_mm2s = "1", const std::string& extra = "") {
  return "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<EDKSYSTEM><MODULES>\n"
         "<MODULE INSTANCE=\"hier_0_axi_dma_0\" FULLNAME=\"/hier_0/axi_dma_0\" MODTYPE=\"axi_dma\" "
         "VLNV=\"xilinx.com:ip:axi_dma:7.1\"><PARAMETERS>"
         "<PARAMETER NAME=\"C_INCLUDE_SG\" VALUE=\"1\"/><PARAMETER NAME=\"C_SG_LENGTH_WIDTH\" VALUE=\"14\"/>"
         "<PARAMETER NAME=\"C_INCLUDE_MM2S\" VALUE=\"" + include_mm2s + "\"/>"
         "<PARAMETER NAME=\"C_M_AXI_MM2S_DATA_WIDTH\" VALUE=\"64\"/>"
         "<PARAMETER NAME=\"C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"64\"/>"
         "<PARAMETER NAME=\"C_INCLUDE_S2MM\" VALUE=\"0\"/>" + extra +
         "</PARAMETERS><BUSINTERFACES>"
         "<BUSINTERFACE BUSNAME=\"s0\" NAME=\"M_AXIS_MM2S\" TYPE=\"INITIATOR\" VLNV=\"xilinx.com:interface:axis:1.0\"/>"
         "</BUSINTERFACES></MODULE>\n"
         "<MODULE INSTANCE=\"hier_0_k\" FULLNAME=\"/hier_0/k\" MODTYPE=\"k\" VLNV=\"x:hls:k:1.0\"><BUSINTERFACES>"
         "<BUSINTERFACE BUSNAME=\"s0\" NAME=\"in_r\" TYPE=\"SLAVE\" VLNV=\"xilinx.com:interface:axis:1.0\">"
         "<PARAMETER NAME=\"TDATA_NUM_BYTES\" VALUE=\"8\"/></BUSINTERFACE>"
         "</BUSINTERFACES></MODULE>\n"
         "<MODULE INSTANCE=\"ps7\" FULLNAME=\"/ps7\" MODTYPE=\"processing_system7\"><MEMORYMAP>"
         "<MEMRANGE INSTANCE=\"hier_0_axi_dma_0\" BASEVALUE=\"0x40400000\" HIGHVALUE=\"0x4040FFFF\" "
         "MEMTYPE=\"REGISTER\" SLAVEBUSINTERFACE=\"S_AXI_LITE\"/></MEMORYMAP></MODULE>\n"
         "</MODULES></EDKSYSTEM>\n";
}

TEST(HwhParse, HierarchyKeepsInstanceAndFullnameApart) {
  auto design = parse_hwh(hierarchy_design(), "hier.hwh");
  ASSERT_EQ(design.dmas.size(), 1u);
  EXPECT_EQ(design.dmas[0].name, "hier_0_axi_dma_0");
  EXPECT_EQ(design.dmas[0].fullname, "/hier_0/axi_dma_0");
  EXPECT_EQ(design.dmas[0].address->base, 0x40400000u);
  EXPECT_TRUE(design.dmas[0].scatter_gather);
  EXPECT_EQ(design.dmas[0].length_width, 14u);
  EXPECT_EQ(design.dmas[0].mm2s->peer->to_string(), "hier_0_k.in_r");
  EXPECT_FALSE(design.dmas[0].s2mm.has_value());  // its width parameters are absent: not read
  EXPECT_EQ(design.find_module("hier_0_k")->axis_port("in_r")->width_bits, 64u);
  EXPECT_TRUE(design.pl_clocks.empty());
}

void expect_parse_error(const std::string& xml, const std::string& needle, const std::string& line = "") {
  try {
    parse_hwh(xml, "bad.hwh");
    FAIL() << "accepted malformed input (" << needle << ")";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::parse);
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    EXPECT_NE(error.where().find("bad.hwh" + line), std::string::npos) << error.where();
  }
}

TEST(HwhParse, MalformedInputNamesTheElementOrAttribute) {
  expect_parse_error("", "not well-formed");
  expect_parse_error("<EDKSYSTEM><MODULES>", "not well-formed");
  expect_parse_error("<OTHER/>", "no EDKSYSTEM");
  expect_parse_error("<EDKSYSTEM><MODULES>\n<MODULE INSTANCE=\"\xff\"/></MODULES></EDKSYSTEM>",
                     "invalid UTF-8 at byte 39", ":2");
  expect_parse_error("<EDKSYSTEM/>", "no MODULES");
  expect_parse_error("<EDKSYSTEM><MODULES>\n<MODULE FULLNAME=\"/x\"/></MODULES></EDKSYSTEM>", "MODULE has no INSTANCE",
                     ":2");
  // An enabled channel without its width parameter.
  auto missing_width = hierarchy_design();
  missing_width.replace(missing_width.find("<PARAMETER NAME=\"C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"64\"/>"),
                        std::string("<PARAMETER NAME=\"C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"64\"/>").size(), "");
  expect_parse_error(missing_width, "C_M_AXIS_MM2S_TDATA_WIDTH", ":3");
  expect_parse_error(hierarchy_design("yes"), "C_INCLUDE_MM2S of hier_0_axi_dma_0 is 'yes'");
  expect_parse_error(hierarchy_design("2"), "outside [0, 1]");
  auto bad_address = hierarchy_design();
  bad_address.replace(bad_address.find("0x40400000"), 10, "0x4040zz00");
  expect_parse_error(bad_address, "BASEVALUE of hier_0_axi_dma_0");
  auto bad_type = hierarchy_design();
  bad_type.replace(bad_type.find("TYPE=\"SLAVE\""), 12, "TYPE=\"BOTH\"");
  expect_parse_error(bad_type, "TYPE 'BOTH'");
}

TEST(HwhParse, MissingFileIsNotFound) {
  try {
    read_hwh("/nonexistent/design.hwh");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
}

}  // namespace
}  // namespace zynqnn::hwh
