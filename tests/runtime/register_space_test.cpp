#include "zynqnn/runtime/register_space.hpp"

#include <gtest/gtest.h>

#include <array>

#include "zynqnn/core/error.hpp"

namespace zynqnn {
namespace {

class ArrayRegisters final : public RegisterSpace {
 public:
  ArrayRegisters() : RegisterSpace(sizeof(words_)) {}
  std::array<std::uint32_t, 4> words_{};
  int accesses = 0;

 protected:
  std::uint32_t do_read32(std::uint32_t offset) const override { return words_.at(offset / 4); }
  void do_write32(std::uint32_t offset, std::uint32_t value) override {
    ++accesses;
    words_.at(offset / 4) = value;
  }
};

TEST(RegisterSpace, ReadsAndWritesInsideTheRange) {
  ArrayRegisters regs;
  regs.write32(0xC, 0xdeadbeef);
  EXPECT_EQ(regs.read32(0xC), 0xdeadbeefu);
  EXPECT_EQ(regs.size_bytes(), 16u);
}

TEST(RegisterSpace, RefusesAccessOutsideTheRangeWithoutPerformingIt) {
  ArrayRegisters regs;
  try {
    regs.write32(0x10, 1);
    FAIL() << "write past the end was performed";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::out_of_range);
    EXPECT_NE(std::string(error.what()).find("0x10"), std::string::npos);
  }
  EXPECT_THROW(regs.read32(0xFFFFFFFC), Error);
  EXPECT_EQ(regs.accesses, 0);
}

TEST(RegisterSpace, RefusesUnalignedAccess) {
  ArrayRegisters regs;
  EXPECT_THROW(regs.write32(0x2, 1), Error);
  EXPECT_EQ(regs.accesses, 0);
}

}  // namespace
}  // namespace zynqnn
