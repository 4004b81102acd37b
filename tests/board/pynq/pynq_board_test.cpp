#include "zynqnn/board/pynq/pynq_board.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "bit_file.hpp"
#include "fake_xrt.hpp"
#include "temp_tree.hpp"
#include "zynqnn/board/pynq/mmap_register_space.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

using testing::FakeXrt;
using testing::make_bit;
using testing::sample_payload;
using testing::TempTree;

// A whole fake board: /dev/mem, a u-dma-buf, an FPGA manager in state `operating`, a UIO
// device for a DMA at 0x40400000 and the bitstream file.
struct FakeBoard {
  TempTree tree;
  FakeBoard() {
    tree.sized_file("dev/mem", 4 * page_size());
    tree.sized_file("dev/udmabuf0", 1 << 16);
    tree.write("sys/class/u-dma-buf/udmabuf0/phys_addr", "0x16000000\n");
    tree.write("sys/class/u-dma-buf/udmabuf0/size", "65536\n");
    for (const char* a : {"sync_offset", "sync_size", "sync_direction", "sync_for_cpu", "sync_for_device"}) {
      tree.write(std::string("sys/class/u-dma-buf/udmabuf0/") + a, "");
    }
    tree.write("sys/class/fpga_manager/fpga0/state", "operating\n");
    tree.write("sys/class/fpga_manager/fpga0/flags", "");
    tree.write("sys/class/fpga_manager/fpga0/firmware", "");
    std::filesystem::create_directories(tree.path("lib/firmware"));
    tree.write("sys/class/uio/uio0/name", "axi_dma_s2mm\n");
    tree.write("sys/class/uio/uio0/maps/map0/addr", "0x2000\n");
    tree.write("sys/class/uio/uio0/maps/map0/size", "0x1000\n");
    tree.sized_file("dev/uio0", page_size());
    auto bit = make_bit(sample_payload());
    tree.write("overlay.bit", std::string(bit.begin(), bit.end()));
    tree.write("region0.bin", std::string(8, '\x22'));
  }
  PynqBoardConfig config() const {
    PynqBoardConfig c;
    c.dev_root = tree.path("dev");
    c.sys_root = tree.path("sys");
    c.firmware_dir = tree.path("lib/firmware");
    c.bitstream = tree.path("overlay.bit");
    c.partial_bitstreams["region0"] = tree.path("region0.bin");
    c.interrupts.push_back({0x2000, 1, "axi_dma_s2mm"});
    return c;
  }
};

TEST(PynqBoard, LoadsTheBitstreamOnOpenAndCountsReconfigurations) {
  FakeBoard fake;
  PynqBoard board(fake.config());
  EXPECT_EQ(board.name(), "pynq-z2");
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/firmware"), "overlay.bin");
  EXPECT_TRUE(std::filesystem::exists(fake.tree.path("lib/firmware/overlay.bin")));
  EXPECT_EQ(board.generation(), 0u);
  fake.tree.write("sys/class/fpga_manager/fpga0/firmware", "");
  board.reconfigure();
  EXPECT_EQ(board.generation(), 1u);
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/firmware"), "overlay.bin");
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/flags"), "0");
  board.reconfigure_region("region0");
  EXPECT_EQ(board.generation(), 2u);
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/flags"), "1");
  EXPECT_THROW(board.reconfigure_region("region9"), Error);
  EXPECT_EQ(board.generation(), 2u);
}

TEST(PynqBoard, ReconfigureReloadsTheDeclaredRegionAlone) {
  FakeBoard fake;
  PynqBoardConfig config = fake.config();
  config.reload_region = "region0";
  PynqBoard board(config);
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/flags"), "0");  // the full design on open
  board.reconfigure();
  EXPECT_EQ(board.generation(), 1u);
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/flags"), "1");
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/firmware"), "region0.bin");

  config.reload_region = "region9";  // a region without a partial bitstream
  PynqBoard misconfigured(config);
  EXPECT_THROW(misconfigured.reconfigure(), Error);
  EXPECT_EQ(misconfigured.generation(), 0u);
  EXPECT_TRUE(misconfigured.pl_up()) << "nothing was loaded: the PL keeps its configuration";
}

TEST(PynqBoard, FailedReconfigurationDoesNotCountAsOne) {
  FakeBoard fake;
  PynqBoard board(fake.config());
  fake.tree.write("sys/class/fpga_manager/fpga0/state", "write error\n");
  EXPECT_THROW(board.reconfigure(), Error);
  EXPECT_EQ(board.generation(), 0u);
  // Down until a load succeeds: not a single register is mapped or touched meanwhile.
  EXPECT_FALSE(board.pl_up());
  EXPECT_EQ(board.pl_condition(), PlCondition::load_failed);
  try {
    (void)board.map_registers(0x40400000, 0x10000);
    FAIL() << "registers were mapped while the PL is down";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_state);
    EXPECT_NE(std::string(error.what()).find("the PL is down"), std::string::npos) << error.what();
  }
  fake.tree.write("sys/class/fpga_manager/fpga0/state", "operating\n");
  board.reconfigure();
  EXPECT_TRUE(board.pl_up());
  EXPECT_EQ(board.generation(), 1u);
}

TEST(PynqBoard, WithoutABitstreamThePlIsLeftAloneAndReconfigureIsRefused) {
  FakeBoard fake;
  auto config = fake.config();
  config.bitstream.clear();
  PynqBoard board(config);
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/firmware"), "");
  try {
    board.reconfigure();
    FAIL() << "reconfigured without a bitstream";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_state);
  }
}

TEST(PynqBoard, MapsRegistersThroughDevMem) {
  FakeBoard fake;
  PynqBoard board(fake.config());
  auto regs = board.map_registers(page_size() + 0x30, 0x30);
  regs->write32(0x28, 0x1234);
  regs.reset();
  const std::string mem = fake.tree.read("dev/mem");
  std::uint32_t word = 0;
  std::memcpy(&word, mem.data() + page_size() + 0x58, 4);
  EXPECT_EQ(word, 0x1234u);
}

TEST(PynqBoard, MapsRegistersThroughTheCoveringUioDevice) {
  FakeBoard fake;
  auto config = fake.config();
  config.register_access = RegisterAccess::uio;
  PynqBoard board(config);
  auto regs = board.map_registers(0x2010, 0x10);
  regs->write32(0x4, 99);
  regs.reset();
  const std::string uio = fake.tree.read("dev/uio0");
  std::uint32_t word = 0;
  std::memcpy(&word, uio.data() + 0x14, 4);
  EXPECT_EQ(word, 99u);
  try {
    board.map_registers(0x40400000, 0x10000);
    FAIL() << "mapped an address no UIO device covers";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
}

TEST(PynqBoard, InterruptsComeFromTheBoundUioDevice) {
  FakeBoard fake;
  // The board finds the device named by the binding and opens it (the interrupt protocol
  // itself is tested in uio_test.cpp).
  PynqBoard board(fake.config());
  EXPECT_NE(board.open_interrupt(0x2000, 1), nullptr);
  EXPECT_EQ(board.open_interrupt(0x2000, 0), nullptr);  // not wired
  auto config = fake.config();
  config.interrupts = {{0x2000, 0, "no_such_uio"}};
  PynqBoard misconfigured(config);
  EXPECT_THROW(misconfigured.open_interrupt(0x2000, 0), Error);
}

TEST(PynqBoard, AllocatesFromTheUdmabuf) {
  FakeBoard fake;
  PynqBoard board(fake.config());
  auto buffer = board.memory().allocate(1000, 4096);
  EXPECT_EQ(buffer->physical_address(), 0x16000000u);
  EXPECT_EQ(buffer->size(), 1000u);
  const auto t0 = board.clock().now();
  EXPECT_GE(board.clock().now(), t0);
}

TEST(PynqBoard, AnExplicitUdmabufThatIsMissingFailsConstruction) {
  FakeBoard fake;
  auto config = fake.config();
  config.memory_backend = MemoryBackend::udmabuf;
  config.udmabuf_name = "udmabuf3";
  try {
    PynqBoard board(config);
    FAIL() << "opened a board without its u-dma-buf";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_NE(std::string(error.what()).find("udmabuf3"), std::string::npos);
  }
}

TEST(PynqBoard, AutomaticMemoryIsTheUdmabufWhenItsDeviceExists) {
  FakeBoard fake;
  PynqBoard board(fake.config());
  EXPECT_EQ(board.memory_backend(), MemoryBackend::udmabuf);
  EXPECT_EQ(board.memory().allocate(64)->physical_address(), 0x16000000u);
}

TEST(PynqBoard, AutomaticMemoryIsXrtWithoutAUdmabufAsOnAStockPynq3Image) {
  FakeBoard fake;
  FakeXrt xrt;
  std::filesystem::remove(fake.tree.path("dev/udmabuf0"));
  auto config = fake.config();
  config.xrt = xrt.options();
  PynqBoard board(config);
  EXPECT_EQ(board.memory_backend(), MemoryBackend::xrt);
  auto buffer = board.memory().allocate(1000, 4096);
  EXPECT_EQ(buffer->physical_address(), 0x30000000u);  // the stand-in XRT's first buffer
  EXPECT_EQ(xrt.live_buffers(), 1);
}

TEST(PynqBoard, XrtCanBeForcedBesideAUdmabuf) {
  FakeBoard fake;
  FakeXrt xrt;
  auto config = fake.config();
  config.memory_backend = MemoryBackend::xrt;
  config.xrt = xrt.options();
  PynqBoard board(config);
  EXPECT_EQ(board.memory_backend(), MemoryBackend::xrt);
  EXPECT_EQ(board.memory().allocate(64)->physical_address(), 0x30000000u);
}

TEST(PynqBoard, WithNeitherUdmabufNorXrtTheErrorNamesBoth) {
  FakeBoard fake;
  std::filesystem::remove(fake.tree.path("dev/udmabuf0"));
  auto config = fake.config();
  config.xrt.library = "/nonexistent/libxrt_coreutil.so.2";
  try {
    PynqBoard board(config);
    FAIL() << "opened a board without DMA memory";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    const std::string message = error.what();
    EXPECT_NE(message.find("no u-dma-buf device"), std::string::npos);
    EXPECT_NE(message.find("udmabuf0"), std::string::npos);
    EXPECT_NE(message.find("/nonexistent/libxrt_coreutil.so.2"), std::string::npos);
  }
}

TEST(MemoryBackend, ParsesItsNamesAndRefusesOthers) {
  EXPECT_EQ(parse_memory_backend("auto", "test"), MemoryBackend::automatic);
  EXPECT_EQ(parse_memory_backend("udmabuf", "test"), MemoryBackend::udmabuf);
  EXPECT_EQ(parse_memory_backend("xrt", "test"), MemoryBackend::xrt);
  try {
    parse_memory_backend("xlnk", "ZYNQNN_DMA_MEMORY");
    FAIL() << "accepted an unknown backend";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(error.where(), "ZYNQNN_DMA_MEMORY");
    EXPECT_NE(std::string(error.what()).find("xlnk"), std::string::npos);
  }
}

TEST(MemoryBackend, TheRuleLooksForTheUdmabufDeviceOnly) {
  TempTree tree;
  EXPECT_EQ(resolve_memory_backend(MemoryBackend::automatic, tree.path("dev"), "udmabuf0"), MemoryBackend::xrt);
  tree.sized_file("dev/udmabuf0", 64);
  EXPECT_EQ(resolve_memory_backend(MemoryBackend::automatic, tree.path("dev"), "udmabuf0"), MemoryBackend::udmabuf);
  EXPECT_EQ(resolve_memory_backend(MemoryBackend::automatic, tree.path("dev"), "udmabuf1"), MemoryBackend::xrt);
  EXPECT_EQ(resolve_memory_backend(MemoryBackend::xrt, tree.path("dev"), "udmabuf0"), MemoryBackend::xrt);
  EXPECT_EQ(resolve_memory_backend(MemoryBackend::udmabuf, tree.path("dev"), "udmabuf1"), MemoryBackend::udmabuf);
}

TEST(MemoryBackend, TheEnvironmentChoosesTheBackendAndTheXrtLibrary) {
  PynqBoardConfig config;
  ::unsetenv("ZYNQNN_DMA_MEMORY");
  ::unsetenv("ZYNQNN_XRT_LIBRARY");
  apply_memory_environment(config);
  EXPECT_EQ(config.memory_backend, MemoryBackend::automatic);
  EXPECT_EQ(config.xrt.library, "libxrt_coreutil.so.2");
  ::setenv("ZYNQNN_DMA_MEMORY", "udmabuf", 1);
  ::setenv("ZYNQNN_XRT_LIBRARY", "/opt/xilinx/xrt/lib/libxrt_coreutil.so.2", 1);
  apply_memory_environment(config);
  EXPECT_EQ(config.memory_backend, MemoryBackend::udmabuf);
  EXPECT_EQ(config.xrt.library, "/opt/xilinx/xrt/lib/libxrt_coreutil.so.2");
  ::setenv("ZYNQNN_DMA_MEMORY", "cma", 1);
  EXPECT_THROW(apply_memory_environment(config), Error);
  ::unsetenv("ZYNQNN_DMA_MEMORY");
  ::unsetenv("ZYNQNN_XRT_LIBRARY");
}

}  // namespace
}  // namespace zynqnn::pynq_board
