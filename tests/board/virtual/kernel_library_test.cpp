#include <gtest/gtest.h>

#include "dma_test_support.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board::testing {
namespace {

TEST(KernelLibrary, LoadsAGeneratedLibraryAndRunsItOnTheBoard) {
  auto kernel = load_kernel_library(ZYNQNN_TEST_KERNEL_LIBRARY);
  EXPECT_EQ(kernel->num_inputs(), 1u);
  EXPECT_EQ(kernel->num_outputs(), 1u);
  EXPECT_EQ(kernel->input_bits(0), 32u);
  EXPECT_EQ(kernel->frame_latency_cycles(), 100u);

  VirtualBoard board(exact_config(), kernel);
  DmaDriverForTest dma(board);
  auto in = board.memory().allocate(400), out = board.memory().allocate(400);
  for (std::uint32_t i = 0; i < 100; ++i) std::memcpy(in->data() + 4 * i, &i, 4);
  dma.run_both();
  auto line = board.open_interrupt(0x40400000, 1);
  dma.write(reg::S2MM_DMACR, reg::RS | reg::IOC_IRQ_EN);
  line->enable();
  const Nanoseconds start = board.clock().now();
  dma.start_s2mm(out->physical_address(), 400);
  dma.start_mm2s(in->physical_address(), 400);
  ASSERT_TRUE(line->wait_until(start + std::chrono::milliseconds(1)));
  EXPECT_EQ(board.clock().now() - start, 4 * kRegisterAccess + s2mm_time(100, 100))
      << "beats plus the declared latency, from the MM2S LENGTH write";
  EXPECT_EQ(dma.read(reg::S2MM_LENGTH), 400u);
  for (std::uint32_t i = 0; i < 100; ++i) {
    std::uint32_t word = 0;
    std::memcpy(&word, out->data() + 4 * i, 4);
    EXPECT_EQ(word, i + 1);
  }
  // The library's kernel unwinds through hls::stream_closed on a reconfiguration too.
  board.inject({FaultKind::hang, true});
  dma.start_s2mm(out->physical_address(), 400);
  dma.start_mm2s(in->physical_address(), 400);
  board.clock().sleep_for(std::chrono::microseconds(50));
  board.reconfigure();
  EXPECT_EQ(board.generation(), 1u);
}

void expect_load_error(const std::string& path, ErrorCode code, const std::string& fragment) {
  try {
    load_kernel_library(path);
    FAIL() << "expected an error loading " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
    EXPECT_EQ(e.where(), path);
  }
}

TEST(KernelLibrary, RejectsAWrongAbiVersion) {
  expect_load_error(ZYNQNN_TEST_KERNEL_LIBRARY_BAD_VERSION, ErrorCode::unsupported, "ABI version 99");
}

TEST(KernelLibrary, RejectsUnsupportedStreamWidths) {
  expect_load_error(ZYNQNN_TEST_KERNEL_LIBRARY_BAD_WIDTH, ErrorCode::unsupported, "input_bits[0] is 16 bits");
}

TEST(KernelLibrary, MissingFilesAndMissingEntryPointsAreErrors) {
  expect_load_error("/nonexistent/libkernel.so", ErrorCode::io, "cannot load");
  expect_load_error(ZYNQNN_TEST_LIBRARY_WITHOUT_ENTRY, ErrorCode::not_found, "zynqnn_pl_kernel_v1");
}

}  // namespace
}  // namespace zynqnn::virtual_board::testing
