#include "zynqnn/spec/fclk.hpp"

#include <cmath>
#include <string>

#include "zynqnn/core/error.hpp"

namespace zynqnn::spec {

FclkChoice reachable_fclk(double requested_mhz, double io_pll_mhz) {
  if (!(requested_mhz > 0) || !std::isfinite(requested_mhz) || !(io_pll_mhz > 0) || !std::isfinite(io_pll_mhz)) {
    throw Error(ErrorCode::invalid_argument, "the PL clock and the IO PLL must be positive frequencies in MHz",
                "reachable_fclk");
  }
  // A relative tolerance, so that a request written as the divided value (142.857142857)
  // is reached by it.
  const double limit = requested_mhz * (1 + 1e-9);
  for (int total = 1; total <= fclk_max_divisor * fclk_max_divisor; ++total) {
    if (io_pll_mhz / total > limit) continue;
    // The smallest total divisor that does not exceed the request: now the most balanced
    // factor pair of it, if it has one within 1..63.
    for (int d1 = static_cast<int>(std::sqrt(static_cast<double>(total))); d1 >= 1; --d1) {
      if (total % d1 != 0) continue;
      const int d0 = total / d1;
      if (d0 > fclk_max_divisor) break;
      return {io_pll_mhz / total, d0, d1};
    }
  }
  throw Error(ErrorCode::invalid_argument,
              "no FCLK divisors reach " + std::to_string(requested_mhz) + " MHz or less from the IO PLL at " +
                  std::to_string(io_pll_mhz) + " MHz",
              "reachable_fclk");
}

}  // namespace zynqnn::spec
