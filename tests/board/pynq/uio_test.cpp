#include "zynqnn/board/pynq/uio.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "temp_tree.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

using namespace std::chrono_literals;
using testing::TempTree;

// A connected socket pair stands in for /dev/uioN: the line holds one end, the test plays
// the kernel on the other (reads the unmask word, writes the 32-bit interrupt count).
struct FakeUio {
  int line_end = -1;
  int kernel_end = -1;
  FakeUio() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) {
      line_end = fds[0];
      kernel_end = fds[1];
    }
  }
  ~FakeUio() {
    if (kernel_end >= 0) ::close(kernel_end);
  }
  void fire(std::uint32_t count) const { ASSERT_EQ(::write(kernel_end, &count, 4), 4); }
};

TEST(UioInterruptLine, EnableWritesA32BitOne) {
  FakeUio uio;
  ASSERT_GE(uio.line_end, 0);
  UioInterruptLine line(uio.line_end, steady_clock(), "fake");
  line.enable();
  std::int32_t word = 0;
  ASSERT_EQ(::read(uio.kernel_end, &word, 4), 4);
  EXPECT_EQ(word, 1);
}

TEST(UioInterruptLine, ReturnsTrueAndTheCountWhenItFires) {
  FakeUio uio;
  UioInterruptLine line(uio.line_end, steady_clock(), "fake");
  uio.fire(17);
  EXPECT_TRUE(line.wait_until(steady_clock().now() + 1s));
  EXPECT_EQ(line.last_count(), 17u);
}

TEST(UioInterruptLine, WakesWhenAnotherThreadFires) {
  FakeUio uio;
  UioInterruptLine line(uio.line_end, steady_clock(), "fake");
  std::thread kernel([&uio] {
    std::this_thread::sleep_for(20ms);
    uio.fire(3);
  });
  EXPECT_TRUE(line.wait_until(steady_clock().now() + 5s));
  kernel.join();
  EXPECT_EQ(line.last_count(), 3u);
}

TEST(UioInterruptLine, TimesOutAtTheDeadline) {
  FakeUio uio;
  UioInterruptLine line(uio.line_end, steady_clock(), "fake");
  const auto start = steady_clock().now();
  EXPECT_FALSE(line.wait_until(start + 30ms));
  EXPECT_GE(steady_clock().now() - start, 30ms);
  EXPECT_FALSE(line.wait_until(start));  // a past deadline checks once and returns
}

TEST(UioInterruptLine, ShortReadIsAnIoError) {
  FakeUio uio;
  UioInterruptLine line(uio.line_end, steady_clock(), "fake");
  const std::uint16_t half = 1;
  ASSERT_EQ(::write(uio.kernel_end, &half, 2), 2);
  ::shutdown(uio.kernel_end, SHUT_WR);
  EXPECT_THROW(line.wait_until(steady_clock().now() + 1s), Error);
}

// sysfs of two UIO devices: an AXI DMA and an interrupt controller.
void fake_uio_sysfs(const TempTree& tree) {
  tree.write("sys/class/uio/uio0/name", "axi_intc\n");
  tree.write("sys/class/uio/uio0/maps/map0/addr", "0x41800000\n");
  tree.write("sys/class/uio/uio0/maps/map0/size", "0x00010000\n");
  tree.write("sys/class/uio/uio1/name", "dma\n");
  tree.write("sys/class/uio/uio1/maps/map0/addr", "0x40400000\n");
  tree.write("sys/class/uio/uio1/maps/map0/size", "0x10000\n");
  tree.write("sys/class/uio/uio1/maps/map0/offset", "0x0\n");
}

TEST(UioDiscovery, FindsDevicesByNameWithTheirMaps) {
  TempTree tree;
  fake_uio_sysfs(tree);
  auto devices = list_uio_devices(tree.path("sys"), tree.path("dev"));
  ASSERT_EQ(devices.size(), 2u);
  auto dma = find_uio_by_name(tree.path("sys"), tree.path("dev"), "dma");
  EXPECT_EQ(dma.number, 1u);
  EXPECT_EQ(dma.device, tree.path("dev/uio1"));
  ASSERT_EQ(dma.maps.size(), 1u);
  EXPECT_EQ(dma.maps[0].address, 0x40400000u);
  EXPECT_EQ(dma.maps[0].size, 0x10000u);
}

TEST(UioDiscovery, UnknownNameListsWhatIsPresent) {
  TempTree tree;
  fake_uio_sysfs(tree);
  try {
    find_uio_by_name(tree.path("sys"), tree.path("dev"), "axi_dma_0");
    FAIL() << "found a device that does not exist";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_NE(std::string(error.what()).find("uio1=dma"), std::string::npos);
  }
}

TEST(UioDiscovery, FindsTheMapCoveringAnAddressRange) {
  TempTree tree;
  fake_uio_sysfs(tree);
  auto covering = find_uio_covering(tree.path("sys"), tree.path("dev"), 0x40400030, 0x30);
  ASSERT_TRUE(covering.has_value());
  EXPECT_EQ(covering->device.name, "dma");
  EXPECT_EQ(covering->map_index, 0u);
  EXPECT_EQ(covering->offset_in_map, 0x30u);
  EXPECT_FALSE(find_uio_covering(tree.path("sys"), tree.path("dev"), 0x4040FFF0, 0x20).has_value());
  EXPECT_FALSE(find_uio_covering(tree.path("sys"), tree.path("dev"), 0x43C00000, 4).has_value());
}

TEST(UioDiscovery, NoUioClassMeansNoDevices) {
  TempTree tree;
  EXPECT_TRUE(list_uio_devices(tree.path("sys"), tree.path("dev")).empty());
  EXPECT_THROW(find_uio_by_name(tree.path("sys"), tree.path("dev"), "dma"), Error);
}

TEST(UioInterruptLine, OpeningAMissingDeviceIsNotFound) {
  TempTree tree;
  try {
    UioInterruptLine::open(tree.path("dev/uio7"), steady_clock());
    FAIL() << "opened a missing device";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
}

}  // namespace
}  // namespace zynqnn::pynq_board
