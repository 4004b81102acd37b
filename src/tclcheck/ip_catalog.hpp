#pragma once
// What tcl-check knows of the Xilinx IP a PYNQ block design uses: the VLNVs that exist in
// the Vivado releases PYNQ images are built with (2020.1 to 2024.x), the processing
// system's CONFIG.PCW_* property names, and the pin names of the IPs it checks wiring of.
#include <optional>
#include <string>
#include <vector>

namespace zynqnn::tclcheck {

// A VLNV split into its four parts; nullopt when it does not have four.
struct Vlnv {
  std::string vendor, library, name, version;
  std::string text() const { return vendor + ":" + library + ":" + name + ":" + version; }
};
std::optional<Vlnv> parse_vlnv(const std::string& text);

// The versions of xilinx.com:ip:NAME that exist; empty when NAME is not in the table.
std::vector<std::string> known_versions(const std::string& ip_name);

// Whether NAME (without "CONFIG.", any case) is a property of processing_system7.
bool is_pcw_property(const std::string& name);

// Whether PIN (a pin or interface pin name) exists on the IP named IP_NAME; nullopt when
// the pins of that IP are not in the table.
std::optional<bool> ip_has_pin(const std::string& ip_name, const std::string& pin);

}  // namespace zynqnn::tclcheck
