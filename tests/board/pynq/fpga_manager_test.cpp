#include "zynqnn/board/pynq/fpga_manager.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>

#include "bit_file.hpp"
#include "temp_tree.hpp"
#include "zynqnn/board/pynq/bitstream.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board {
namespace {

using namespace std::chrono_literals;
using testing::make_bit;
using testing::sample_payload;
using testing::TempTree;

std::span<const std::byte> as_bytes(const std::vector<std::uint8_t>& v) {
  return std::as_bytes(std::span<const std::uint8_t>(v));
}

std::string as_string(const std::vector<std::uint8_t>& v) { return {v.begin(), v.end()}; }

TEST(Bitstream, ParsesTheHeaderAndByteSwapsEveryWord) {
  auto bit = make_bit(sample_payload());
  auto stream = convert_bit_to_bin(as_bytes(bit), "test.bit");
  EXPECT_EQ(stream.info.design, "top;UserID=0XFFFFFFFF;Version=2020.1");
  EXPECT_EQ(stream.info.part, "7z020clg400");
  EXPECT_EQ(stream.info.date, "2020/10/24");
  EXPECT_EQ(stream.info.time, "14:50:33");
  ASSERT_EQ(stream.bin.size(), 24u);
  // 00 00 00 BB -> BB 00 00 00; AA 99 55 66 (sync word) -> 66 55 99 AA.
  EXPECT_EQ(stream.bin[4], std::byte{0xBB});
  EXPECT_EQ(stream.bin[7], std::byte{0x00});
  EXPECT_EQ(stream.bin[8], std::byte{0x44});
  EXPECT_EQ(stream.bin[11], std::byte{0x11});
  EXPECT_EQ(stream.bin[16], std::byte{0x66});
  EXPECT_EQ(stream.bin[19], std::byte{0xAA});
}

void expect_parse_error(const std::vector<std::uint8_t>& bit, const std::string& needle) {
  try {
    convert_bit_to_bin(as_bytes(bit), "bad.bit");
    FAIL() << "accepted a malformed .bit (" << needle << ")";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::parse);
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    EXPECT_NE(error.where().find("bad.bit"), std::string::npos);
  }
}

TEST(Bitstream, RefusesMalformedFilesNamingTheField) {
  expect_parse_error({}, "preamble length");
  auto bit = make_bit(sample_payload());
  auto wrong_preamble = bit;
  wrong_preamble[1] = 8;
  expect_parse_error(wrong_preamble, "preamble length is 8");
  auto wrong_key = bit;
  wrong_key[13] = 'x';  // the key of field 'a'
  expect_parse_error(wrong_key, "expected field 'a'");
  auto truncated = bit;
  truncated.resize(truncated.size() - 3);
  expect_parse_error(truncated, "field 'e'");
  auto header_only = bit;
  header_only.resize(20);
  expect_parse_error(header_only, "field 'a'");
  expect_parse_error(make_bit({1, 2, 3, 4, 5, 6}), "not a multiple of 4");
  expect_parse_error(make_bit({}), "empty");
  auto trailing = bit;
  trailing.push_back(0);
  expect_parse_error(trailing, "after the configuration data");
}

// A fake fpga_manager whose state the test controls.
struct FakeManager {
  TempTree tree;
  FakeManager(const std::string& initial_state = "operating") {
    tree.write("sys/class/fpga_manager/fpga0/state", initial_state + "\n");
    tree.write("sys/class/fpga_manager/fpga0/flags", "");
    tree.write("sys/class/fpga_manager/fpga0/firmware", "");
    std::filesystem::create_directories(tree.path("lib/firmware"));
  }
  FpgaManagerOptions options() const {
    FpgaManagerOptions o;
    o.sys_root = tree.path("sys");
    o.firmware_dir = tree.path("lib/firmware");
    o.timeout = 100ms;
    o.poll_interval = 10ms;
    return o;
  }
  void set_state(const std::string& state) const { tree.write("sys/class/fpga_manager/fpga0/state", state + "\n"); }
};

// A modeled clock whose sleeps run a callback, so the test can act "while" the loader waits.
class ScriptedClock final : public ManualClock {
 public:
  std::function<void(int)> on_sleep;
  std::atomic<int> sleeps{0};
  void sleep_for(Nanoseconds duration) override {
    ManualClock::sleep_for(duration);
    if (on_sleep) on_sleep(++sleeps);
  }
};

TEST(FpgaManager, FullLoadInstallsTheBinWritesFlagsAndFirmware) {
  FakeManager fake;
  fake.tree.write("design.bit", as_string(make_bit(sample_payload())));
  ScriptedClock clock;
  FpgaManager manager(fake.options(), clock);
  manager.load_full(fake.tree.path("design.bit"));
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/flags"), "0");
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/firmware"), "design.bin");
  const std::string bin = fake.tree.read("lib/firmware/design.bin");
  ASSERT_EQ(bin.size(), 24u);
  EXPECT_EQ(static_cast<unsigned char>(bin[16]), 0x66);
  EXPECT_FALSE(std::filesystem::exists(fake.tree.path("lib/firmware/design.bin.partial")));
  EXPECT_EQ(clock.sleeps.load(), 0);
}

TEST(FpgaManager, WaitsUntilTheStateReadsOperating) {
  FakeManager fake("write");
  fake.tree.write("design.bit", as_string(make_bit(sample_payload())));
  ScriptedClock clock;
  clock.on_sleep = [&fake](int n) {
    if (n == 3) fake.set_state("operating");
  };
  FpgaManager manager(fake.options(), clock);
  manager.load_full(fake.tree.path("design.bit"));
  EXPECT_EQ(clock.sleeps.load(), 3);
  EXPECT_EQ(manager.state(), "operating");
}

TEST(FpgaManager, StateNeverOperatingTimesOutAtTheDeadline) {
  FakeManager fake("write");
  fake.tree.write("design.bit", as_string(make_bit(sample_payload())));
  ScriptedClock clock;
  FpgaManager manager(fake.options(), clock);
  try {
    manager.load_full(fake.tree.path("design.bit"));
    FAIL() << "load reported success";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::timeout);
    EXPECT_NE(std::string(error.what()).find("'write'"), std::string::npos);
  }
  EXPECT_EQ(clock.now(), Nanoseconds(100ms));  // exactly the deadline, not beyond
}

TEST(FpgaManager, ErrorStateFailsAtOnce) {
  FakeManager fake("write error");
  fake.tree.write("design.bit", as_string(make_bit(sample_payload())));
  ScriptedClock clock;
  FpgaManager manager(fake.options(), clock);
  try {
    manager.load_full(fake.tree.path("design.bit"));
    FAIL() << "load reported success";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(std::string(error.what()).find("write error"), std::string::npos);
  }
  EXPECT_EQ(clock.sleeps.load(), 0);
}

TEST(FpgaManager, PartialLoadSetsFlagOneAndAcceptsABin) {
  FakeManager fake;
  fake.tree.write("region0_partial.bin", std::string(16, '\x11'));
  ScriptedClock clock;
  FpgaManager manager(fake.options(), clock);
  manager.load_partial(fake.tree.path("region0_partial.bin"));
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/flags"), "1");
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/firmware"), "region0_partial.bin");
  EXPECT_EQ(fake.tree.read("lib/firmware/region0_partial.bin"), std::string(16, '\x11'));
}

TEST(FpgaManager, MalformedBitIsRefusedBeforeAnythingIsWritten) {
  FakeManager fake;
  fake.tree.write("broken.bit", "not a bitstream");
  fake.tree.write("odd.bin", "12345");
  ScriptedClock clock;
  FpgaManager manager(fake.options(), clock);
  EXPECT_THROW(manager.load_full(fake.tree.path("broken.bit")), Error);
  EXPECT_THROW(manager.load_partial(fake.tree.path("odd.bin")), Error);
  EXPECT_EQ(fake.tree.read("sys/class/fpga_manager/fpga0/firmware"), "");
  EXPECT_TRUE(std::filesystem::is_empty(fake.tree.path("lib/firmware")));
}

TEST(FpgaManager, MissingManagerOrBitstreamIsNotFound) {
  TempTree empty;
  ScriptedClock clock;
  FpgaManagerOptions options;
  options.sys_root = empty.path("sys");
  try {
    FpgaManager manager(options, clock);
    FAIL() << "opened a missing FPGA manager";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
  FakeManager fake;
  FpgaManager manager(fake.options(), clock);
  try {
    manager.load_full(fake.tree.path("missing.bit"));
    FAIL() << "loaded a missing file";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
}

TEST(FpgaManager, MissingFirmwareDirectoryIsAnIoError) {
  FakeManager fake;
  fake.tree.write("design.bit", as_string(make_bit(sample_payload())));
  auto options = fake.options();
  options.firmware_dir = fake.tree.path("no/such/dir");
  ScriptedClock clock;
  FpgaManager manager(options, clock);
  try {
    manager.load_full(fake.tree.path("design.bit"));
    FAIL() << "installed firmware into a missing directory";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
  }
}

}  // namespace
}  // namespace zynqnn::pynq_board
