#include <ap_fixed.h>
#include <gtest/gtest.h>

#include <cmath>

TEST(ApFixed, RepresentsValuesOnItsGrid) {
  ap_fixed<16, 8> x = 3.25;
  EXPECT_EQ(x.raw(), 3 * 256 + 64);
  EXPECT_DOUBLE_EQ(x.to_double(), 3.25);
  ap_ufixed<8, 4> u = 1.5;
  EXPECT_EQ(u.raw(), 24);
  EXPECT_EQ((ap_fixed<8, 8>(-3).raw()), -3);
}

TEST(ApFixed, DefaultQuantizationTruncatesTowardMinusInfinity) {
  ap_fixed<8, 4> x = 0.09;  // 0.09 * 16 = 1.44 -> 1
  EXPECT_EQ(x.raw(), 1);
  ap_fixed<8, 4> y = -0.09;  // -1.44 -> -2
  EXPECT_EQ(y.raw(), -2);
}

TEST(ApFixed, RoundingModesAtTheHalf) {
  // 2.5 and -2.5 LSBs (LSB = 1/16): value = +-2.5/16.
  const double plus = 2.5 / 16, minus = -2.5 / 16;
  EXPECT_EQ((ap_fixed<8, 4, AP_RND>(plus).raw()), 3);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND>(minus).raw()), -2);  // half toward +inf
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_ZERO>(plus).raw()), 2);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_ZERO>(minus).raw()), -2);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_MIN_INF>(plus).raw()), 2);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_MIN_INF>(minus).raw()), -3);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_INF>(plus).raw()), 3);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_INF>(minus).raw()), -3);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_CONV>(plus).raw()), 2);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_CONV>(3.5 / 16).raw()), 4);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN_ZERO>(-2.7 / 16).raw()), -2);
}

TEST(ApFixed, OverflowModes) {
  EXPECT_EQ((ap_fixed<8, 4>(9.0).raw()), static_cast<std::int8_t>(9 * 16));  // wraps
  EXPECT_DOUBLE_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(9.0).to_double()), 127.0 / 16);
  EXPECT_DOUBLE_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(-9.0).to_double()), -8.0);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_ZERO>(9.0).raw()), 0);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_SYM>(-9.0).raw()), -127);
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT>(-1.0).raw()), 0);
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT>(1e30).raw()), 255);
}

TEST(ApFixed, ArithmeticIsExactWithWiderResultTypes) {
  ap_fixed<8, 4> a = 7.9375;  // max
  ap_fixed<8, 4> b = 7.9375;
  auto sum = a + b;
  EXPECT_DOUBLE_EQ(sum.to_double(), 15.875);
  EXPECT_EQ((decltype(sum)::width), 9);
  auto product = a * b;
  EXPECT_DOUBLE_EQ(product.to_double(), 7.9375 * 7.9375);
  EXPECT_EQ((decltype(product)::width), 16);
  ap_fixed<12, 2> c = 0.001;
  auto mixed = a * c;
  EXPECT_DOUBLE_EQ(mixed.to_double(), a.to_double() * c.to_double());
  auto with_int = a * 3;  // the int stands for an exact ap_fixed<32, 32>
  EXPECT_DOUBLE_EQ(with_int.to_double(), 7.9375 * 3);
}

TEST(ApFixed, AccumulatesIntoANarrowerTypeWithItsModes) {
  ap_fixed<16, 6, AP_RND, AP_SAT> acc = 0;
  for (int i = 0; i < 100; ++i) acc += ap_fixed<8, 1>(0.5);  // would reach 50, saturates at 32 - LSB
  EXPECT_DOUBLE_EQ(acc.to_double(), 32.0 - std::ldexp(1.0, -10));
}

TEST(ApFixed, ComparisonsAreExactAcrossFormats) {
  EXPECT_TRUE((ap_fixed<8, 4>(1.5) == ap_fixed<16, 2>(1.5)));
  EXPECT_TRUE((ap_fixed<8, 4>(1.5) < ap_fixed<16, 2>(1.5001)));
  EXPECT_TRUE((ap_fixed<8, 4>(-0.5) < 0));
  EXPECT_TRUE((ap_fixed<8, 4>(2) >= 2));
  EXPECT_TRUE((ap_fixed<8, 4>(0.25) > 0.2));
}

TEST(ApFixed, ConversionsToIntegersTruncateTowardZero) {
  EXPECT_EQ((ap_fixed<16, 8>(-3.75).to_int()), -3);
  EXPECT_EQ((ap_fixed<16, 8>(3.75).to_int()), 3);
  ap_int<8> from_fixed = ap_fixed<16, 8>(5.5).to_int();
  EXPECT_EQ(from_fixed.to_int(), 5);
  EXPECT_EQ((ap_fixed<16, 8>(ap_int<8>(-7)).to_int()), -7);
}

TEST(ApFixed, ConvertsBetweenFormatsWithTheTargetsModes) {
  ap_fixed<16, 8> fine = 1.0 + 3.0 / 256;  // 1.01171875
  ap_fixed<8, 4, AP_RND> coarse = fine;    // 16.1875 LSBs -> 16
  EXPECT_EQ(coarse.raw(), 16);
  ap_fixed<8, 4> wrapped = ap_fixed<16, 8>(20.0);  // 320 LSBs wraps to 64
  EXPECT_EQ(wrapped.raw(), 64);
  ap_fixed<4, 8> big_lsb = 33;  // LSB = 16: 33 -> 2 LSBs with truncation
  EXPECT_EQ(big_lsb.raw(), 2);
  EXPECT_EQ(big_lsb.to_int(), 32);
}

TEST(ApFixed, NegationAndShifts) {
  ap_fixed<8, 4> x = 1.5;
  EXPECT_DOUBLE_EQ((-x).to_double(), -1.5);
  x <<= 1;
  EXPECT_DOUBLE_EQ(x.to_double(), 3.0);
  x >>= 2;
  EXPECT_DOUBLE_EQ(x.to_double(), 0.75);
}
