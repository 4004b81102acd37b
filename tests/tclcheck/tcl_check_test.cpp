#include "zynqnn/tclcheck/tcl_check.hpp"

#include <gtest/gtest.h>

#include "../codegen/test_support.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::tclcheck {
namespace {

using namespace zynqnn::testing;

class TclCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_dir(std::string("tclcheck_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (const char* name : {"passthrough", "mixer", "adder"}) {
      codegen::GenerateOptions options;
      options.output_dir = dir_ / name;
      options.build_sim = false;
      codegen::generate(spec::load_kernel_spec(example_spec(name)), options);
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path script(const std::string& kernel) const { return dir_ / kernel / "vivado/build_bd.tcl"; }

  // Replaces `from` (which must occur) by `to` in the kernel's block-design script.
  void edit(const std::string& kernel, const std::string& from, const std::string& to) const {
    std::string text = read_text(script(kernel));
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    write_text(script(kernel), text);
  }

  Report check(const std::string& kernel) const {
    Options options;
    options.script = script(kernel);
    return run_tcl_check(options);
  }

  static bool has_error(const Report& report, const std::string& check, const std::string& text) {
    for (const auto& f : report.findings) {
      if (f.severity == "error" && f.check == check && f.message.find(text) != std::string::npos) return true;
    }
    return false;
  }
  static std::string describe(const Report& report) {
    std::string out;
    for (const auto& f : report.findings) out += f.severity + " [" + f.check + "] " + f.message + "\n";
    return out;
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
  EXPECT_TRUE(has_error(report, "clock", "axi_dma_1/s_axi_lite_aclk is not connected to a PL clock")) << describe(report);
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

TEST(TclCheckRecording, ParsesModelOutput) {
  const BlockDesign d = parse_recording(
      R"({"kind":"project","name":"p","part":"xc7z020clg400-1"}
{"kind":"cell","name":"axi_dma_0","vlnv":"xilinx.com:ip:axi_dma:7.1"}
{"kind":"property","object":"axi_dma_0","key":"CONFIG.c_include_sg","value":"0"}
{"kind":"property","object":"project:p","key":"board_part","value":"tul.com.tw:pynq-z2:part0:1.0"}
{"kind":"net","pins":["a/x","b/y"]}
{"kind":"address","space":"/ps/Data","segment":"axi_dma_0/S_AXI_LITE/Reg","offset":"0x40400000","range":"64K"}
)");
  EXPECT_EQ(d.part, "xc7z020clg400-1");
  EXPECT_EQ(d.board_part, "tul.com.tw:pynq-z2:part0:1.0");
  EXPECT_EQ(d.cells.at("axi_dma_0").config.at("c_include_sg"), "0");
  ASSERT_EQ(d.addresses.size(), 1u);
  EXPECT_EQ(*d.addresses[0].offset, 0x40400000u);
  EXPECT_EQ(*d.addresses[0].range, 0x10000u);
  EXPECT_THROW(parse_recording("{not json\n"), Error);
}

}  // namespace
}  // namespace zynqnn::tclcheck
