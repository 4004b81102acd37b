#include "zynqnn/core/error.hpp"

#include <gtest/gtest.h>

namespace zynqnn {

TEST(Error, CarriesCodeMessageAndPlace) {
  const Error error(ErrorCode::invalid_argument, "length 0 is outside 1..67108863", "AxiDma.s2mm");
  EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
  EXPECT_EQ(error.message(), "length 0 is outside 1..67108863");
  EXPECT_EQ(error.where(), "AxiDma.s2mm");
  EXPECT_STREQ(error.what(), "AxiDma.s2mm: length 0 is outside 1..67108863");
}

TEST(Error, WithoutPlaceWhatIsTheMessage) {
  const Error error(ErrorCode::timeout, "deadline passed");
  EXPECT_STREQ(error.what(), "deadline passed");
}

TEST(Error, EveryCodeHasAName) {
  for (int code = 1; code <= 10; ++code)
    EXPECT_NE(to_string(static_cast<ErrorCode>(code)), "unknown") << code;
}

}  // namespace zynqnn
