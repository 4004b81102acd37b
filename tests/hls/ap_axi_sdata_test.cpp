#include <ap_axi_sdata.h>
#include <gtest/gtest.h>
#include <hls_stream.h>

TEST(ApAxiSdata, SideChannelsHaveOneBitPerByte) {
  ap_axiu<32, 0, 0, 0> word;
  word.data = 0x12345678u;
  word.keep = -1;
  word.strb = -1;
  word.last = 1;
  EXPECT_EQ(word.keep.to_uint(), 0xFu);
  EXPECT_EQ((ap_axiu<64, 0, 0, 0>{}.keep.length()), 8);
  EXPECT_EQ(word.user.length(), 0);
  hls::stream<ap_axiu<32, 0, 0, 0>> s;
  s.write(word);
  const auto back = s.read();
  EXPECT_EQ(back.data.to_uint(), 0x12345678u);
  EXPECT_TRUE(back.last.to_bool());
}

TEST(ApAxiSdata, HlsAxisTemplate) {
  hls::axis<ap_int<16>> word;
  word.data = -2;
  EXPECT_EQ(word.keep.length(), 2);
  EXPECT_EQ(word.data.to_int(), -2);
}
