// Hand mutations of a generated block-design script: each must be reported as an error (of
// the named check, naming the given text), and the script as generated must pass.
#include <gtest/gtest.h>

#include "tcl_check_support.hpp"

namespace zynqnn::tclcheck {
namespace {

using namespace zynqnn::testing;
using namespace zynqnn::tclcheck::testing;

struct Mutation {
  const char* name;
  std::vector<std::pair<std::string, std::string>> edits;
  const char* check;
  const char* text;  // part of the expected error's message
};

std::ostream& operator<<(std::ostream& out, const Mutation& m) { return out << m.name; }

const std::string clock0 = "[get_bd_pins processing_system7_0/FCLK_CLK0] ";

const std::vector<Mutation> mutations{
    {"dma_version_that_does_not_exist", {{"xilinx.com:ip:axi_dma:7.1 axi_dma_1", "xilinx.com:ip:axi_dma:7.2 axi_dma_1"}}, "ip",
     "axi_dma:7.2 does not exist"},
    {"ps7_version_that_does_not_exist", {{"processing_system7:5.5", "processing_system7:5.6"}}, "ip", "processing_system7:5.6 does not exist"},
    {"xlconcat_version_that_does_not_exist", {{"xlconcat:2.1", "xlconcat:2.2"}}, "ip", "xlconcat:2.2 does not exist"},
    {"interconnect_version_that_does_not_exist", {{"axi_interconnect:2.1 axi_mem_intercon", "axi_interconnect:3.0 axi_mem_intercon"}},
     "ip", "axi_interconnect:3.0 does not exist"},
    {"unknown_ip", {{"xilinx.com:ip:proc_sys_reset:5.0", "xilinx.com:ip:proc_sys_rst:5.0"}}, "ip", "is not an IP tcl-check knows"},
    {"kernel_version_other_than_exported", {{"zynqnn.org:hls:mixer:1.0", "zynqnn.org:hls:mixer:1.1"}}, "kernel",
     "run_hls.tcl exports the kernel as zynqnn.org:hls:mixer:1.0"},
    {"kernel_vendor_other_than_exported", {{"zynqnn.org:hls:mixer:1.0", "xilinx.com:hls:mixer:1.0"}}, "kernel", "run_hls.tcl exports"},
    {"memory_map_narrower_than_stream", {{"CONFIG.c_m_axi_mm2s_data_width {64}", "CONFIG.c_m_axi_mm2s_data_width {32}"}}, "dma",
     "c_m_axis_mm2s_tdata_width (64) is wider than c_m_axi_mm2s_data_width (32)"},
    {"memory_map_width_not_allowed", {{"CONFIG.c_m_axi_s2mm_data_width {64}", "CONFIG.c_m_axi_s2mm_data_width {48}"}}, "dma",
     "c_m_axi_s2mm_data_width is 48"},
    {"stream_width_other_than_kernel", {{"CONFIG.c_m_axis_mm2s_tdata_width {64}", "CONFIG.c_m_axis_mm2s_tdata_width {32}"}}, "stream",
     "width mismatch: kernel port mixer_0/c is 64 bits"},
    {"pcw_property_typo", {{"CONFIG.PCW_S_AXI_HP0_DATA_WIDTH", "CONFIG.PCW_S_AXI_HP0_DATAWIDTH"}}, "processing_system",
     "CONFIG.PCW_S_AXI_HP0_DATAWIDTH is not a property"},
    {"hp_port_not_enabled", {{"CONFIG.PCW_USE_S_AXI_HP0 {1}", "CONFIG.PCW_USE_S_AXI_HP0 {0}"}}, "processing_system",
     "S_AXI_HP0 is connected but not enabled"},
    {"irq_f2p_undriven", {{"connect_bd_net [get_bd_pins axi_intc_0/irq] [get_bd_pins processing_system7_0/IRQ_F2P]\n", ""}},
     "interrupt", "IRQ_F2P is enabled (PCW_IRQ_F2P_INTR) but nothing drives it"},
    {"interrupt_controller_bypassed",
     {{"connect_bd_net [get_bd_pins irq_concat/dout] [get_bd_pins axi_intc_0/intr]\n", ""}}, "interrupt",
     "axi_dma_0/mm2s_introut does not reach the processing system's IRQ_F2P"},
    {"interrupt_controller_version_that_does_not_exist", {{"axi_intc:4.1", "axi_intc:4.2"}}, "ip", "axi_intc:4.2 does not exist"},
    {"interrupt_controller_base_other_than_manifest", {{"-offset 0x41800000", "-offset 0x41810000"}}, "address",
     "axi_intc_0/S_AXI is assigned a different base address"},
    {"interrupt_controller_registers_unwired",
     {{"connect_bd_intf_net [get_bd_intf_pins ps7_0_axi_periph/M04_AXI] [get_bd_intf_pins axi_intc_0/s_axi]\n", ""}},
     "register_path", "axi_intc_0/s_axi does not reach"},
    {"fabric_interrupts_disabled", {{"CONFIG.PCW_USE_FABRIC_INTERRUPT {1}", "CONFIG.PCW_USE_FABRIC_INTERRUPT {0}"}}, "interrupt",
     "fabric interrupts are not enabled"},
    {"concat_inputs_beyond_num_ports", {{"CONFIG.NUM_PORTS {6}", "CONFIG.NUM_PORTS {4}"}}, "interrupt",
     "irq_concat/In4 is used but irq_concat has NUM_PORTS=4"},
    {"interrupt_lines_swapped",
     {{"axi_dma_0/mm2s_introut] [get_bd_pins irq_concat/In0]", "axi_dma_0/mm2s_introut] [get_bd_pins irq_concat/In1]"},
      {"axi_dma_0/s2mm_introut] [get_bd_pins irq_concat/In1]", "axi_dma_0/s2mm_introut] [get_bd_pins irq_concat/In0]"}},
     "interrupt", "axi_dma_0/mm2s_introut is on interrupt line 1, the manifest records 0"},
    {"dma_interrupt_unconnected", {{"connect_bd_net [get_bd_pins axi_dma_2/s2mm_introut] [get_bd_pins irq_concat/In5]\n", ""}},
     "interrupt", "axi_dma_2/s2mm_introut does not reach IRQ_F2P"},
    {"kernel_base_other_than_manifest", {{"-offset 0x43C00000", "-offset 0x43C10000"}}, "address",
     "mixer_0/s_axi_control is assigned a different base address (0x43C10000)"},
    {"dma_base_other_than_manifest", {{"-offset 0x40420000", "-offset 0x40430000"}}, "address",
     "axi_dma_2/S_AXI_LITE is assigned a different base address"},
    {"register_range_other_than_manifest", {{"-offset 0x40410000 -range 64K", "-offset 0x40410000 -range 4K"}}, "address",
     "axi_dma_1/S_AXI_LITE has range 0x1000, the manifest records 0x10000"},
    {"overlapping_windows", {{"-offset 0x40420000 -range 64K", "-offset 0x40400000 -range 128K"}}, "address", "address windows overlap"},
    {"offset_left_to_vivado", {{"-offset 0x40420000 -range 64K ", ""}}, "address", "axi_dma_2/S_AXI_LITE has no explicit offset"},
    {"dma_memory_space_unassigned",
     {{"assign_bd_address -target_address_space /axi_dma_1/Data_S2MM [get_bd_addr_segs processing_system7_0/S_AXI_HP0/HP0_DDR_LOWOCM]\n",
       ""}},
     "address", "axi_dma_1/Data_S2MM has no memory segment assigned"},
    {"hwh_under_another_stem", {{"[file join $script_dir mixer.hwh]", "[file join $script_dir mixer_bd.hwh]"}}, "artifacts",
     "they must share a folder and a stem"},
    {"bit_under_another_name", {{"[file join $script_dir mixer.bit]", "[file join $script_dir overlay.bit]"}}, "artifacts",
     "the bitstream is copied to"},
    {"bitstream_not_copied", {{"file copy -force [file join [get_property DIRECTORY", "puts [file join [get_property DIRECTORY"}},
     "artifacts", "does not copy the bitstream"},
    {"stream_connection_deleted",
     {{"connect_bd_intf_net [get_bd_intf_pins axi_dma_1/M_AXIS_MM2S] [get_bd_intf_pins mixer_0/b]\n", ""}}, "stream",
     "kernel stream port mixer_0/b is not connected"},
    {"stream_to_wrong_dma",
     {{"[get_bd_intf_pins mixer_0/z] [get_bd_intf_pins axi_dma_1/S_AXIS_S2MM]", "[get_bd_intf_pins mixer_0/z] [get_bd_intf_pins axi_dma_2/S_AXIS_S2MM]"}},
     "stream", "mixer_0/z is connected to axi_dma_2/S_AXIS_S2MM, expected axi_dma_1/S_AXIS_S2MM"},
    {"wrong_clock", {{"processing_system7_0/FCLK_CLK0] [get_bd_pins mixer_0/ap_clk]", "processing_system7_0/FCLK_CLK1] [get_bd_pins mixer_0/ap_clk]"}},
     "clock", "mixer_0/ap_clk is not connected to FCLK_CLK0"},
    {"clock_frequency_other_than_manifest", {{"PCW_FPGA0_PERIPHERAL_FREQMHZ {125}", "PCW_FPGA0_PERIPHERAL_FREQMHZ {100}"}}, "clock",
     "FCLK_CLK0 is set to '100' MHz"},
    {"clock_frequency_rounded_away", {{"PCW_FPGA0_PERIPHERAL_FREQMHZ {125}", "PCW_FPGA0_PERIPHERAL_FREQMHZ {125.1}"}}, "clock",
     "FCLK_CLK0 is set to '125.1' MHz"},
    {"fclk_divisor_out_of_range", {{"CONFIG.PCW_FCLK0_PERIPHERAL_DIVISOR0 {4}", "CONFIG.PCW_FCLK0_PERIPHERAL_DIVISOR0 {64}"}},
     "processing_system", "PCW_FCLK0_PERIPHERAL_DIVISOR0 is 64 (1 to 63)"},
    {"clock_connection_deleted", {{"connect_bd_net " + clock0 + "[get_bd_pins axi_dma_0/m_axi_s2mm_aclk]\n", ""}}, "clock",
     "axi_dma_0/m_axi_s2mm_aclk is not connected"},
    {"reset_connection_deleted", {{"connect_bd_net [get_bd_pins rst_ps7_0/peripheral_aresetn] [get_bd_pins axi_dma_1/axi_resetn]\n", ""}},
     "reset", "axi_dma_1/axi_resetn is not connected"},
    {"reset_block_from_wrong_source", {{"processing_system7_0/FCLK_RESET0_N]", "processing_system7_0/FCLK_CLK0]"}}, "reset",
     "rst_ps7_0/ext_reset_in is not driven"},
    {"duplicated_cell_name", {{"xilinx.com:ip:axi_dma:7.1 axi_dma_1", "xilinx.com:ip:axi_dma:7.1 axi_dma_0"}}, "script",
     "cell 'axi_dma_0' already exists"},
    {"dma_interface_pin_misnamed", {{"axi_dma_0/M_AXIS_MM2S]", "axi_dma_0/M_AXIS_MM2S_0]"}}, "pin", "axi_dma has no pin M_AXIS_MM2S_0"},
    {"ps_interface_pin_misnamed", {{"[get_bd_intf_pins processing_system7_0/S_AXI_HP0]", "[get_bd_intf_pins processing_system7_0/S_AXI_HP4]"}},
     "pin", "processing_system7 has no pin S_AXI_HP4"},
    {"kernel_pin_misnamed", {{"[get_bd_intf_pins mixer_0/c]", "[get_bd_intf_pins mixer_0/in_c]"}}, "pin", "the kernel has no pin in_c"},
    {"concat_pin_misnamed", {{"[get_bd_pins irq_concat/dout]", "[get_bd_pins irq_concat/out]"}}, "pin", "xlconcat has no pin out"},
    {"interconnect_port_beyond_num_mi", {{"CONFIG.NUM_MI {5}", "CONFIG.NUM_MI {4}"}}, "interconnect",
     "ps7_0_axi_periph/M04_AXI is used but ps7_0_axi_periph has NUM_MI=4"},
    {"memory_path_deleted",
     {{"connect_bd_intf_net [get_bd_intf_pins axi_mem_intercon/M00_AXI] [get_bd_intf_pins processing_system7_0/S_AXI_HP0]\n", ""}},
     "memory_path", "axi_dma_0/M_AXI_MM2S does not reach"},
    {"kernel_control_unwired",
     {{"connect_bd_intf_net [get_bd_intf_pins ps7_0_axi_periph/M03_AXI] [get_bd_intf_pins mixer_0/s_axi_control]\n", ""}},
     "register_path", "mixer_0/s_axi_control does not reach"},
    {"scatter_gather_included", {{"CONFIG.c_include_sg {0}", "CONFIG.c_include_sg {1}"}}, "dma", "axi_dma_0: scatter-gather is included"},
    {"length_width_other_than_manifest", {{"CONFIG.c_sg_length_width {26}", "CONFIG.c_sg_length_width {14}"}}, "dma",
     "axi_dma_0: c_sg_length_width is 14, the manifest says 26"},
    {"part_other_than_manifest", {{"-part xc7z020clg400-1", "-part xc7z010clg400-1"}}, "project", "part xc7z010clg400-1 differs"},
    {"validation_removed", {{"validate_bd_design\n", ""}}, "flow", "validate_bd_design is never called"},
};

class TclMutationTest : public ::testing::TestWithParam<Mutation> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(scratch_dir("tclcheck_mutations"));
    generate_kernel(*dir_, "mixer");
    original_ = new std::string(read_text(script()));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete original_;
  }
  void TearDown() override { write_text(script(), *original_); }

  static std::filesystem::path script() { return *dir_ / "mixer/vivado/build_bd.tcl"; }
  static Report check() {
    Options options;
    options.script = script();
    return run_tcl_check(options);
  }

  static std::filesystem::path* dir_;
  static std::string* original_;
};
std::filesystem::path* TclMutationTest::dir_ = nullptr;
std::string* TclMutationTest::original_ = nullptr;

TEST_F(TclMutationTest, TheScriptAsGeneratedPasses) {
  const Report report = check();
  EXPECT_TRUE(report.passed()) << describe(report);
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  ASSERT_TRUE(report.manifest);
  EXPECT_EQ(report.manifest->filename(), "manifest.json");
}

TEST_P(TclMutationTest, IsCaughtAsAnError) {
  const Mutation& m = GetParam();
  write_text(script(), edited(*original_, m.edits));
  const Report report = check();
  EXPECT_FALSE(report.passed());
  EXPECT_TRUE(has_error(report, m.check, m.text)) << "expected an error [" << m.check << "] naming '" << m.text << "'\n"
                                                  << describe(report);
}

INSTANTIATE_TEST_SUITE_P(Mutations, TclMutationTest, ::testing::ValuesIn(mutations),
                         [](const ::testing::TestParamInfo<Mutation>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace zynqnn::tclcheck
