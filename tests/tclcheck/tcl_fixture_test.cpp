// Scripts Vivado exported (write_bd_tcl) from PYNQ designs, and their hardware handoffs.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tcl_check_support.hpp"
#include "tclcheck/ip_catalog.hpp"

namespace zynqnn::tclcheck {
namespace {

using namespace zynqnn::testing;
using namespace zynqnn::tclcheck::testing;

std::filesystem::path fixture(const std::string& path) { return std::filesystem::path(ZYNQNN_FIXTURES_DIR) / path; }

struct Exported {
  const char* script;
  std::size_t cells, interface_nets, nets, addresses;
};

TEST(TclCheckExported, PassWithWarningsAtMostAndBuildTheirDesign) {
  for (const Exported& e : {Exported{"pynq_workshop_axi_gpio.tcl", 6, 9, 4, 3}, Exported{"pynq_workshop_dma_tutorial.tcl", 8, 11, 4, 4},
                            Exported{"pynq_workshop_ps_gpio.tcl", 3, 2, 5, 0}}) {
    SCOPED_TRACE(e.script);
    Options options;
    options.script = fixture(std::string("tcl/") + e.script);
    const Report report = run_tcl_check(options);
    EXPECT_TRUE(report.passed()) << describe(report);
    EXPECT_EQ(report.design.part, "xc7z020clg400-1");
    EXPECT_EQ(report.design.cells.size(), e.cells);
    EXPECT_EQ(report.design.intf_nets.size(), e.interface_nets);
    EXPECT_EQ(report.design.nets.size(), e.nets);
    EXPECT_EQ(report.design.addresses.size(), e.addresses);
    EXPECT_TRUE(report.design.unknown_commands.empty());
    EXPECT_FALSE(report.design.script_error) << *report.design.script_error;
  }
}

TEST(TclCheckExported, RecordsTheDmaTutorialsAddressesAndWidths) {
  Options options;
  options.script = fixture("tcl/pynq_workshop_dma_tutorial.tcl");
  const Report report = run_tcl_check(options);
  EXPECT_EQ(report.design.cells.at("axi_dma_from_pl_to_ps").config.at("c_include_mm2s"), "0");
  bool found = false;
  for (const auto& a : report.design.addresses) {
    if (a.segment == "axi_dma_from_ps_to_pl/S_AXI_LITE/Reg") {
      found = true;
      EXPECT_EQ(a.space, "/processing_system7_0/Data");
      EXPECT_EQ(*a.offset, 0x40410000u);
      EXPECT_EQ(*a.range, 0x10000u);
    }
  }
  EXPECT_TRUE(found);
}

// The processing system's property table holds every PCW_* parameter a .hwh records.
TEST(TclCheckExported, KnowsEveryProcessingSystemPropertyOfTheHandoffs) {
  static const std::regex parameter(R"re(NAME="(PCW_[A-Z0-9_]+)")re");
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixture("hwh"))) {
    const std::string text = read_text(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), parameter), end; it != end; ++it) names.insert((*it)[1].str());
  }
  EXPECT_GT(names.size(), 800u);
  for (const auto& name : names) EXPECT_TRUE(is_pcw_property(name)) << name;
  EXPECT_TRUE(is_pcw_property("pcw_fclk0_peripheral_divisor0"));
  EXPECT_FALSE(is_pcw_property("PCW_S_AXI_HP0_DATAWIDTH"));
}

}  // namespace
}  // namespace zynqnn::tclcheck
