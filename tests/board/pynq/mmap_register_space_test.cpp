#include "zynqnn/board/pynq/mmap_register_space.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>

#include "temp_tree.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

using testing::TempTree;

std::uint32_t word_at(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  std::memcpy(&value, bytes.data() + offset, sizeof(value));
  return value;
}

TEST(MmapRegisterSpace, WritesLandAtThePhysicalAddressOfADevMemStandIn) {
  TempTree tree;
  const std::size_t page = page_size();
  tree.sized_file("dev/mem", 4 * page);
  {
    auto regs = MmapRegisterSpace::map_physical(tree.path("dev/mem"), 2 * page, 0x60);
    regs->write32(0x00, 0x1);
    regs->write32(0x58, 0xdeadbeef);
    EXPECT_EQ(regs->read32(0x58), 0xdeadbeefu);
    EXPECT_EQ(regs->size_bytes(), 0x60u);
  }
  const std::string mem = tree.read("dev/mem");
  EXPECT_EQ(word_at(mem, 2 * page), 0x1u);
  EXPECT_EQ(word_at(mem, 2 * page + 0x58), 0xdeadbeefu);
}

TEST(MmapRegisterSpace, HandlesABaseInsideAPage) {
  TempTree tree;
  const std::size_t page = page_size();
  tree.sized_file("dev/mem", 3 * page);
  const std::uint64_t base = page + 0x10;  // not page-aligned
  {
    auto regs = MmapRegisterSpace::map_physical(tree.path("dev/mem"), base, 0x20);
    regs->write32(0x0, 0xa5a5a5a5);
    regs->write32(0x1c, 0x12345678);
  }
  const std::string mem = tree.read("dev/mem");
  EXPECT_EQ(word_at(mem, page + 0x10), 0xa5a5a5a5u);
  EXPECT_EQ(word_at(mem, page + 0x2c), 0x12345678u);
  EXPECT_EQ(word_at(mem, page), 0u);
}

TEST(MmapRegisterSpace, RangeSpanningAPageBoundaryMapsBothPages) {
  TempTree tree;
  const std::size_t page = page_size();
  tree.sized_file("dev/mem", 3 * page);
  {
    auto regs = MmapRegisterSpace::map_physical(tree.path("dev/mem"), page - 8, 16);
    regs->write32(12, 7);
  }
  EXPECT_EQ(word_at(tree.read("dev/mem"), page + 4), 7u);
}

TEST(MmapRegisterSpace, UioMapIndexSelectsThePageOffset) {
  TempTree tree;
  const std::size_t page = page_size();
  tree.sized_file("dev/uio0", 2 * page);
  {
    auto regs = MmapRegisterSpace::map_uio(tree.path("dev/uio0"), 1, 0x8, 0x10);
    regs->write32(0x4, 42);
  }
  EXPECT_EQ(word_at(tree.read("dev/uio0"), page + 0xc), 42u);
}

TEST(MmapRegisterSpace, RefusesAccessOutsideTheRangeWithoutTouchingMemory) {
  TempTree tree;
  const std::size_t page = page_size();
  tree.sized_file("dev/mem", 2 * page);
  auto regs = MmapRegisterSpace::map_physical(tree.path("dev/mem"), 0, 0x10);
  EXPECT_THROW(regs->write32(0x10, 1), Error);
  EXPECT_THROW(regs->read32(0x2), Error);
  EXPECT_THROW(regs->read32(0xFFFFFFFCu), Error);
  regs.reset();
  EXPECT_EQ(word_at(tree.read("dev/mem"), 0x10), 0u);
}

TEST(MmapRegisterSpace, MissingDeviceIsNotFound) {
  TempTree tree;
  try {
    MmapRegisterSpace::map_physical(tree.path("dev/mem"), 0x40400000, 0x10000);
    FAIL() << "mapped a missing device";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_NE(std::string(error.what()).find("dev/mem"), std::string::npos);
  }
}

TEST(MmapRegisterSpace, RefusedMmapIsAnIoError) {
  TempTree tree;
  std::filesystem::create_directories(tree.path("dev"));
  ASSERT_EQ(::mkfifo(tree.path("dev/mem").c_str(), 0600), 0);  // opens read-write, cannot be mapped
  try {
    MmapRegisterSpace::map_physical(tree.path("dev/mem"), 0, 0x10);
    FAIL() << "mapped a FIFO";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(std::string(error.what()).find("mmap"), std::string::npos);
  }
}

TEST(MmapRegisterSpace, StandInFileTooSmallIsRefusedBeforeMapping) {
  TempTree tree;
  const std::size_t page = page_size();
  tree.sized_file("dev/mem", page);
  try {
    MmapRegisterSpace::map_physical(tree.path("dev/mem"), page - 4, 8);
    FAIL() << "mapped past the end of the file";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::out_of_range);
  }
}

TEST(MmapRegisterSpace, RefusesZeroSizeAndUnalignedBase) {
  TempTree tree;
  tree.sized_file("dev/mem", page_size());
  EXPECT_THROW(MmapRegisterSpace::map_physical(tree.path("dev/mem"), 0, 0), Error);
  EXPECT_THROW(MmapRegisterSpace::map_physical(tree.path("dev/mem"), 2, 8), Error);
}

}  // namespace
}  // namespace zynqnn::pynq_board
