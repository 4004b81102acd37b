#include <ap_int.h>
#include <gtest/gtest.h>

TEST(ApInt, WrapsToWidthOnAssignment) {
  ap_uint<8> u = 300;
  EXPECT_EQ(u.to_uint(), 300u - 256u);
  ap_int<8> s = 200;
  EXPECT_EQ(s.to_int(), 200 - 256);
  ap_int<4> n = -9;  // 0b0111 after wrapping
  EXPECT_EQ(n.to_int(), 7);
}

TEST(ApInt, ArithmeticPromotesLikeHardwareResultWidths) {
  ap_uint<8> a = 255;
  EXPECT_EQ(a + 1, 256);  // the sum is wider than the operands
  ap_int<8> minus_one = -1;
  ap_uint<8> one = 1;
  EXPECT_EQ(minus_one * one, -1);  // mixed signedness stays signed
  ap_uint<32> big = 0xFFFFFFFFu;
  EXPECT_EQ(static_cast<std::int64_t>(big) * 2, 0x1FFFFFFFEll);
}

TEST(ApInt, CompoundAssignmentWraps) {
  ap_uint<4> x = 15;
  x += 1;
  EXPECT_EQ(x.to_uint(), 0u);
  ap_int<4> y = 7;
  ++y;
  EXPECT_EQ(y.to_int(), -8);
  y >>= 1;
  EXPECT_EQ(y.to_int(), -4);  // arithmetic shift for signed
  ap_uint<4> z = 8;
  z >>= 3;
  EXPECT_EQ(z.to_uint(), 1u);
  z <<= 4;
  EXPECT_EQ(z.to_uint(), 0u);
}

TEST(ApInt, BitsAndRanges) {
  ap_uint<16> word = 0;
  word[3] = 1;
  EXPECT_TRUE(word[3]);
  EXPECT_EQ(word.to_uint(), 8u);
  word.range(15, 8) = 0xAB;
  EXPECT_EQ(word.to_uint(), 0xAB08u);
  EXPECT_EQ(word.range(15, 8), 0xABu);
  EXPECT_EQ(word(7, 0), 0x08u);
  ap_int<16> signed_word = -1;
  EXPECT_EQ(signed_word.range(15, 0), 0xFFFFu);  // a range reads unsigned
  EXPECT_TRUE(signed_word.and_reduce());
  EXPECT_FALSE(ap_uint<16>(0).or_reduce());
}

TEST(ApInt, SixtyFourBitsAndZeroWidth) {
  ap_uint<64> all = ~std::uint64_t{0};
  EXPECT_EQ(all.to_uint64(), ~std::uint64_t{0});
  EXPECT_EQ(all.range(63, 32), 0xFFFFFFFFu);
  ap_int<64> min = INT64_MIN;
  EXPECT_EQ(min.to_int64(), INT64_MIN);
  ap_uint<0> none = 5;
  EXPECT_EQ(none.to_uint(), 0u);
}

TEST(ApInt, ConvertsFromFloatingPointByTruncation) {
  EXPECT_EQ(ap_int<16>(3.9).to_int(), 3);
  EXPECT_EQ(ap_int<16>(-3.9).to_int(), -3);
  EXPECT_EQ(ap_int<8>(1e30).to_int(), -1);  // saturates to INT64_MAX, then wraps to 8 bits
}

TEST(ApInt, ConvertsBetweenWidths) {
  ap_int<12> wide = -100;
  ap_int<6> narrow = wide;  // -100 mod 64 = 28
  EXPECT_EQ(narrow.to_int(), 28);
  ap_uint<12> from_signed = ap_int<8>(-1);
  EXPECT_EQ(from_signed.to_uint(), 0xFFFu);
}
