#include "zynqnn/tclcheck/tcl_check.hpp"

#include <gtest/gtest.h>

#include "tcl_check_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::tclcheck {
namespace {

using namespace zynqnn::testing;
using namespace zynqnn::tclcheck::testing;

class TclCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_dir(std::string("tclcheck_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (const char* name : {"passthrough", "mixer", "adder"}) generate_kernel(dir_, name);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path script(const std::string& kernel) const { return dir_ / kernel / "vivado/build_bd.tcl"; }

  // Replaces `from` (which must occur) by `to` in the kernel's block-design script.
  void edit(const std::string& kernel, const std::string& from, const std::string& to) const {
    write_text(script(kernel), edited(read_text(script(kernel)), {{from, to}}));
  }

  Report check(const std::string& kernel) const {
    Options options;
    options.script = script(kernel);
    return run_tcl_check(options);
  }

  std::filesystem::path dir_;
};

TEST_F(TclCheckTest, GeneratedScriptsPass) {
  for (const char* kernel : {"passthrough", "mixer", "adder"}) {
    const Report report = check(kernel);
    EXPECT_TRUE(report.passed()) << kernel << "\n" << describe(report);
    for (const auto& f : report.findings) EXPECT_NE(f.severity, "error") << f.message;
    EXPECT_EQ(report.design.part, "xc7z020clg400-1");
  }
  const Report mixer = check("mixer");
  EXPECT_EQ(mixer.design.cells.size(), 10u);  // ps7, reset, kernel, 3 DMAs, 2 interconnects, concat, intc
  EXPECT_EQ(mixer.design.cells.at("axi_dma_2").config.at("c_m_axis_mm2s_tdata_width"), "64");
  EXPECT_EQ(mixer.design.board_part, "");  // the model has no board files, as a stock Vivado
  const std::string json = to_json(mixer);
  EXPECT_NE(json.find("\"passed\":true"), std::string::npos);
  EXPECT_NE(json.find("does not prove that Vivado accepts the script"), std::string::npos);
}

TEST_F(TclCheckTest, CatchesAWidthMismatch) {
  edit("passthrough", "CONFIG.c_m_axis_mm2s_tdata_width {32}", "CONFIG.c_m_axis_mm2s_tdata_width {64}");
  const Report report = check("passthrough");
  EXPECT_FALSE(report.passed());
  EXPECT_TRUE(has_error(report, "stream", "width mismatch: kernel port passthrough_0/in_data is 32 bits")) << describe(report);
}

TEST_F(TclCheckTest, CatchesAnUnconnectedPort) {
  edit("passthrough",
       "connect_bd_intf_net [get_bd_intf_pins axi_dma_0/M_AXIS_MM2S] [get_bd_intf_pins passthrough_0/in_data]\n", "");
  const Report report = check("passthrough");
  EXPECT_FALSE(report.passed());
  EXPECT_TRUE(has_error(report, "stream", "kernel stream port passthrough_0/in_data is not connected")) << describe(report);
  EXPECT_TRUE(has_error(report, "stream", "axi_dma_0/M_AXIS_MM2S is not connected")) << describe(report);
}

TEST_F(TclCheckTest, CatchesOverlappingAddresses) {
  edit("mixer", "-offset 0x40410000 -range 64K", "-offset 0x40408000 -range 64K");
  const Report report = check("mixer");
  EXPECT_FALSE(report.passed());
  EXPECT_TRUE(has_error(report, "address", "offset is not aligned")) << describe(report);
  edit("mixer", "-offset 0x40408000 -range 64K", "-offset 0x40400000 -range 64K");
  const Report overlap = check("mixer");
  EXPECT_TRUE(has_error(overlap, "address", "address windows overlap in /processing_system7_0/Data")) << describe(overlap);
  EXPECT_TRUE(has_error(overlap, "address", "axi_dma_1/S_AXI_LITE is assigned a different base address"));
}

TEST_F(TclCheckTest, CatchesAMissingMemoryPathClockAndReset) {
  edit("mixer", "connect_bd_intf_net [get_bd_intf_pins axi_mem_intercon/M00_AXI] [get_bd_intf_pins processing_system7_0/S_AXI_HP0]\n", "");
  edit("mixer", "connect_bd_net [get_bd_pins processing_system7_0/FCLK_CLK0] [get_bd_pins axi_dma_1/s_axi_lite_aclk]\n", "");
  edit("mixer", "connect_bd_net [get_bd_pins rst_ps7_0/peripheral_aresetn] [get_bd_pins mixer_0/ap_rst_n]\n", "");
  const Report report = check("mixer");
  EXPECT_TRUE(has_error(report, "memory_path", "axi_dma_0/M_AXI_MM2S does not reach")) << describe(report);
  EXPECT_TRUE(has_error(report, "clock", "axi_dma_1/s_axi_lite_aclk is not connected to FCLK_CLK0")) << describe(report);
  EXPECT_TRUE(has_error(report, "reset", "mixer_0/ap_rst_n is not connected")) << describe(report);
}

TEST_F(TclCheckTest, CatchesARegisterPathAndScatterGather) {
  edit("mixer", "connect_bd_intf_net [get_bd_intf_pins ps7_0_axi_periph/M03_AXI] [get_bd_intf_pins mixer_0/s_axi_control]\n",
       "");
  edit("mixer", "connect_bd_intf_net [get_bd_intf_pins ps7_0_axi_periph/M01_AXI] [get_bd_intf_pins axi_dma_1/S_AXI_LITE]\n",
       "");
  edit("mixer", "CONFIG.c_include_sg {0}", "CONFIG.c_include_sg {1}");
  const Report report = check("mixer");
  EXPECT_TRUE(has_error(report, "register_path", "axi_dma_1/S_AXI_LITE does not reach")) << describe(report);
  EXPECT_TRUE(has_error(report, "dma", "axi_dma_0: scatter-gather is included")) << describe(report);
}

TEST_F(TclCheckTest, ReportsScriptErrorsAndUnknownCommands) {
  write_text(script("passthrough"), "create_project p d -part xc7z020clg400-1\nfrobnicate_design\nerror \"broken\"\n");
  const Report report = check("passthrough");
  EXPECT_TRUE(has_error(report, "script", "broken")) << describe(report);
  bool unknown = false;
  for (const auto& f : report.findings) unknown |= f.message.find("'frobnicate_design'") != std::string::npos;
  EXPECT_TRUE(unknown) << describe(report);
}

TEST_F(TclCheckTest, ScriptCannotTouchTheFileSystem) {
  const auto victim = dir_ / "victim.txt";
  write_text(victim, "keep");
  write_text(script("passthrough"), "file delete -force {" + victim.string() + "}\nset f [open {" + victim.string() +
                                        "} w]\n");
  const Report report = check("passthrough");
  EXPECT_TRUE(std::filesystem::exists(victim));
  EXPECT_EQ(read_text(victim), "keep");
  EXPECT_FALSE(report.passed());
}

TEST_F(TclCheckTest, ARunawayScriptTimesOut) {
  write_text(script("passthrough"), "while 1 {}\n");
  Options options;
  options.script = script("passthrough");
  options.timeout = std::chrono::milliseconds(500);
  try {
    record_block_design(options);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::timeout);
  }
}

// Run from the script's own folder with a bare file name, the manifest is still found.
TEST_F(TclCheckTest, ARelativePathStillFindsTheManifest) {
  edit("passthrough", "CONFIG.c_m_axis_mm2s_tdata_width {32}", "CONFIG.c_m_axis_mm2s_tdata_width {64}");
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(script("passthrough").parent_path());
  Options options;
  options.script = "build_bd.tcl";
  const Report report = run_tcl_check(options);
  std::filesystem::remove(dir_ / "passthrough/manifest.json");
  const Report without = run_tcl_check(options);
  std::filesystem::current_path(before);
  ASSERT_TRUE(report.manifest);
  EXPECT_EQ(*report.manifest, dir_ / "passthrough/manifest.json");
  EXPECT_TRUE(has_error(report, "stream", "width mismatch")) << describe(report);
  EXPECT_FALSE(without.passed());
  EXPECT_TRUE(has_error(without, "manifest", "names zynqnn as its generator but its manifest")) << describe(without);
}

// The generated design configures the processing system itself when the board files are
// absent (the model finds none), routes the DMA interrupts through an axi_intc onto IRQ_F2P[0]
// and checks timing after implementation: every command it uses is one the model knows.
TEST_F(TclCheckTest, AcceptsTheInterruptControllerAndTheExplicitProcessingSystemItGenerates) {
  const Report report = check("passthrough");
  EXPECT_TRUE(report.passed()) << describe(report);
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_TRUE(report.design.unknown_commands.empty());
  EXPECT_EQ(report.design.cells.at("axi_intc_0").vlnv, "xilinx.com:ip:axi_intc:4.1");
  EXPECT_EQ(report.design.cells.at("processing_system7_0").config.at("PCW_FCLK0_PERIPHERAL_DIVISOR1"), "2");
  EXPECT_EQ(report.design.cells.at("processing_system7_0").config.at("PCW_UIPARAM_DDR_PARTNO"), "MT41J256M16 RE-125");
  EXPECT_TRUE(report.design.board_part.empty());  // no board files under the check

  edit("passthrough", "connect_bd_net [get_bd_pins axi_intc_0/irq] [get_bd_pins processing_system7_0/IRQ_F2P]\n", "");
  const Report undriven = check("passthrough");
  EXPECT_TRUE(has_error(undriven, "interrupt", "axi_intc_0/irq does not drive the processing system's IRQ_F2P")) << describe(undriven);
  EXPECT_TRUE(has_error(undriven, "interrupt", "nothing drives it")) << describe(undriven);
}

// Hierarchies as write_bd_tcl writes them: cells made inside a hierarchy are named from it,
// and pins of the hierarchy join the nets outside and inside. Without a manifest any FCLK
// clocks the fabric.
TEST(TclCheckHierarchy, NamesCellsInsideAHierarchyFromIt) {
  const auto dir = scratch_dir("tclcheck_hierarchy");
  write_text(dir / "hier.tcl", R"(create_project p d -part xc7z020clg400-1
create_bd_design d
proc create_hier_cell_dma { parentCell name } {
  set oldCurInst [current_bd_instance .]
  current_bd_instance [get_bd_cells $parentCell]
  set hier_obj [create_bd_cell -type hier $name]
  current_bd_instance $hier_obj
  create_bd_pin -dir I -type clk aclk
  create_bd_intf_pin -mode Master -vlnv xilinx.com:interface:aximm_rtl:1.0 M_AXI
  create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma:7.1 axi_dma
  connect_bd_net [get_bd_pins aclk] [get_bd_pins axi_dma/s_axi_lite_aclk]
  connect_bd_intf_net [get_bd_intf_pins M_AXI] [get_bd_intf_pins axi_dma/M_AXI_MM2S]
  current_bd_instance $oldCurInst
}
create_hier_cell_dma [current_bd_instance .] dma_hier
create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7:5.5 ps
connect_bd_net [get_bd_pins ps/FCLK_CLK1] [get_bd_pins dma_hier/aclk]
connect_bd_intf_net [get_bd_intf_pins dma_hier/M_AXI] [get_bd_intf_pins ps/S_AXI_HP0]
create_bd_addr_seg -range 0x00010000 -offset 0x40400000 [get_bd_addr_spaces ps/Data] [get_bd_addr_segs dma_hier/axi_dma/S_AXI_LITE/Reg] SEG_dma
)");
  Options options;
  options.script = dir / "hier.tcl";
  const Report report = run_tcl_check(options);
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(report.design.script_error) << *report.design.script_error;
  EXPECT_EQ(report.design.cells.at("dma_hier").type, "hier");
  EXPECT_EQ(report.design.cells.at("dma_hier/axi_dma").vlnv, "xilinx.com:ip:axi_dma:7.1");
  ASSERT_EQ(report.design.addresses.size(), 1u);
  EXPECT_EQ(report.design.addresses[0].space, "/ps/Data");
  EXPECT_EQ(report.design.addresses[0].segment, "dma_hier/axi_dma/S_AXI_LITE/Reg");
  EXPECT_FALSE(has_error(report, "clock", "dma_hier/axi_dma/s_axi_lite_aclk")) << describe(report);
  EXPECT_FALSE(has_error(report, "interface", "dma_hier/M_AXI")) << describe(report);
}

TEST(TclCheckRecording, ParsesModelOutput) {
  const BlockDesign d = parse_recording(
      R"({"kind":"project","name":"p","part":"xc7z020clg400-1"}
{"kind":"cell","name":"axi_dma_0","vlnv":"xilinx.com:ip:axi_dma:7.1"}
{"kind":"property","object":"axi_dma_0","key":"CONFIG.c_include_sg","value":"0"}
{"kind":"property","object":"project:p","key":"BOARD_PART","value":"tul.com.tw:pynq-z2:part0:1.0"}
{"kind":"file","operation":"copy","arguments":["-force","/r/x_wrapper.bit","/o/k.bit"]}
{"kind":"returned","value":"3"}
{"kind":"net","pins":["a/x","b/y"]}
{"kind":"address","space":"/ps/Data","segment":"axi_dma_0/S_AXI_LITE/Reg","offset":"0x40400000","range":"64K"}
)");
  EXPECT_EQ(d.part, "xc7z020clg400-1");
  EXPECT_EQ(d.board_part, "tul.com.tw:pynq-z2:part0:1.0");  // Vivado's property names are not case-sensitive
  ASSERT_EQ(d.file_copies.size(), 1u);
  EXPECT_EQ(d.file_copies[0], std::make_pair(std::string("/r/x_wrapper.bit"), std::string("/o/k.bit")));
  EXPECT_EQ(d.returned, "3");
  EXPECT_EQ(d.cells.at("axi_dma_0").config.at("c_include_sg"), "0");
  ASSERT_EQ(d.addresses.size(), 1u);
  EXPECT_EQ(*d.addresses[0].offset, 0x40400000u);
  EXPECT_EQ(*d.addresses[0].range, 0x10000u);
  EXPECT_THROW(parse_recording("{not json\n"), Error);
}

}  // namespace
}  // namespace zynqnn::tclcheck
