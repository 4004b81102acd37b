// The FCLK divider search: the fastest frequency the IO PLL divided by two integers reaches
// at or below the request.
#include "zynqnn/spec/fclk.hpp"

#include <gtest/gtest.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::spec {
namespace {

constexpr double kIoPll = 1000.0;  // PYNQ-Z1/Z2: 50 MHz PS_CLK, IO PLL x20

TEST(Fclk, FrequenciesThatDivideTheIoPllAreKept) {
  for (const double mhz : {100.0, 125.0, 200.0, 250.0, 50.0, 10.0}) {
    EXPECT_DOUBLE_EQ(reachable_fclk(mhz, kIoPll).actual_mhz, mhz) << mhz;
  }
}

TEST(Fclk, OneHundredUsesTheDivisorsVivadoRecords) {
  // The PYNQ-Z2 design's handoff records PCW_FCLK0_PERIPHERAL_DIVISOR0 5 and DIVISOR1 2.
  const FclkChoice c = reachable_fclk(100.0, kIoPll);
  EXPECT_EQ(c.divisor0, 5);
  EXPECT_EQ(c.divisor1, 2);
  // And 50 MHz from the 1600 MHz IO PLL of a PS7 without a preset: 8 and 4.
  const FclkChoice d = reachable_fclk(50.0, 1600.0);
  EXPECT_EQ(d.divisor0, 8);
  EXPECT_EQ(d.divisor1, 4);
}

TEST(Fclk, AnUnreachableRequestGetsTheNearestBelow) {
  const FclkChoice c = reachable_fclk(150.0, kIoPll);
  EXPECT_NEAR(c.actual_mhz, 1000.0 / 7, 1e-9);
  EXPECT_EQ(c.divisor0 * c.divisor1, 7);
  EXPECT_NEAR(reachable_fclk(180.0, kIoPll).actual_mhz, 1000.0 / 6, 1e-9);
  EXPECT_NEAR(reachable_fclk(99.0, kIoPll).actual_mhz, 1000.0 / 11, 1e-9);
  // The reached value, asked for again (as written to 12 digits), is kept.
  EXPECT_NEAR(reachable_fclk(142.857142857, kIoPll).actual_mhz, 1000.0 / 7, 1e-9);
}

TEST(Fclk, DivisorsStayWithinTheirFields) {
  for (double mhz = 10.0; mhz <= 250.0; mhz += 0.5) {
    const FclkChoice c = reachable_fclk(mhz, kIoPll);
    EXPECT_LE(c.actual_mhz, mhz * (1 + 1e-9));
    EXPECT_GE(c.divisor0, c.divisor1);
    EXPECT_LE(c.divisor0, fclk_max_divisor);
    EXPECT_GE(c.divisor1, 1);
    EXPECT_DOUBLE_EQ(c.actual_mhz, kIoPll / (c.divisor0 * c.divisor1));
  }
}

TEST(Fclk, TotalsWithAPrimeFactorAbove63AreSkipped) {
  // 1000/67 has no divisor pair within 1..63; the next one below, 1000/68 = 17 * 4, is used.
  const FclkChoice c = reachable_fclk(1000.0 / 67, kIoPll);
  EXPECT_EQ(c.divisor0 * c.divisor1, 68);
}

TEST(Fclk, RefusesWhatCannotBeReached) {
  EXPECT_THROW(reachable_fclk(0.1, kIoPll), Error);
  EXPECT_THROW(reachable_fclk(0.0, kIoPll), Error);
  EXPECT_THROW(reachable_fclk(100.0, -1.0), Error);
}

}  // namespace
}  // namespace zynqnn::spec
