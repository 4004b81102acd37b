#include "zynqnn/estimate/resources.hpp"

#include <algorithm>
#include <limits>

namespace zynqnn::estimate {

DeviceBudget xc7z020() { return DeviceBudget{"xc7z020", Resources{53200, 106400, 280, 220}}; }

std::vector<Overflow> overflows(const Resources& used, const DeviceBudget& budget, double fraction) {
  std::vector<Overflow> result;
  const auto check = [&](const char* name, double u, double available) {
    if (u > available * fraction) result.push_back(Overflow{name, u, available * fraction});
  };
  check("lut", used.lut, budget.available.lut);
  check("ff", used.ff, budget.available.ff);
  check("bram18", used.bram18, budget.available.bram18);
  check("dsp", used.dsp, budget.available.dsp);
  return result;
}

int bram18_for(long long depth, long long width_bits) {
  if (depth <= 0 || width_bits <= 0) return 0;
  struct Shape {
    long long depth, width;
  };
  static constexpr Shape kShapes[] = {{16384, 1}, {8192, 2}, {4096, 4}, {2048, 9}, {1024, 18}, {512, 36}};
  long long best = std::numeric_limits<long long>::max();
  for (const auto& s : kShapes) {
    const long long count = ((depth + s.depth - 1) / s.depth) * ((width_bits + s.width - 1) / s.width);
    best = std::min(best, count);
  }
  return static_cast<int>(std::min<long long>(best, std::numeric_limits<int>::max()));
}

}  // namespace zynqnn::estimate
