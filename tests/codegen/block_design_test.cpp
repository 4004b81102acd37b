// The generated block design: valid Tcl for any number of inputs and outputs, passing the
// structural check; the processing system configured from the board's recorded settings
// (equal to a real PYNQ-Z2 handoff); the DMA interrupts behind an AXI interrupt controller;
// the reachable PL clock; the timing check; the HLS tool build.sh picks.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "accelerator/board_from_manifest.hpp"
#include "test_support.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/hwh/design.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/spec/board_ps7.hpp"
#include "zynqnn/spec/kernel_spec.hpp"
#include "zynqnn/tclcheck/tcl_check.hpp"

namespace zynqnn::codegen {
namespace {

using testing::read_text;
using testing::run;
using testing::scratch_dir;
using testing::sh_quote;
using testing::write_text;

// A kernel with `inputs` int32 inputs and `outputs` int32 outputs of 16 elements, with a
// compute function of that signature, written to DIR and loaded as a spec.
spec::KernelSpec kernel_of(const std::filesystem::path& dir, const std::string& name, int inputs, int outputs,
                           const std::string& board, double clock_mhz) {
  std::string streams, params;
  for (int i = 0; i < inputs + outputs; ++i) {
    const bool in = i < inputs;
    const std::string s = (in ? "in" : "out") + std::to_string(in ? i : i - inputs);
    streams += std::string(i ? ",\n" : "") + R"({"name": ")" + s + R"(", "direction": ")" + (in ? "in" : "out") +
               R"(", "type": "int32", "shape": [16]})";
    params += std::string(i ? ", " : "") + "hls::stream<int>& " + s;
  }
  write_text(dir / (name + ".cpp"), "#include \"hls_stream.h\"\nvoid " + name + "_f(" + params + ") {}\n");
  std::ostringstream json;
  json << R"({"kernel": ")" << name << R"(", "board": ")" << board << R"(", "clock_mhz": )" << clock_mhz
       << R"(, "control": "axilite", "streams": [)" << streams << R"(], "compute": {"source": ")" << name
       << R"(.cpp", "function": ")" << name << R"(_f"}})";
  write_text(dir / (name + ".json"), json.str());
  return spec::load_kernel_spec(dir / (name + ".json"));
}

class BlockDesignTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = new std::filesystem::path(scratch_dir("block_design")); }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  // Generates the kernel (no host build) and returns its folder; the generation itself runs
  // the structural check and throws when it finds an error.
  static std::filesystem::path generate_kernel(const std::string& name, int inputs, int outputs,
                                               const std::string& board = "pynq-z2", double clock_mhz = 100) {
    const spec::KernelSpec spec = kernel_of(*dir_, name, inputs, outputs, board, clock_mhz);
    GenerateOptions options;
    options.output_dir = *dir_ / (name + "_out");
    options.build_sim = false;
    const GenerateResult result = generate(spec, options);
    EXPECT_TRUE(result.block_design_checked) << result.block_design_skipped_reason;
    return options.output_dir;
  }

  static tclcheck::Report check(const std::filesystem::path& folder) {
    tclcheck::Options options;
    options.script = folder / "vivado/build_bd.tcl";
    return tclcheck::run_tcl_check(options);
  }

  static std::filesystem::path* dir_;
};
std::filesystem::path* BlockDesignTest::dir_ = nullptr;

TEST_F(BlockDesignTest, AnyNumberOfInputsAndOutputsGivesValidTclThatPassesTheCheck) {
  for (const auto& [inputs, outputs] : {std::pair{1, 2}, std::pair{2, 1}, std::pair{3, 3}}) {
    const std::string name = "k" + std::to_string(inputs) + "x" + std::to_string(outputs);
    const auto folder = generate_kernel(name, inputs, outputs);
    const std::string tcl = read_text(folder / "vivado/build_bd.tcl");
    // No blank line continues a `\` line (Tcl would end the command there).
    std::istringstream lines(tcl);
    std::string previous;
    int number = 0;
    for (std::string line; std::getline(lines, line); previous = line) {
      ++number;
      if (!previous.empty() && previous.back() == '\\') {
        EXPECT_FALSE(line.find_first_not_of(' ') == std::string::npos) << name << " line " << number;
      }
    }
    const tclcheck::Report report = check(folder);
    EXPECT_FALSE(report.design.script_error) << name << ": " << report.design.script_error.value_or("");
    for (const auto& f : report.findings) EXPECT_NE(f.severity, "error") << name << ": " << f.message;
    // One DMA per stream pair, each with the channels its streams use.
    const std::size_t dmas = static_cast<std::size_t>(std::max(inputs, outputs));
    for (std::size_t k = 0; k < dmas; ++k) {
      const auto& cell = report.design.cells.at("axi_dma_" + std::to_string(k));
      EXPECT_EQ(cell.config.at("c_include_mm2s"), k < static_cast<std::size_t>(inputs) ? "1" : "0") << name;
      EXPECT_EQ(cell.config.at("c_include_s2mm"), k < static_cast<std::size_t>(outputs) ? "1" : "0") << name;
    }
  }
}

TEST_F(BlockDesignTest, ProcessingSystemSettingsEqualARealPynqZ2Handoff) {
  // The fixture is a Vivado 2020.2 design made for tul.com.tw:pynq-z2 with the board's preset,
  // FCLK0 at 100 MHz.
  const hwh::Design handoff =
      hwh::read_hwh(std::filesystem::path(ZYNQNN_FIXTURES_DIR) / "hwh/pynq_tutorials_dma_axis_ip_example.hwh");
  const hwh::Module* ps7 = nullptr;
  for (const auto& m : handoff.modules) {
    if (m.modtype == "processing_system7") ps7 = &m;
  }
  ASSERT_NE(ps7, nullptr);
  const auto folder = generate_kernel("ps_z2", 1, 1, "pynq-z2", 100);
  const tclcheck::Report report = check(folder);
  const auto& config = report.design.cells.at("processing_system7_0").config;
  std::size_t compared = 0;
  for (const auto& [key, value] : config) {
    const std::string* recorded = ps7->parameter(key);
    // The interfaces and interrupt the design itself uses are not board settings.
    if (key.starts_with("PCW_USE_") || key.starts_with("PCW_S_AXI_HP0") || key == "PCW_IRQ_F2P_INTR") continue;
    ASSERT_NE(recorded, nullptr) << key;
    EXPECT_EQ(value, *recorded) << key;
    ++compared;
  }
  // Every board setting, and FCLK0's frequency, source and divisors.
  EXPECT_EQ(compared, spec::ps7_board(*spec::find_board("pynq-z2")).settings.size() + 5);
  EXPECT_EQ(*ps7->parameter("PCW_IO_IO_PLL_FREQMHZ"), "1000.000");
}

TEST_F(BlockDesignTest, BoardFilesAreUsedOnlyWhenVivadoHasThem) {
  const auto folder = generate_kernel("board_files", 1, 1, "pynq-z1", 100);
  const std::string tcl = read_text(folder / "vivado/build_bd.tcl");
  EXPECT_NE(tcl.find("set board_files [expr {[get_board_parts -quiet www.digilentinc.com:pynq-z1:part0:1.0] ne \"\"}]"),
            std::string::npos);
  EXPECT_NE(tcl.find("if {$board_files} {\n  set_property board_part www.digilentinc.com:pynq-z1:part0:1.0"),
            std::string::npos);
  // Without them (the model finds none, as a stock Vivado), no board part is set and the
  // settings are applied.
  const tclcheck::Report report = check(folder);
  EXPECT_TRUE(report.design.board_part.empty());
  EXPECT_EQ(report.design.cells.at("processing_system7_0").config.at("PCW_UIPARAM_DDR_FREQ_MHZ"), "525");
  EXPECT_EQ(report.design.cells.at("processing_system7_0").config.at("PCW_CRYSTAL_PERIPHERAL_FREQMHZ"), "50");
}

TEST_F(BlockDesignTest, InterruptsReachIrqF2pZeroThroughAnInterruptController) {
  const auto folder = generate_kernel("irq", 2, 3);
  const tclcheck::Report report = check(folder);
  const auto& d = report.design;
  EXPECT_EQ(d.cells.at("axi_intc_0").vlnv, "xilinx.com:ip:axi_intc:4.1");
  auto joined = [&d](const std::string& a, const std::string& b) {
    for (const auto& net : d.nets) {
      if (std::find(net.begin(), net.end(), a) != net.end() && std::find(net.begin(), net.end(), b) != net.end()) return true;
    }
    return false;
  };
  EXPECT_TRUE(joined("axi_intc_0/irq", "processing_system7_0/IRQ_F2P"));
  EXPECT_TRUE(joined("irq_concat/dout", "axi_intc_0/intr"));
  for (const auto& net : d.nets) {
    if (std::find(net.begin(), net.end(), "processing_system7_0/IRQ_F2P") != net.end()) {
      EXPECT_EQ(net.size(), 2u);
    }
  }
  const manifest::Manifest m = manifest::load_manifest(folder / "manifest.json");
  ASSERT_TRUE(m.interrupt_controller);
  EXPECT_EQ(m.interrupt_controller->name, "axi_intc_0");
  EXPECT_EQ(m.interrupt_controller->base_address, interrupt_controller_base_address);
  bool assigned = false;
  for (const auto& a : d.addresses) {
    if (a.segment == "axi_intc_0/S_AXI/Reg") assigned = a.offset == m.interrupt_controller->base_address;
  }
  EXPECT_TRUE(assigned);
  // Each channel's interrupt is the controller input its concat port feeds.
  for (const auto& dma : m.dmas) {
    for (const auto& [input, pin] : {std::pair{dma.mm2s_interrupt, "/mm2s_introut"}, std::pair{dma.s2mm_interrupt, "/s2mm_introut"}}) {
      if (!input) continue;
      EXPECT_TRUE(joined(dma.name + pin, "irq_concat/In" + std::to_string(*input))) << dma.name << pin;
    }
  }
  EXPECT_EQ(m.dmas[2].mm2s_interrupt, std::nullopt);
  EXPECT_EQ(m.dmas[2].s2mm_interrupt, 4);
}

TEST_F(BlockDesignTest, TheClockIsTheReachableOneAndTheManifestRecordsBoth) {
  const auto folder = generate_kernel("clock150", 1, 1, "pynq-z1", 150);
  const manifest::Manifest m = manifest::load_manifest(folder / "manifest.json");
  EXPECT_DOUBLE_EQ(m.requested_clock_mhz, 150.0);
  EXPECT_NEAR(m.clock_mhz, 1000.0 / 7, 1e-9);
  // The virtual board's modeled time runs at the clock the hardware has.
  EXPECT_DOUBLE_EQ(zynqnn::virtual_board_config(m).pl_clock_mhz, m.clock_mhz);
  const tclcheck::Report report = check(folder);
  const auto& ps7 = report.design.cells.at("processing_system7_0").config;
  EXPECT_EQ(ps7.at("PCW_FPGA0_PERIPHERAL_FREQMHZ"), "142.857142857");
  EXPECT_EQ(ps7.at("PCW_FCLK0_PERIPHERAL_DIVISOR0"), "7");
  EXPECT_EQ(ps7.at("PCW_FCLK0_PERIPHERAL_DIVISOR1"), "1");
  // HLS synthesizes for the same clock.
  EXPECT_NE(read_text(folder / "hls/run_hls.tcl").find("create_clock -period 7 -name default"), std::string::npos);
  EXPECT_NE(clock_note(150.0, m.clock_mhz).find("142.857142857 MHz, not the requested 150 MHz"), std::string::npos);
  EXPECT_EQ(clock_note(100.0, 100.0), "");
}

TEST_F(BlockDesignTest, BitAndHwhAreCopiedOnlyAfterTimingIsMet) {
  const auto folder = generate_kernel("timing", 1, 1);
  const std::string tcl = read_text(folder / "vivado/build_bd.tcl");
  const auto wns = tcl.find("set wns [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -setup]]");
  const auto whs = tcl.find("set whs [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -hold]]");
  const auto fail = tcl.find("if {$wns < 0 || $whs < 0} {\n  error \"timing not met");
  const auto copy = tcl.find("file copy");
  ASSERT_NE(wns, std::string::npos);
  ASSERT_NE(whs, std::string::npos);
  ASSERT_NE(fail, std::string::npos);
  EXPECT_LT(wns, fail);
  EXPECT_LT(whs, fail);
  EXPECT_LT(fail, copy);
  EXPECT_NE(tcl.find("report_timing_summary -max_paths 10 -file $timing_report"), std::string::npos);
  // The handoff from its generated place (.gen from 2020.2 on, .srcs before), under the
  // bitstream's stem.
  EXPECT_NE(tcl.find("[file join $project_dir $project_name.gen sources_1 bd $bd_name hw_handoff $bd_name.hwh]"),
            std::string::npos);
  EXPECT_NE(tcl.find("[file join $project_dir $project_name.srcs sources_1 bd $bd_name hw_handoff $bd_name.hwh]"),
            std::string::npos);
  EXPECT_NE(tcl.find("[file join $script_dir timing.bit]"), std::string::npos);
  EXPECT_NE(tcl.find("file copy -force $hwh [file join $script_dir timing.hwh]"), std::string::npos);
}

// build.sh with fake tools on PATH: which HLS command it runs.
std::string hls_command_used(const std::filesystem::path& folder, const std::vector<std::string>& tools) {
  const auto bin = folder / ("fake_bin_" + std::to_string(tools.size()));
  std::filesystem::remove_all(bin);
  std::filesystem::create_directories(bin);
  const auto log = folder / "tools.log";
  std::filesystem::remove(log);
  for (const auto& tool : tools) {
    write_text(bin / tool, "#!/bin/sh\necho \"" + tool + " $*\" >> " + sh_quote(log.string()) + "\n");
    std::filesystem::permissions(bin / tool, std::filesystem::perms::owner_all);
  }
  std::string output;
  const int status = run("env PATH=" + sh_quote(bin.string()) + ":/usr/bin:/bin sh " +
                             sh_quote((folder / "vivado/build.sh").string()),
                         output);
  EXPECT_EQ(status, 0) << output;
  return read_text(log);
}

TEST_F(BlockDesignTest, BuildScriptPicksTheHlsToolOnPath) {
  const auto folder = generate_kernel("tools", 1, 1);
  EXPECT_EQ(hls_command_used(folder, {"vitis-run", "vitis_hls", "vivado_hls", "vivado"}),
            "vitis-run --mode hls --tcl run_hls.tcl\nvivado -mode batch -nojournal -nolog -source build_bd.tcl\n");
  EXPECT_EQ(hls_command_used(folder, {"vitis_hls", "vivado_hls", "vivado"}),
            "vitis_hls -f run_hls.tcl\nvivado -mode batch -nojournal -nolog -source build_bd.tcl\n");
  EXPECT_EQ(hls_command_used(folder, {"vivado_hls", "vivado"}),
            "vivado_hls -f run_hls.tcl\nvivado -mode batch -nojournal -nolog -source build_bd.tcl\n");
  std::string output;
  EXPECT_EQ(run("env PATH=/usr/bin:/bin sh " + sh_quote((folder / "vivado/build.sh").string()), output), 3);
  EXPECT_NE(output.find("not installed or not on PATH: vitis-run/vitis_hls/vivado_hls vivado"), std::string::npos)
      << output;
}

}  // namespace
}  // namespace zynqnn::codegen
