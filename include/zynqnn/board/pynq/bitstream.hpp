#pragma once
// Xilinx .bit files and the .bin form the Linux FPGA manager loads on Zynq-7000.
//
// A .bit file: a 2-byte big-endian length and that many bytes of preamble, a 2-byte field
// (0x0001), then fields 'a' (design name), 'b' (part), 'c' (date), 'd' (time), each a key
// byte, a 2-byte big-endian length and a NUL-terminated string, and finally 'e': a key byte,
// a 4-byte big-endian length and the raw configuration data. The .bin is that raw data with
// every 32-bit word byte-swapped.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zynqnn::pynq_board {

struct BitstreamInfo {
  std::string design;  // 'a', e.g. "top;UserID=0XFFFFFFFF;Version=2020.1"
  std::string part;    // 'b', e.g. "7z020clg400"
  std::string date;    // 'c'
  std::string time;    // 'd'
};

struct Bitstream {
  BitstreamInfo info;
  std::vector<std::byte> bin;  // the FPGA manager's input
};

// Parses a .bit image; Error(parse) naming the field and byte offset when it is malformed.
Bitstream convert_bit_to_bin(std::span<const std::byte> bit, std::string_view source);
Bitstream read_bit_file(const std::filesystem::path& path);
// The bytes of a bitstream file as they are (a .bin); Error(not_found / io) naming the file.
std::vector<std::byte> read_bitstream_bytes(const std::filesystem::path& path);

}  // namespace zynqnn::pynq_board
