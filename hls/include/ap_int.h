#pragma once
// C-simulation model of Vitis HLS arbitrary-precision integers, zynqnn's own, for widths
// 0..64. A value is stored wrapped to W bits (two's complement for ap_int). Arithmetic
// promotes to a 64-bit integer (signed, except ap_uint<64>), which matches Vitis HLS results
// whenever the exact result fits in 64 bits; assigning back wraps to W bits as hardware does.
// Shifts, ~, comparisons and % follow Vitis HLS's own rules instead (below; tests/hls/ap_diff
// compares them with Xilinx's headers).
// No heap, no virtual calls: the same header compiles for the host and the board's ARM CPU.
#include <cstdint>
#include <string>
#include <type_traits>

namespace zynqnn_ap_detail {

// C++14 throughout (no if constexpr): Vitis HLS 2020.2-2021.2 compile HLS C++ as C++14.
template <int W>
constexpr std::uint64_t mask() {
  return W >= 64 ? ~std::uint64_t{0} : W <= 0 ? 0 : (std::uint64_t{1} << (W & 63)) - 1;
}

// Wraps `bits` to W bits; sign-extends into the 64-bit container when Signed.
template <int W, bool Signed>
constexpr std::uint64_t wrap(std::uint64_t bits) {
  bits &= mask<W>();
  if (Signed && W > 0 && W < 64 && (bits >> ((W - 1) & 63) & 1)) bits |= ~mask<W>();
  return bits;
}

// Compares a (W1 bits, signed if S1) with b as Vitis HLS does: -1, 0 or 1. Mixed signedness
// follows C's rule for its integer types, an int being 32 bits: narrower operands compare
// exactly (promoted to int); otherwise, when the unsigned operand is at least as wide, both
// compare as unsigned, so a negative value is above every unsigned one.
template <int W1, bool S1, int W2, bool S2, typename A, typename B>
constexpr int compare_integers(A a, B b) {
  const bool a_negative = S1 && static_cast<std::int64_t>(a) < 0;
  const bool b_negative = S2 && static_cast<std::int64_t>(b) < 0;
  const bool as_unsigned = S1 != S2 && (W1 >= 32 || W2 >= 32) && (S1 ? W2 >= W1 : W1 >= W2);
  if (a_negative != b_negative) return a_negative != as_unsigned ? -1 : 1;
  // Same sign: the 64-bit two's complement patterns order as the values do.
  const std::uint64_t ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

}  // namespace zynqnn_ap_detail

template <int W, bool Signed>
class ap_int_base {
  static_assert(W >= 0 && W <= 64, "zynqnn C-simulation ap_int supports widths 0..64");

 public:
  // The promoted type that arithmetic uses.
  using native_type = typename std::conditional<(Signed || W < 64), std::int64_t, std::uint64_t>::type;

  constexpr ap_int_base() = default;
  template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
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
  // Sign-extended for ap_int, as Vitis HLS's; raw_bits() is the W-bit pattern.
  constexpr std::uint64_t to_uint64() const { return bits_; }
  constexpr double to_double() const { return static_cast<double>(to_native()); }
  constexpr bool to_bool() const { return bits_ != 0; }
  static constexpr int length() { return W; }
  std::string to_string() const { return std::to_string(to_native()); }

  // Raw W-bit pattern, zero-extended.
  constexpr std::uint64_t raw_bits() const { return bits_ & zynqnn_ap_detail::mask<W>(); }
  constexpr void set_raw_bits(std::uint64_t bits) { bits_ = wrap(bits); }

  // --- single bits ---
  class bit_ref {
   public:
    constexpr bit_ref(ap_int_base& owner, int index) : owner_(owner), index_(index) {}
    constexpr bit_ref(const bit_ref&) = default;  // a reference to the same bit
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
    std::uint64_t bits = raw_bits();
    bits = value ? (bits | (std::uint64_t{1} << index)) : (bits & ~(std::uint64_t{1} << index));
    bits_ = wrap(bits);
  }
  constexpr void set(int index) { set_bit(index, true); }
  constexpr void clear(int index) { set_bit(index, false); }

  // --- bit ranges [hi:lo], read as unsigned ---
  // A read of a const value's range.
  struct range_value {
    std::uint64_t bits;
    constexpr operator std::uint64_t() const { return bits; }
    constexpr std::uint64_t to_uint64() const { return bits; }
    constexpr unsigned to_uint() const { return static_cast<unsigned>(bits); }
    constexpr int to_int() const { return static_cast<int>(bits); }
  };
  class range_ref {
   public:
    constexpr range_ref(ap_int_base& owner, int hi, int lo) : owner_(owner), hi_(hi), lo_(lo) {}
    constexpr range_ref(const range_ref&) = default;  // a reference to the same bits
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
  constexpr range_value range(int hi, int lo) const { return range_value{get_range(hi, lo)}; }
  constexpr range_value operator()(int hi, int lo) const { return range_value{get_range(hi, lo)}; }
  constexpr std::uint64_t range() const { return raw_bits(); }

  constexpr std::uint64_t get_range(int hi, int lo) const {
    if (lo < 0 || hi >= W || hi < lo) return 0;
    const int width = hi - lo + 1;
    const std::uint64_t field_mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    return (raw_bits() >> lo) & field_mask;
  }
  constexpr void set_range(int hi, int lo, std::uint64_t value) {
    if (lo < 0 || hi >= W || hi < lo) return;
    const int width = hi - lo + 1;
    const std::uint64_t field_mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    std::uint64_t bits = raw_bits() & ~(field_mask << lo);
    bits |= (value & field_mask) << lo;
    bits_ = wrap(bits);
  }

  // --- reductions ---
  constexpr bool and_reduce() const { return raw_bits() == zynqnn_ap_detail::mask<W>(); }
  constexpr bool or_reduce() const { return raw_bits() != 0; }
  constexpr bool xor_reduce() const { return __builtin_parityll(raw_bits()) != 0; }

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
  // --- shifts: the result keeps the left operand's W bits, as Vitis HLS's does; a negative
  // amount shifts the other way ---
  template <typename T>
  constexpr ap_int_base operator<<(const T& shift) const {
    return from_bits(shifted(static_cast<long long>(shift)));
  }
  template <typename T>
  constexpr ap_int_base operator>>(const T& shift) const {
    return from_bits(shifted(-static_cast<long long>(shift)));
  }
  template <typename T>
  constexpr ap_int_base& operator<<=(const T& shift) {
    return *this = *this << shift;
  }
  template <typename T>
  constexpr ap_int_base& operator>>=(const T& shift) {
    return *this = *this >> shift;
  }
  // Complement of the W bits (not of the promoted 64-bit value).
  constexpr ap_int_base operator~() const { return from_bits(~bits_); }
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
  static constexpr ap_int_base from_bits(std::uint64_t bits) {
    ap_int_base result;
    result.bits_ = wrap(bits);
    return result;
  }
  // Left by `shift`, right (arithmetic for signed) by -shift.
  constexpr std::uint64_t shifted(long long shift) const {
    if (shift >= 0) return shift >= 64 ? 0 : bits_ << shift;
    const int right = shift < -63 ? 63 : static_cast<int>(-shift);
    if (Signed) return static_cast<std::uint64_t>(static_cast<std::int64_t>(bits_) >> right);
    return shift < -63 ? 0 : raw_bits() >> right;
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

// Comparisons as Vitis HLS's (zynqnn_ap_detail::compare_integers), also for ap_uint<64>,
// which comparing the promoted 64-bit values would get wrong.
#define ZYNQNN_AP_INT_COMPARE(op)                                                                  \
  template <int W1, bool S1, int W2, bool S2>                                                       \
  constexpr bool operator op(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {          \
    return zynqnn_ap_detail::compare_integers<W1, S1, W2, S2>(a.to_native(), b.to_native()) op 0;   \
  }                                                                                                 \
  template <int W1, bool S1, typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type> \
  constexpr bool operator op(const ap_int_base<W1, S1>& a, T b) {                                   \
    return zynqnn_ap_detail::compare_integers<W1, S1, 8 * sizeof(T), std::is_signed<T>::value>(    \
               a.to_native(), b) op 0;                                                              \
  }                                                                                                 \
  template <int W2, bool S2, typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type> \
  constexpr bool operator op(T a, const ap_int_base<W2, S2>& b) {                                   \
    return zynqnn_ap_detail::compare_integers<8 * sizeof(T), std::is_signed<T>::value, W2, S2>(    \
               a, b.to_native()) op 0;                                                              \
  }
ZYNQNN_AP_INT_COMPARE(==)
ZYNQNN_AP_INT_COMPARE(!=)
ZYNQNN_AP_INT_COMPARE(<)
ZYNQNN_AP_INT_COMPARE(<=)
ZYNQNN_AP_INT_COMPARE(>)
ZYNQNN_AP_INT_COMPARE(>=)
#undef ZYNQNN_AP_INT_COMPARE

// The remainder has the dividend's sign and signedness, as Vitis HLS's: an unsigned dividend
// is divided as unsigned, so a negative divisor (a huge unsigned value) leaves it unchanged.
template <int W1, bool S1, int W2, bool S2>
constexpr typename ap_int_base<W1, S1>::native_type operator%(const ap_int_base<W1, S1>& a,
                                                              const ap_int_base<W2, S2>& b) {
  const bool a_negative = S1 && a.to_int64() < 0;
  const bool b_negative = S2 && b.to_int64() < 0;
  if (!S1 && b_negative) return a.to_native();
  // On magnitudes: no overflow for INT64_MIN % -1.
  const std::uint64_t magnitude_a = a_negative ? 0 - a.to_uint64() : a.to_uint64();
  const std::uint64_t magnitude_b = b_negative ? 0 - b.to_uint64() : b.to_uint64();
  const std::uint64_t r = magnitude_a % magnitude_b;
  return static_cast<typename ap_int_base<W1, S1>::native_type>(a_negative ? 0 - r : r);
}
