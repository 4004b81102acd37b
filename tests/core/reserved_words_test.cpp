#include "zynqnn/core/reserved_words.hpp"

#include <gtest/gtest.h>

namespace zynqnn {
namespace {

TEST(ReservedWords, MatchesEveryTargetLanguageIgnoringCase) {
  EXPECT_EQ(reserved_word_match("class"), "class");      // C++
  EXPECT_EQ(reserved_word_match("lambda"), "lambda");    // Python
  EXPECT_EQ(reserved_word_match("ENTITY"), "entity");    // VHDL is case-insensitive
  EXPECT_EQ(reserved_word_match("ap_start"), "ap_start");  // HLS block-level port
  EXPECT_EQ(reserved_word_match("proc"), "proc");        // Tcl
}

TEST(ReservedWords, LeavesOrdinaryNamesAlone) {
  EXPECT_TRUE(reserved_word_match("conv1").empty());
  EXPECT_TRUE(reserved_word_match("classes").empty());
  EXPECT_TRUE(reserved_word_match("").empty());
}

}  // namespace
}  // namespace zynqnn
