#pragma once
// The element types a kernel stream can carry, and how each is laid out in a DMA word.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zynqnn::spec {

enum class ElementKind { signed_int, unsigned_int, float32, fixed };

struct ElementType {
  ElementKind kind = ElementKind::signed_int;
  int value_bits = 32;    // significant bits (W for fixed<W,I>)
  int integer_bits = 0;   // I for fixed<W,I>; unused otherwise

  // The spec spelling: int8 ... uint32, float32, fixed<W,I>.
  std::string name() const;
  // The bits one element occupies in a DMA word: 8, 16, 32 or 64. Fixed-point values are
  // sign-extended into the smallest such slot, so the host sees a plain integer array.
  int slot_bits() const;
  // The NumPy dtype of the host-side array (fixed-point: the raw integer of the slot).
  std::string numpy_dtype() const;
  // The canonical HLS C++ element type (ap_int<8>, float, ap_fixed<12,4>...).
  std::string hls_type() const;
  // Spellings of the element type accepted in a user compute function's declaration.
  std::vector<std::string> accepted_hls_spellings() const;
  int fraction_bits() const { return kind == ElementKind::fixed ? value_bits - integer_bits : 0; }

  friend bool operator==(const ElementType&, const ElementType&) = default;
};

// Parses a spec type name; nullopt when it is not one of the supported types.
std::optional<ElementType> parse_element_type(std::string_view text);

// Removes all whitespace and a leading "std::" from a C++ type spelling, for comparison.
std::string normalize_cpp_type(std::string_view spelling);

}  // namespace zynqnn::spec
