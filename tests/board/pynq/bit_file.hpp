#pragma once
// Builds synthetic .bit images for the tests: the real header layout around a small payload.
#include <cstdint>
#include <string>
#include <vector>

namespace zynqnn::pynq_board::testing {

inline void put_be(std::vector<std::uint8_t>& out, std::uint32_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

inline void put_field(std::vector<std::uint8_t>& out, char key, const std::string& text) {
  out.push_back(static_cast<std::uint8_t>(key));
  put_be(out, static_cast<std::uint32_t>(text.size() + 1), 2);
  out.insert(out.end(), text.begin(), text.end());
  out.push_back(0);
}

inline std::vector<std::uint8_t> make_bit(const std::vector<std::uint8_t>& payload,
                                          const std::string& design = "top;UserID=0XFFFFFFFF;Version=2020.1") {
  std::vector<std::uint8_t> out;
  put_be(out, 9, 2);
  for (std::uint8_t b : {0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x00}) out.push_back(b);
  put_be(out, 1, 2);
  put_field(out, 'a', design);
  put_field(out, 'b', "7z020clg400");
  put_field(out, 'c', "2020/10/24");
  put_field(out, 'd', "14:50:33");
  out.push_back('e');
  put_be(out, static_cast<std::uint32_t>(payload.size()), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// The start of a real configuration stream: dummy words, bus width detect, sync word.
inline std::vector<std::uint8_t> sample_payload() {
  return {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xBB, 0x11, 0x22, 0x00, 0x44,
          0xFF, 0xFF, 0xFF, 0xFF, 0xAA, 0x99, 0x55, 0x66, 0x20, 0x00, 0x00, 0x00};
}

}  // namespace zynqnn::pynq_board::testing
