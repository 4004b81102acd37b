#pragma once
// C-simulation model of Vitis HLS arbitrary-precision integers, zynqnn's own, for widths
// 0..64. A value is stored wrapped to W bits (two's complement for ap_int). Arithmetic
// promotes to a 64-bit integer (signed, except ap_uint<64>), which matches Vitis HLS results
// whenever the exact result fits in 64 bits; assigning back wraps to W bits as hardware does.
// No heap, no virtual calls: the same header compiles for the host and the board's ARM CPU.
#include <cstdint>
#include <string>
#include <type_traits>

namespace zynqnn_ap_detail {

template <int W>
constexpr std::uint64_t mask() {
  if constexpr (W >= 64) return ~std::uint64_t{0};
  else if constexpr (W <= 0) return 0;
  else return (std::uint64_t{1} << W) - 1;
}

// Wraps `bits` to W bits; sign-extends into the 64-bit container when Signed.
template <int W, bool Signed>
constexpr std::uint64_t wrap(std::uint64_t bits) {
  if constexpr (W <= 0) {
    return 0;
  } else {
    bits &= mask<W>();
    if constexpr (Signed && W < 64) {
      if (bits >> (W - 1) & 1) bits |= ~mask<W>();
    }
    return bits;
  }
}

}  // namespace zynqnn_ap_detail

template <int W, bool Signed>
class ap_int_base {
  static_assert(W >= 0 && W <= 64, "zynqnn C-simulation ap_int supports widths 0..64");

 public:
  // The promoted type that arithmetic uses.
  using native_type = std::conditional_t<(Signed || W < 64), std::int64_t, std::uint64_t>;

  constexpr ap_int_base() = default;
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  constexpr ap_int_base(T value) : bits_(wrap(static_cast<std::uint64_t>(value))) {}
  constexpr ap_int_base(double value) : bits_(from_double(value)) {}
  constexpr ap_int_base(float value) : bits_(from_double(value)) {}
  template <int W2, bool S2>
  constexpr ap_int_base(const ap_int_base<W2, S2>& other)
      : bits_(wrap(static_cast<std::uint64_t>(other.to_native()))) {}

  constexpr operator native_type() const { return to_native(); }
  constexpr native_type to_native() const { return static_cast<native_type>(bits_); }

  constexpr int to_int() const { return static_cast<int>(to_native()); }
  constexpr unsigned to_uint() const { return static_cast<unsigned>(bits_); }
  constexpr long to_long() const { return static_cast<long>(to_native()); }
  constexpr unsigned long to_ulong() const { return static_cast<unsigned long>(bits_); }
  constexpr std::int64_t to_int64() const { return static_cast<std::int64_t>(bits_); }
  constexpr std::uint64_t to_uint64() const { return bits_ & zynqnn_ap_detail::mask<W>(); }
  constexpr double to_double() const { return static_cast<double>(to_native()); }
  constexpr bool to_bool() const { return bits_ != 0; }
  static constexpr int length() { return W; }
  std::string to_string() const { return std::to_string(to_native()); }

  // Raw W-bit pattern, zero-extended.
  constexpr std::uint64_t raw_bits() const { return to_uint64(); }
  constexpr void set_raw_bits(std::uint64_t bits) { bits_ = wrap(bits); }

  // --- single bits ---
  class bit_ref {
   public:
    constexpr bit_ref(ap_int_base& owner, int index) : owner_(owner), index_(index) {}
    constexpr operator bool() const { return owner_.test(index_); }
    constexpr bit_ref& operator=(bool value) {
      owner_.set_bit(index_, value);
      return *this;
    }
    constexpr bit_ref& operator=(const bit_ref& other) { return *this = static_cast<bool>(other); }
    constexpr bool operator~() const { return !static_cast<bool>(*this); }

   private:
    ap_int_base& owner_;
    int index_;
  };
  constexpr bit_ref operator[](int index) { return bit_ref(*this, index); }
  constexpr bool operator[](int index) const { return test(index); }
  constexpr bool test(int index) const { return index >= 0 && index < W && ((bits_ >> index) & 1); }
  constexpr void set_bit(int index, bool value) {
    if (index < 0 || index >= W) return;
    std::uint64_t bits = bits_ & zynqnn_ap_detail::mask<W>();
    bits = value ? (bits | (std::uint64_t{1} << index)) : (bits & ~(std::uint64_t{1} << index));
    bits_ = wrap(bits);
  }
  constexpr void set(int index) { set_bit(index, true); }
  constexpr void clear(int index) { set_bit(index, false); }

  // --- bit ranges [hi:lo], read as unsigned ---
  class range_ref {
   public:
    constexpr range_ref(ap_int_base& owner, int hi, int lo) : owner_(owner), hi_(hi), lo_(lo) {}
    constexpr operator std::uint64_t() const { return owner_.get_range(hi_, lo_); }
    constexpr std::uint64_t to_uint64() const { return owner_.get_range(hi_, lo_); }
    constexpr unsigned to_uint() const { return static_cast<unsigned>(to_uint64()); }
    constexpr int to_int() const { return static_cast<int>(to_uint64()); }
    template <typename T>
    constexpr range_ref& operator=(const T& value) {
      owner_.set_range(hi_, lo_, static_cast<std::uint64_t>(value));
      return *this;
    }
    template <int W2, bool S2>
    constexpr range_ref& operator=(const ap_int_base<W2, S2>& value) {
      owner_.set_range(hi_, lo_, value.to_uint64());
      return *this;
    }
    constexpr range_ref& operator=(const range_ref& other) {
      owner_.set_range(hi_, lo_, other.to_uint64());
      return *this;
    }

   private:
    ap_int_base& owner_;
    int hi_;
    int lo_;
  };
  constexpr range_ref range(int hi, int lo) { return range_ref(*this, hi, lo); }
  constexpr range_ref operator()(int hi, int lo) { return range_ref(*this, hi, lo); }
  constexpr std::uint64_t range(int hi, int lo) const { return get_range(hi, lo); }
  constexpr std::uint64_t operator()(int hi, int lo) const { return get_range(hi, lo); }
  constexpr std::uint64_t range() const { return to_uint64(); }

  constexpr std::uint64_t get_range(int hi, int lo) const {
    if (lo < 0 || hi >= W || hi < lo) return 0;
    const int width = hi - lo + 1;
    const std::uint64_t field_mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    return (to_uint64() >> lo) & field_mask;
  }
  constexpr void set_range(int hi, int lo, std::uint64_t value) {
    if (lo < 0 || hi >= W || hi < lo) return;
    const int width = hi - lo + 1;
    const std::uint64_t field_mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    std::uint64_t bits = to_uint64() & ~(field_mask << lo);
    bits |= (value & field_mask) << lo;
    bits_ = wrap(bits);
  }

  // --- reductions ---
  constexpr bool and_reduce() const { return to_uint64() == zynqnn_ap_detail::mask<W>(); }
  constexpr bool or_reduce() const { return to_uint64() != 0; }
  constexpr bool xor_reduce() const { return __builtin_parityll(to_uint64()) != 0; }

  // --- compound assignment (result wraps to W bits) ---
#define ZYNQNN_AP_COMPOUND(op)                                          \
  template <typename T>                                                 \
  constexpr ap_int_base& operator op##=(const T& rhs) {                 \
    *this = ap_int_base(to_native() op static_cast<native_type>(rhs)); \
    return *this;                                                       \
  }
  ZYNQNN_AP_COMPOUND(+)
  ZYNQNN_AP_COMPOUND(-)
  ZYNQNN_AP_COMPOUND(*)
  ZYNQNN_AP_COMPOUND(/)
  ZYNQNN_AP_COMPOUND(%)
  ZYNQNN_AP_COMPOUND(&)
  ZYNQNN_AP_COMPOUND(|)
  ZYNQNN_AP_COMPOUND(^)
#undef ZYNQNN_AP_COMPOUND
  template <typename T>
  constexpr ap_int_base& operator<<=(const T& shift) {
    bits_ = wrap(shift_left(to_uint64(), static_cast<int>(shift)));
    return *this;
  }
  template <typename T>
  constexpr ap_int_base& operator>>=(const T& shift) {
    const int s = static_cast<int>(shift);
    if constexpr (Signed) bits_ = wrap(static_cast<std::uint64_t>(to_int64() >> (s >= 64 ? 63 : s)));
    else bits_ = wrap(s >= 64 ? 0 : to_uint64() >> s);
    return *this;
  }
  constexpr ap_int_base& operator++() { return *this += 1; }
  constexpr ap_int_base& operator--() { return *this -= 1; }
  constexpr ap_int_base operator++(int) {
    ap_int_base old = *this;
    *this += 1;
    return old;
  }
  constexpr ap_int_base operator--(int) {
    ap_int_base old = *this;
    *this -= 1;
    return old;
  }

 private:
  static constexpr std::uint64_t wrap(std::uint64_t bits) { return zynqnn_ap_detail::wrap<W, Signed>(bits); }
  static constexpr std::uint64_t shift_left(std::uint64_t bits, int shift) {
    return shift >= 64 || shift < 0 ? 0 : bits << shift;
  }
  static constexpr std::uint64_t from_double(double value) {
    // Truncation toward zero, as a C cast; out-of-range values saturate to the 64-bit range
    // before wrapping instead of being undefined behaviour.
    if (value != value) return 0;
    if (value >= 9.2233720368547758e18) return wrap(static_cast<std::uint64_t>(INT64_MAX));
    if (value <= -9.2233720368547758e18) return wrap(static_cast<std::uint64_t>(INT64_MIN));
    return wrap(static_cast<std::uint64_t>(static_cast<std::int64_t>(value)));
  }

  std::uint64_t bits_ = 0;  // sign-extended to 64 bits for signed types
};

template <int W>
class ap_int : public ap_int_base<W, true> {
 public:
  using ap_int_base<W, true>::ap_int_base;
  constexpr ap_int() = default;
  constexpr ap_int(const ap_int_base<W, true>& base) : ap_int_base<W, true>(base) {}
};

template <int W>
class ap_uint : public ap_int_base<W, false> {
 public:
  using ap_int_base<W, false>::ap_int_base;
  constexpr ap_uint() = default;
  constexpr ap_uint(const ap_int_base<W, false>& base) : ap_int_base<W, false>(base) {}
};
