#pragma once
// The arithmetic a compiled network uses on the programmable logic: what the host converts
// float values to before streaming them (and back).
#include <string>
#include <string_view>

namespace zynqnn::network {

enum class PrecisionKind { float32, int8, fixed };

struct Precision {
  PrecisionKind kind = PrecisionKind::float32;
  int width = 0;          // fixed<W,I>: total bits
  int integer_bits = 0;   // fixed<W,I>: integer bits (sign included)

  // "float32", "int8" or "fixed<W,I>" (2 <= W <= 32, 1 <= I <= W).
  static Precision parse(std::string_view text);
  std::string name() const;
};

}  // namespace zynqnn::network
