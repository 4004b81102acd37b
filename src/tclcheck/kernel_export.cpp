#include "tclcheck/kernel_export.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace zynqnn::tclcheck {

std::optional<std::string> exported_kernel_vlnv(const std::filesystem::path& run_hls_tcl) {
  std::ifstream in(run_hls_tcl);
  if (!in) return std::nullopt;
  std::string top;
  std::optional<std::map<std::string, std::string>> exported;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.empty()) continue;
    if (w[0] == "set_top" && w.size() > 1) top = w[1];
    if (w[0] != "export_design") continue;
    exported.emplace();
    for (std::size_t i = 1; i + 1 < w.size(); ++i) {
      if (w[i].size() > 1 && w[i][0] == '-') (*exported)[w[i].substr(1)] = w[i + 1];
    }
  }
  if (!exported) return std::nullopt;
  auto get = [&](const char* key, const std::string& fallback) {
    auto it = exported->find(key);
    return it == exported->end() ? fallback : it->second;
  };
  return get("vendor", "xilinx.com") + ":" + get("library", "hls") + ":" + get("ipname", top) + ":" +
         get("version", "1.0");
}

}  // namespace zynqnn::tclcheck
