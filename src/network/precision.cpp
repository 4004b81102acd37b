#include "zynqnn/network/precision.hpp"

#include <charconv>

#include "zynqnn/core/error.hpp"

namespace zynqnn::network {

Precision Precision::parse(std::string_view text) {
  if (text == "float32") return {};
  if (text == "int8") return {PrecisionKind::int8, 8, 8};
  constexpr std::string_view prefix = "fixed<";
  if (text.starts_with(prefix) && text.ends_with(">")) {
    const std::string_view inner = text.substr(prefix.size(), text.size() - prefix.size() - 1);
    const auto comma = inner.find(',');
    int w = 0, i = 0;
    if (comma != std::string_view::npos) {
      const auto a = inner.substr(0, comma), b = inner.substr(comma + 1);
      const auto ra = std::from_chars(a.data(), a.data() + a.size(), w);
      const auto rb = std::from_chars(b.data(), b.data() + b.size(), i);
      if (ra.ec == std::errc{} && ra.ptr == a.data() + a.size() && rb.ec == std::errc{} &&
          rb.ptr == b.data() + b.size() && w >= 2 && w <= 32 && i >= 1 && i <= w)
        return {PrecisionKind::fixed, w, i};
    }
  }
  throw Error(ErrorCode::invalid_argument,
              "precision must be float32, int8 or fixed<W,I> with 2 <= W <= 32 and 1 <= I <= W, not '" +
                  std::string(text) + "'",
              "--precision");
}

std::string Precision::name() const {
  switch (kind) {
    case PrecisionKind::float32: return "float32";
    case PrecisionKind::int8: return "int8";
    case PrecisionKind::fixed: return "fixed<" + std::to_string(width) + "," + std::to_string(integer_bits) + ">";
  }
  return "?";
}

}  // namespace zynqnn::network
