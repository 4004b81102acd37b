#include "tclcheck/ip_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace zynqnn::tclcheck {

extern const char* const pcw_properties_text;

namespace {

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::optional<Vlnv> parse_vlnv(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  if (parts.size() != 4 || std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); })) {
    return std::nullopt;
  }
  return Vlnv{parts[0], parts[1], parts[2], parts[3]};
}

std::vector<std::string> known_versions(const std::string& ip_name) {
  // The IP a PYNQ overlay or an HLS accelerator design instantiates, at the versions Vivado
  // 2020.1-2024.x ship (most have not changed version in that span).
  static const std::map<std::string, std::vector<std::string>> table{
      {"processing_system7", {"5.5"}},  {"axi_dma", {"7.1"}},
      {"axi_intc", {"4.1"}},            {"xlconcat", {"2.1"}},
      {"xlconstant", {"1.1"}},          {"xlslice", {"1.0"}},
      {"axi_interconnect", {"2.1"}},    {"smartconnect", {"1.0"}},
      {"proc_sys_reset", {"5.0"}},      {"axi_gpio", {"2.0"}},
      {"axis_data_fifo", {"1.1", "2.0"}}, {"clk_wiz", {"6.0"}},
      {"axi_bram_ctrl", {"4.1"}},       {"blk_mem_gen", {"8.4"}},
      {"axi_vdma", {"6.3"}},            {"axi_iic", {"2.1"}},
      {"axi_uartlite", {"2.0"}},        {"axi_timer", {"2.0"}},
      {"axi_quad_spi", {"3.2"}},        {"axis_dwidth_converter", {"1.1"}},
      {"axis_register_slice", {"1.1"}}, {"axis_switch", {"1.1"}},
      {"axis_subset_converter", {"1.1"}}, {"axis_clock_converter", {"1.1"}},
      {"axi_register_slice", {"2.1"}},  {"axi_protocol_converter", {"2.1"}},
      {"axi_crossbar", {"2.1"}},        {"axi_dwidth_converter", {"2.1"}},
      {"axi_clock_converter", {"2.1"}}, {"axi_datamover", {"5.1"}},
      {"util_vector_logic", {"2.0"}},   {"util_reduced_logic", {"2.0"}},
      {"util_ds_buf", {"2.1", "2.2"}},  {"system_ila", {"1.1"}},
      {"ila", {"6.2"}},                 {"xadc_wiz", {"3.3"}},
  };
  auto it = table.find(ip_name);
  return it == table.end() ? std::vector<std::string>{} : it->second;
}

bool is_pcw_property(const std::string& name) {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    std::istringstream lines(pcw_properties_text);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line[0] != '#') out.insert(line);
    }
    return out;
  }();
  return names.count(upper(name)) != 0;
}

std::optional<bool> ip_has_pin(const std::string& ip_name, const std::string& pin) {
  // Pin and interface pin names, from the IPs' port tables (PG021, PG082, PG059, PG247,
  // PG164, PG099, UG585 for the processing system's PL interface).
  static const std::map<std::string, std::regex> pins{
      {"processing_system7",
       std::regex(R"(^(FCLK_CLK[0-3]|FCLK_RESET[0-3]_N|FCLK_CLKTRIG[0-3]_N|M_AXI_GP[01](_ACLK|_ARESETN)?|)"
                  R"(S_AXI_(HP[0-3]|GP[01]|ACP)(_ACLK|_ARESETN|_FIFO_CTRL)?|IRQ_F2P|IRQ_P2F_\w+|)"
                  R"(Core[01]_n(IRQ|FIQ)|DDR|FIXED_IO|GPIO_[0IOT]+|(IIC|SPI|UART|SDIO|CAN|ENET|USB|TTC|WDT)[01]?_?\w*|)"
                  R"(USBIND_[01]|DMA[0-3]_\w+|EVENT_\w+|FTMD_\w+|FTMT_\w+|TRACE_\w+|PJTAG|MIO|PS_\w+|)"
                  R"(DDR_\w+|SDIO[01]_\w+|FPGA_IDLE_N|MDIO[01]|EMIO\w*)$)")},
      {"axi_dma",
       std::regex(R"(^(S_AXI_LITE|M_AXI_(MM2S|S2MM|SG)|M_AXIS_(MM2S|CNTRL)|S_AXIS_(S2MM|STS)|)"
                  R"(s_axi_lite_aclk|m_axi_(mm2s|s2mm|sg)_aclk|axi_resetn|(mm2s|s2mm)_introut|)"
                  R"(mm2s_prmry_reset_out_n|s2mm_prmry_reset_out_n|mm2s_cntrl_reset_out_n|s2mm_sts_reset_out_n|)"
                  R"(axi_dma_tstvec)$)")},
      {"axi_interconnect", std::regex(R"(^([SM]\d\d_(AXI|ACLK|ARESETN)|ACLK|ARESETN)$)")},
      {"smartconnect", std::regex(R"(^([SM]\d\d_AXI|aclk\d?|aresetn)$)")},
      {"proc_sys_reset",
       std::regex(R"(^(slowest_sync_clk|ext_reset_in|aux_reset_in|mb_debug_sys_rst|dcm_locked|mb_reset|)"
                  R"(bus_struct_reset|peripheral_reset|interconnect_aresetn|peripheral_aresetn)$)")},
      {"xlconcat", std::regex(R"(^(In\d+|dout)$)")},
      {"axi_intc",
       std::regex(R"(^(s_axi|s_axi_aclk|s_axi_aresetn|intr|irq|interrupt|processor_clk|processor_rst|)"
                  R"(interrupt_address|processor_ack)$)")},
  };
  auto it = pins.find(ip_name);
  if (it == pins.end()) return std::nullopt;
  return std::regex_match(pin, it->second);
}

}  // namespace zynqnn::tclcheck
