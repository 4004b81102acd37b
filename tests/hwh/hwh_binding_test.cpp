#include "zynqnn/hwh/binding.hpp"

#include <gtest/gtest.h>

#include <string>

#include "zynqnn/core/error.hpp"

namespace zynqnn::hwh {
namespace {

std::string fixture(const char* name) { return std::string(ZYNQNN_FIXTURES_DIR) + "/hwh/" + name; }

KernelStream stream(std::string name, StreamDirection direction, unsigned width, std::string instance = "") {
  KernelStream s;
  s.name = std::move(name);
  s.direction = direction;
  s.width_bits = width;
  s.kernel_instance = std::move(instance);
  return s;
}

TEST(HwhBinding, HlsIpPortsBindToBothChannelsOfTheDma) {
  auto design = read_hwh(fixture("pynq_tutorials_dma_axis_ip_example.hwh"));
  std::vector<KernelStream> streams = {stream("B", StreamDirection::out, 32, "example_0"),
                                       stream("A", StreamDirection::in, 32, "example_0")};
  auto bindings = bind_streams(design, streams);
  ASSERT_EQ(bindings.size(), 2u);
  EXPECT_EQ(bindings[0].stream, "B");
  EXPECT_EQ(bindings[0].dma, "axi_dma");
  EXPECT_EQ(bindings[0].dma_base, 0x40400000u);
  EXPECT_EQ(bindings[0].channel, DmaChannelKind::s2mm);
  EXPECT_EQ(bindings[0].endpoint->to_string(), "example_0.B");
  EXPECT_EQ(bindings[1].channel, DmaChannelKind::mm2s);
  EXPECT_EQ(bindings[1].endpoint->to_string(), "example_0.A");
  EXPECT_TRUE(bindings[1].through.empty());
  EXPECT_EQ(bindings[1].length_width, 26u);
}

TEST(HwhBinding, RenamedPortBindsByInstanceWhenItIsTheOnlyChannel) {
  auto design = read_hwh(fixture("pynq_tutorials_dma_axis_ip_example.hwh"));
  auto in = stream("input", StreamDirection::in, 32, "example_0");
  auto bindings = bind_streams(design, std::span(&in, 1));
  EXPECT_EQ(bindings[0].endpoint->to_string(), "example_0.A");
}

TEST(HwhBinding, LoopbackThroughTheFifoBindsWithoutAKernelInstance) {
  auto design = read_hwh(fixture("pynq_workshop_dma_tutorial.hwh"));
  std::vector<KernelStream> streams = {stream("to_pl", StreamDirection::in, 32),
                                       stream("to_ps", StreamDirection::out, 32)};
  auto bindings = bind_streams(design, streams);
  EXPECT_EQ(bindings[0].dma, "axi_dma_from_ps_to_pl");
  EXPECT_EQ(bindings[0].dma_base, 0x40410000u);
  ASSERT_EQ(bindings[0].through.size(), 1u);
  EXPECT_EQ(bindings[0].through[0], "axis_data_fifo");  // followed through the FIFO
  EXPECT_EQ(bindings[0].endpoint->to_string(), "axi_dma_from_pl_to_ps.S_AXIS_S2MM");
  EXPECT_EQ(bindings[1].dma, "axi_dma_from_pl_to_ps");
  EXPECT_EQ(bindings[1].channel, DmaChannelKind::s2mm);
  EXPECT_EQ(bindings[1].dma_base, 0x40400000u);
}

TEST(HwhBinding, FollowsThroughTheFifoToANamedInstance) {
  auto design = read_hwh(fixture("pynq_workshop_dma_tutorial.hwh"));
  // The far end of the MM2S stream, two hops away, is the other DMA's S2MM port.
  auto in = stream("S_AXIS_S2MM", StreamDirection::in, 32, "axi_dma_from_pl_to_ps");
  auto bindings = bind_streams(design, std::span(&in, 1));
  EXPECT_EQ(bindings[0].dma, "axi_dma_from_ps_to_pl");
  EXPECT_EQ(bindings[0].through, std::vector<std::string>{"axis_data_fifo"});
}

void expect_error(const Design& design, std::vector<KernelStream> streams, ErrorCode code, const std::string& needle) {
  try {
    bind_streams(design, streams);
    FAIL() << "bound streams that should not bind (" << needle << ")";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code);
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(HwhBinding, WidthMismatchIsRefused) {
  auto design = read_hwh(fixture("pynq_tutorials_dma_axis_ip_example.hwh"));
  expect_error(design, {stream("A", StreamDirection::in, 64, "example_0")}, ErrorCode::invalid_argument,
               "width mismatch: stream A is 64 bits but example_0.A carries 32 bits");
}

TEST(HwhBinding, MissingChannelIsNotFound) {
  auto design = read_hwh(fixture("pynq_tutorials_dma_axis_ip_example.hwh"));
  expect_error(design, {stream("A", StreamDirection::in, 32, "other_kernel")}, ErrorCode::not_found,
               "no DMA MM2S channel reaches other_kernel.A");
  // Two input streams, one MM2S channel: the second finds none free.
  expect_error(design, {stream("A", StreamDirection::in, 32, "example_0"), stream("C", StreamDirection::in, 32)},
               ErrorCode::not_found, "no free DMA MM2S channel for stream C");
  auto gpio = read_hwh(fixture("pynq_workshop_axi_gpio_no_dma.hwh"));
  expect_error(gpio, {stream("x", StreamDirection::out, 32)}, ErrorCode::not_found, "no free DMA S2MM channel");
}

TEST(HwhBinding, AmbiguousMatchIsRefused) {
  // Two DMAs whose MM2S channels both reach kernel k (ports a and b); a stream naming only
  // the instance and a port that matches neither cannot choose.
  const std::string xml =
      "<EDKSYSTEM><MODULES>"
      "<MODULE INSTANCE=\"dma0\" MODTYPE=\"axi_dma\"><PARAMETERS>"
      "<PARAMETER NAME=\"C_INCLUDE_SG\" VALUE=\"0\"/><PARAMETER NAME=\"C_SG_LENGTH_WIDTH\" VALUE=\"26\"/>"
      "<PARAMETER NAME=\"C_INCLUDE_MM2S\" VALUE=\"1\"/><PARAMETER NAME=\"C_M_AXI_MM2S_DATA_WIDTH\" VALUE=\"32\"/>"
      "<PARAMETER NAME=\"C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"32\"/><PARAMETER NAME=\"C_INCLUDE_S2MM\" VALUE=\"0\"/>"
      "</PARAMETERS><BUSINTERFACES><BUSINTERFACE BUSNAME=\"b0\" NAME=\"M_AXIS_MM2S\" TYPE=\"INITIATOR\" "
      "VLNV=\"xilinx.com:interface:axis:1.0\"/></BUSINTERFACES></MODULE>"
      "<MODULE INSTANCE=\"dma1\" MODTYPE=\"axi_dma\"><PARAMETERS>"
      "<PARAMETER NAME=\"C_INCLUDE_SG\" VALUE=\"0\"/><PARAMETER NAME=\"C_SG_LENGTH_WIDTH\" VALUE=\"26\"/>"
      "<PARAMETER NAME=\"C_INCLUDE_MM2S\" VALUE=\"1\"/><PARAMETER NAME=\"C_M_AXI_MM2S_DATA_WIDTH\" VALUE=\"32\"/>"
      "<PARAMETER NAME=\"C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"32\"/><PARAMETER NAME=\"C_INCLUDE_S2MM\" VALUE=\"0\"/>"
      "</PARAMETERS><BUSINTERFACES><BUSINTERFACE BUSNAME=\"b1\" NAME=\"M_AXIS_MM2S\" TYPE=\"INITIATOR\" "
      "VLNV=\"xilinx.com:interface:axis:1.0\"/></BUSINTERFACES></MODULE>"
      "<MODULE INSTANCE=\"conv\" MODTYPE=\"axis_dwidth_converter\"><BUSINTERFACES>"
      "<BUSINTERFACE BUSNAME=\"b1\" NAME=\"S_AXIS\" TYPE=\"TARGET\" VLNV=\"xilinx.com:interface:axis:1.0\"/>"
      "<BUSINTERFACE BUSNAME=\"b2\" NAME=\"M_AXIS\" TYPE=\"INITIATOR\" VLNV=\"xilinx.com:interface:axis:1.0\"/>"
      "</BUSINTERFACES></MODULE>"
      "<MODULE INSTANCE=\"k\" MODTYPE=\"k\"><BUSINTERFACES>"
      "<BUSINTERFACE BUSNAME=\"b0\" NAME=\"a\" TYPE=\"TARGET\" VLNV=\"xilinx.com:interface:axis:1.0\">"
      "<PARAMETER NAME=\"TDATA_NUM_BYTES\" VALUE=\"4\"/></BUSINTERFACE>"
      "<BUSINTERFACE BUSNAME=\"b2\" NAME=\"b\" TYPE=\"TARGET\" VLNV=\"xilinx.com:interface:axis:1.0\">"
      "<PARAMETER NAME=\"TDATA_NUM_BYTES\" VALUE=\"8\"/></BUSINTERFACE>"
      "</BUSINTERFACES></MODULE>"
      "<MODULE INSTANCE=\"ps\" MODTYPE=\"processing_system7\"><MEMORYMAP>"
      "<MEMRANGE INSTANCE=\"dma0\" BASEVALUE=\"0x40400000\" HIGHVALUE=\"0x4040FFFF\" MEMTYPE=\"REGISTER\" "
      "SLAVEBUSINTERFACE=\"S_AXI_LITE\"/>"
      "<MEMRANGE INSTANCE=\"dma1\" BASEVALUE=\"0x40410000\" HIGHVALUE=\"0x4041FFFF\" MEMTYPE=\"REGISTER\" "
      "SLAVEBUSINTERFACE=\"S_AXI_LITE\"/>"
      "</MEMORYMAP></MODULE></MODULES></EDKSYSTEM>";
  auto design = parse_hwh(xml, "two.hwh");
  expect_error(design, {stream("x", StreamDirection::in, 32, "k")}, ErrorCode::invalid_argument,
               "dma0.M_AXIS_MM2S, dma1.M_AXIS_MM2S");
  expect_error(design, {stream("x", StreamDirection::in, 32)}, ErrorCode::invalid_argument, "ambiguous");
  // Named ports resolve it; port b is behind a width converter and is 64 bits wide.
  std::vector<KernelStream> named = {stream("b", StreamDirection::in, 64, "k"), stream("a", StreamDirection::in, 32, "k")};
  auto bindings = bind_streams(design, named);
  EXPECT_EQ(bindings[0].dma, "dma1");
  EXPECT_EQ(bindings[0].dma_stream_width_bits, 32u);
  EXPECT_EQ(bindings[0].through, std::vector<std::string>{"conv"});
  EXPECT_EQ(bindings[1].dma, "dma0");
  EXPECT_EQ(bindings[1].dma_base, 0x40400000u);
}

}  // namespace
}  // namespace zynqnn::hwh
