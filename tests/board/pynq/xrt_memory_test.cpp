#include "zynqnn/board/pynq/xrt_memory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "fake_xrt.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

using testing::FakeXrt;

// The reference values, as XRT's public headers define them (xrt/detail/xrt_mem.h, xrt.h).
constexpr std::uint64_t kXclBoFlagsCacheable = 1u << 24;
constexpr int kXclBoSyncBoToDevice = 0;
constexpr int kXclBoSyncBoFromDevice = 1;

bool message_contains(const Error& error, const std::string& text) {
  return std::string(error.what()).find(text) != std::string::npos;
}

// `body` throws an Error of `code` whose message contains `text`.
template <typename Body>
void expect_error(Body&& body, ErrorCode code, const std::string& text) {
  try {
    body();
    ADD_FAILURE() << "no error; expected one saying: " << text;
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_TRUE(message_contains(error, text)) << error.what();
  }
}

TEST(XrtMemory, FlagAndDirectionValuesAreXrts) {
  EXPECT_EQ(XrtMemory::kFlagCacheable, kXclBoFlagsCacheable);
  EXPECT_EQ(XrtMemory::kSyncToDevice, kXclBoSyncBoToDevice);
  EXPECT_EQ(XrtMemory::kSyncFromDevice, kXclBoSyncBoFromDevice);
  EXPECT_EQ(XrtOptions{}.library, "libxrt_coreutil.so.2");
}

TEST(XrtMemory, AllocatesCacheableBuffersInGroupZeroAsPynqDoes) {
  FakeXrt fake;
  {
    XrtMemory memory(fake.options());
    EXPECT_EQ(fake.open_devices(), 1);
    auto buffer = memory.allocate(100, 64);
    EXPECT_EQ(buffer->size(), 100u);
    EXPECT_EQ(buffer->physical_address(), 0x30000000u);
    EXPECT_EQ(buffer->physical_address() % 64, 0u);
    const FakeXrt::Alloc alloc = fake.last_alloc();
    EXPECT_EQ(alloc.size, 8192u);  // PYNQ's minimum
    EXPECT_EQ(alloc.flags, kXclBoFlagsCacheable);
    EXPECT_EQ(alloc.group, 0u);
    std::memset(buffer->data(), 0x5a, buffer->size());  // the mapping is writable
    auto large = memory.allocate(20000, 4096);
    EXPECT_EQ(fake.last_alloc().size, 20000u);
    EXPECT_GE(large->physical_address(), buffer->physical_address() + 8192);
    EXPECT_EQ(fake.live_buffers(), 2);
  }
  EXPECT_EQ(fake.live_buffers(), 0);  // every buffer object freed
  EXPECT_EQ(fake.open_devices(), 0);  // and the device closed
}

TEST(XrtMemory, UncachedOptionAndMemoryGroupReachXrt) {
  FakeXrt fake;
  XrtOptions options = fake.options();
  options.cacheable = false;
  options.memory_group = 2;
  options.min_allocation_bytes = 0;
  XrtMemory memory(options);
  auto buffer = memory.allocate(64);
  EXPECT_EQ(fake.last_alloc().flags, 0u);
  EXPECT_EQ(fake.last_alloc().group, 2u);
  EXPECT_EQ(fake.last_alloc().size, 64u);
}

TEST(XrtMemory, SyncsTheRangeToDeviceAndFromDevice) {
  FakeXrt fake;
  XrtMemory memory(fake.options());
  EXPECT_TRUE(memory.syncs_caches());
  auto buffer = memory.allocate(1024);
  buffer->sync_for_device(16, 512);
  EXPECT_EQ(fake.syncs(kXclBoSyncBoToDevice), 1u);
  EXPECT_EQ(fake.syncs(kXclBoSyncBoFromDevice), 0u);
  FakeXrt::Sync sync = fake.last_sync();
  EXPECT_EQ(sync.direction, kXclBoSyncBoToDevice);
  EXPECT_EQ(sync.size, 512u);
  EXPECT_EQ(sync.offset, 16u);
  buffer->sync_for_cpu(0, 1024);
  sync = fake.last_sync();
  EXPECT_EQ(sync.direction, kXclBoSyncBoFromDevice);
  EXPECT_EQ(sync.size, 1024u);
  EXPECT_EQ(sync.offset, 0u);
  EXPECT_EQ(fake.syncs(kXclBoSyncBoFromDevice), 1u);
  buffer->sync_for_cpu(0, 0);  // nothing to do: XRT is not called
  EXPECT_EQ(fake.syncs(kXclBoSyncBoFromDevice), 1u);
}

TEST(XrtMemory, CoherentMemoryIsNeverSynced) {
  FakeXrt fake;
  XrtOptions options = fake.options();
  options.coherent = true;
  XrtMemory memory(options);
  EXPECT_FALSE(memory.syncs_caches());
  auto buffer = memory.allocate(256);
  buffer->sync_for_device(0, 256);
  buffer->sync_for_cpu(0, 256);
  EXPECT_EQ(fake.syncs(kXclBoSyncBoToDevice) + fake.syncs(kXclBoSyncBoFromDevice), 0u);
  EXPECT_THROW(buffer->sync_for_cpu(0, 257), Error);  // the range is still checked
}

TEST(XrtMemory, SyncOutsideTheBufferOrRefusedByXrtIsAnError) {
  FakeXrt fake;
  XrtMemory memory(fake.options());
  auto buffer = memory.allocate(128);
  EXPECT_THROW(buffer->sync_for_device(64, 65), Error);
  EXPECT_THROW(buffer->sync_for_cpu(1, SIZE_MAX), Error);
  EXPECT_EQ(fake.syncs(kXclBoSyncBoToDevice) + fake.syncs(kXclBoSyncBoFromDevice), 0u);
  fake.fail("xrtBOSync");
  try {
    buffer->sync_for_device(0, 128);
    FAIL() << "a failed xrtBOSync passed silently";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_TRUE(message_contains(error, "XCL_BO_SYNC_BO_TO_DEVICE"));
    EXPECT_NE(error.where().find("0x30000000"), std::string::npos);
  }
}

TEST(XrtMemory, MissingLibraryIsNotFound) {
  XrtOptions options;
  options.library = "/nonexistent/libxrt_coreutil.so.2";
  expect_error([&] { XrtMemory memory(options); }, ErrorCode::not_found, "/nonexistent/libxrt_coreutil.so.2");
}

TEST(XrtMemory, ALibraryWithoutXrtsFunctionsIsUnsupported) {
  XrtOptions options;
  options.library = "libm.so.6";
  expect_error([&] { XrtMemory memory(options); }, ErrorCode::unsupported, "xrtDeviceOpen");
}

TEST(XrtMemory, MissingDeviceIsNotFound) {
  FakeXrt fake;
  XrtOptions options = fake.options();
  options.device_index = 3;
  try {
    XrtMemory memory(options);
    FAIL() << "opened a missing device";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_TRUE(message_contains(error, "xrtDeviceOpen(3)"));
    EXPECT_NE(error.where().find("XRT device 3"), std::string::npos);
  }
  EXPECT_EQ(fake.open_devices(), 0);
}

TEST(XrtMemory, AllocationFailuresNameTheStepAndLeakNothing) {
  FakeXrt fake;
  XrtMemory memory(fake.options());
  fake.fail("xrtBOAlloc");
  expect_error([&] { memory.allocate(4096); }, ErrorCode::out_of_range, "xrtBOAlloc of 8192 bytes");
  fake.fail("xrtBOMap");
  expect_error([&] { memory.allocate(4096); }, ErrorCode::io, "xrtBOMap");
  fake.fail("xrtBOAddress");
  expect_error([&] { memory.allocate(4096); }, ErrorCode::io, "xrtBOAddress");
  EXPECT_EQ(fake.live_buffers(), 0);
  EXPECT_NO_THROW(memory.allocate(4096));  // the failures were one-off
}

TEST(XrtMemory, AnAddressThatDoesNotHonourTheAlignmentIsRefused) {
  FakeXrt fake;
  XrtMemory memory(fake.options());
  fake.place_next(0x30000040);
  expect_error([&] { memory.allocate(256, 4096); }, ErrorCode::unsupported, "at 0x30000040, which is not 4096-byte aligned");
  EXPECT_EQ(fake.live_buffers(), 0);
}

TEST(XrtMemory, RefusesZeroBytesAndBadAlignment) {
  FakeXrt fake;
  XrtMemory memory(fake.options());
  EXPECT_THROW(memory.allocate(0), Error);
  EXPECT_THROW(memory.allocate(64, 0), Error);
  EXPECT_THROW(memory.allocate(64, 48), Error);
  EXPECT_EQ(fake.live_buffers(), 0);
}

TEST(XrtMemory, BuffersMayOutliveTheMemoryObject) {
  FakeXrt fake;
  std::unique_ptr<DmaBuffer> buffer;
  {
    XrtMemory memory(fake.options());
    buffer = memory.allocate(64);
  }
  EXPECT_EQ(fake.open_devices(), 1);  // the buffer keeps the device open
  buffer->bytes()[0] = std::byte{1};
  buffer->sync_for_device(0, 64);
  buffer.reset();
  EXPECT_EQ(fake.open_devices(), 0);
  EXPECT_EQ(fake.live_buffers(), 0);
}

TEST(XrtMemory, ConcurrentAllocationAndSyncFromThreads) {
  FakeXrt fake;
  XrtMemory memory(fake.options());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&memory] {
      for (int i = 0; i < 50; ++i) {
        auto buffer = memory.allocate(64 + static_cast<std::size_t>(i) * 64);
        buffer->bytes()[0] = std::byte{7};
        buffer->sync_for_device(0, 64);
        buffer->sync_for_cpu(0, 64);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(fake.syncs(kXclBoSyncBoToDevice), 200u);
  EXPECT_EQ(fake.syncs(kXclBoSyncBoFromDevice), 200u);
  EXPECT_EQ(fake.live_buffers(), 0);
}

}  // namespace
}  // namespace zynqnn::pynq_board
