#pragma once
// The PL clock FCLK_CLK0 a Zynq PS7 can make: the IO PLL divided by two integer dividers
// (PCW_FCLK0_PERIPHERAL_DIVISOR0 and _DIVISOR1, each 1..63; UG585, PL clocks).
namespace zynqnn::spec {

inline constexpr int fclk_max_divisor = 63;

struct FclkChoice {
  double actual_mhz = 0;
  int divisor0 = 1;
  int divisor1 = 1;
};

// The fastest reachable frequency at or below `requested_mhz`; of the divisor pairs giving
// it, the one with divisor0 >= divisor1 and the two closest (Vivado writes 5 and 2 for 100
// MHz from 1000 MHz). Error(invalid_argument) when even 63 * 63 is too fast or an argument
// is not a positive frequency.
FclkChoice reachable_fclk(double requested_mhz, double io_pll_mhz);

}  // namespace zynqnn::spec
