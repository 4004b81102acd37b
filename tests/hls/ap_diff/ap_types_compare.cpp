// Runs the case program built on zynqnn's C-simulation headers and the one built on Xilinx's
// ap_types, and compares their outputs line by line ("<category> <operation> -> <result>").
// Prints the cases per category, each differing case with both results (the first 20), and a
// summary line; fails on any difference.
// Usage: ap_types_compare ZYNQNN_PROGRAM XILINX_PROGRAM
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

// The program's standard output, one string per line; false if it could not run or failed.
bool run(const std::string& program, std::vector<std::string>& lines) {
  FILE* out = popen(("'" + program + "'").c_str(), "r");
  if (out == nullptr) return false;
  std::string line;
  for (int c = std::fgetc(out); c != EOF; c = std::fgetc(out)) {
    if (c != '\n') {
      line += static_cast<char>(c);
      continue;
    }
    lines.push_back(line);
    line.clear();
  }
  return pclose(out) == 0 && line.empty();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s ZYNQNN_PROGRAM XILINX_PROGRAM\n", argv[0]);
    return 2;
  }
  std::vector<std::string> zynqnn, xilinx;
  if (!run(argv[1], zynqnn) || !run(argv[2], xilinx)) {
    std::printf("a case program failed: %s (%zu lines), %s (%zu lines)\n", argv[1], zynqnn.size(), argv[2],
                xilinx.size());
    return 1;
  }
  if (zynqnn.size() != xilinx.size()) {
    std::printf("different numbers of cases: %zu on zynqnn's headers, %zu on Xilinx's\n", zynqnn.size(),
                xilinx.size());
    return 1;
  }
  std::map<std::string, long> per_category;
  long differing = 0;
  for (std::size_t i = 0; i < xilinx.size(); ++i) {
    ++per_category[xilinx[i].substr(0, xilinx[i].find(' '))];
    if (zynqnn[i] == xilinx[i]) continue;
    if (++differing <= 20) {
      const std::size_t arrow = xilinx[i].rfind(" -> ");
      std::printf("differs: %s\n  zynqnn: %s\n  xilinx: %s\n", xilinx[i].substr(0, arrow).c_str(),
                  zynqnn[i].substr(zynqnn[i].rfind(" -> ") + 4).c_str(), xilinx[i].substr(arrow + 4).c_str());
    }
  }
  for (const auto& [category, count] : per_category) std::printf("%-16s %8ld cases\n", category.c_str(), count);
  if (differing > 0) {
    std::printf("%ld of %zu cases differ between zynqnn's and Xilinx's ap_types\n", differing, xilinx.size());
    return 1;
  }
  std::printf("%zu cases on zynqnn's and Xilinx's ap_types, all identical\n", xilinx.size());
  return 0;
}
