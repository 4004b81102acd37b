#include "zynqnn/board/pynq/udmabuf_memory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "temp_tree.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

using testing::TempTree;

constexpr const char* kClass = "sys/class/u-dma-buf/udmabuf0/";

// A fake u-dma-buf: the device file, phys_addr and size, and empty sync attributes.
UdmabufOptions fake_udmabuf(const TempTree& tree, std::size_t size, const std::string& phys = "0x1e900000") {
  tree.sized_file("dev/udmabuf0", size);
  tree.write(std::string(kClass) + "phys_addr", phys + "\n");
  tree.write(std::string(kClass) + "size", std::to_string(size) + "\n");
  for (const char* attribute : {"sync_offset", "sync_size", "sync_direction", "sync_for_cpu", "sync_for_device"}) {
    tree.write(std::string(kClass) + attribute, "");
  }
  UdmabufOptions options;
  options.dev_root = tree.path("dev");
  options.sys_root = tree.path("sys");
  return options;
}

TEST(UdmabufMemory, ReadsPhysicalAddressAndSizeFromSysfs) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 1 << 16));
  EXPECT_EQ(memory.physical_address(), 0x1e900000u);
  EXPECT_EQ(memory.size(), 1u << 16);
  EXPECT_EQ(memory.bytes_free(), 1u << 16);
  EXPECT_TRUE(memory.syncs_caches());
}

TEST(UdmabufMemory, BuffersAreDisjointAlignedAndBackedByTheDeviceFile) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 1 << 16));
  auto a = memory.allocate(100, 64);
  auto b = memory.allocate(4096, 4096);
  auto c = memory.allocate(1, 8);
  EXPECT_EQ(a->size(), 100u);
  EXPECT_EQ(b->physical_address() % 4096, 0u);
  EXPECT_EQ(c->physical_address() % 64, 0u);  // never below the 64-byte block
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges = {
      {a->physical_address(), a->physical_address() + a->size()},
      {b->physical_address(), b->physical_address() + b->size()},
      {c->physical_address(), c->physical_address() + c->size()}};
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) EXPECT_LE(ranges[i - 1].second, ranges[i].first);
  for (const auto& buffer : {a.get(), b.get(), c.get()}) {
    EXPECT_EQ(buffer->data() - (a->data() - (a->physical_address() - memory.physical_address())),
              static_cast<std::ptrdiff_t>(buffer->physical_address() - memory.physical_address()));
  }
  std::fill(b->bytes().begin(), b->bytes().end(), std::byte{0x5a});
  b.reset();  // unmapping is not needed for MAP_SHARED writes to reach the file
  const std::string contents = tree.read("dev/udmabuf0");
  EXPECT_EQ(std::count(contents.begin(), contents.end(), '\x5a'), 4096);
}

TEST(UdmabufMemory, FreedBlocksAreMergedAndReused) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 4096));
  auto a = memory.allocate(1024);
  auto b = memory.allocate(1024);
  auto c = memory.allocate(2048);
  EXPECT_EQ(memory.bytes_free(), 0u);
  EXPECT_THROW(memory.allocate(64), Error);
  a.reset();
  b.reset();
  auto whole = memory.allocate(2048);  // needs a and b merged
  EXPECT_EQ(whole->physical_address(), memory.physical_address());
  whole.reset();
  c.reset();
  EXPECT_EQ(memory.bytes_free(), 4096u);
  EXPECT_NO_THROW(memory.allocate(4096));
}

TEST(UdmabufMemory, ExhaustionNamesTheRequest) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 8192));
  auto held = memory.allocate(4096);
  try {
    memory.allocate(8192);
    FAIL() << "allocated more than was free";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::out_of_range);
    EXPECT_NE(std::string(error.what()).find("exhausted"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("4096 bytes free"), std::string::npos);
  }
  EXPECT_THROW(memory.allocate(1 << 20), Error);
}

TEST(UdmabufMemory, RefusesZeroBytesAndBadAlignment) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 4096));
  EXPECT_THROW(memory.allocate(0), Error);
  EXPECT_THROW(memory.allocate(64, 0), Error);
  EXPECT_THROW(memory.allocate(64, 48), Error);
}

TEST(UdmabufMemory, SyncWritesTheRangeDirectionAndOwnerAttributes) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 1 << 16));
  auto first = memory.allocate(256);
  auto buffer = memory.allocate(1024, 1024);
  const auto region_offset = buffer->physical_address() - memory.physical_address();
  buffer->sync_for_device(16, 512);
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_offset"), std::to_string(region_offset + 16));
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_size"), "512");
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_direction"), "1");
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_for_device"), "1");
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_for_cpu"), "");
  buffer->sync_for_cpu(0, 1024);
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_offset"), std::to_string(region_offset));
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_size"), "1024");
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_direction"), "2");
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_for_cpu"), "1");
}

TEST(UdmabufMemory, SyncOutsideTheBufferIsRefused) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 4096));
  auto buffer = memory.allocate(128);
  EXPECT_THROW(buffer->sync_for_device(64, 65), Error);
  EXPECT_THROW(buffer->sync_for_cpu(129, 0), Error);
  EXPECT_THROW(buffer->sync_for_cpu(1, SIZE_MAX), Error);
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_size"), "");
}

TEST(UdmabufMemory, UncachedOrCoherentRegionsDoNotSync) {
  TempTree tree;
  auto options = fake_udmabuf(tree, 4096);
  options.cached = false;
  {
    UdmabufMemory memory(options);
    EXPECT_FALSE(memory.syncs_caches());
    memory.allocate(64)->sync_for_device(0, 64);
    EXPECT_EQ(tree.read(std::string(kClass) + "sync_for_device"), "");
  }
  tree.write(std::string(kClass) + "dma_coherent", "1\n");
  options.cached = true;
  UdmabufMemory coherent(options);
  EXPECT_FALSE(coherent.syncs_caches());
}

TEST(UdmabufMemory, BuffersMayOutliveTheMemoryObject) {
  TempTree tree;
  std::unique_ptr<DmaBuffer> buffer;
  {
    UdmabufMemory memory(fake_udmabuf(tree, 4096));
    buffer = memory.allocate(64);
  }
  buffer->bytes()[0] = std::byte{1};
  buffer->sync_for_device(0, 64);
  EXPECT_EQ(tree.read(std::string(kClass) + "sync_for_device"), "1");
}

TEST(UdmabufMemory, ConcurrentAllocationAndReleaseKeepTheFreeListConsistent) {
  TempTree tree;
  UdmabufMemory memory(fake_udmabuf(tree, 1 << 16));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&memory] {
      for (int i = 0; i < 200; ++i) {
        auto buffer = memory.allocate(64 + static_cast<std::size_t>(i % 5) * 64, 64);
        buffer->bytes()[0] = std::byte{7};
        buffer->sync_for_device(0, 64);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(memory.bytes_free(), 1u << 16);
}

TEST(UdmabufMemory, MissingDeviceOrAttributesAreNotFound) {
  TempTree tree;
  UdmabufOptions options;
  options.dev_root = tree.path("dev");
  options.sys_root = tree.path("sys");
  try {
    UdmabufMemory memory(options);
    FAIL() << "opened a missing u-dma-buf";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_NE(std::string(error.what()).find("udmabuf0"), std::string::npos);
  }
  auto faked = fake_udmabuf(tree, 4096);
  std::filesystem::remove(tree.path("dev/udmabuf0"));
  try {
    UdmabufMemory memory(faked);
    FAIL() << "opened a u-dma-buf without a device file";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
}

TEST(UdmabufMemory, SizeMismatchBetweenSysfsAndDeviceIsRefused) {
  TempTree tree;
  auto options = fake_udmabuf(tree, 4096);
  tree.write(std::string(kClass) + "size", "1048576\n");
  try {
    UdmabufMemory memory(options);
    FAIL() << "mapped more than the device file holds";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::out_of_range);
    EXPECT_NE(std::string(error.what()).find("size mismatch"), std::string::npos);
  }
}

TEST(UdmabufMemory, MalformedSysfsValuesAreParseErrors) {
  TempTree tree;
  auto options = fake_udmabuf(tree, 4096, "0xZZ");
  try {
    UdmabufMemory memory(options);
    FAIL() << "accepted a malformed phys_addr";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::parse);
    EXPECT_NE(error.where().find("phys_addr"), std::string::npos);
  }
}

}  // namespace
}  // namespace zynqnn::pynq_board
