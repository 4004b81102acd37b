#pragma once
// C-simulation model of Vitis HLS fixed-point types, zynqnn's own: ap_fixed<W, I, Q, O> and
// ap_ufixed<W, I, Q, O> for W up to 64, I integer bits (may exceed W or be negative), F = W - I
// fractional bits. The raw value is a W-bit two's complement (or unsigned) integer scaled by
// 2^-F.
//
// Quantization (Q) applies when a value has more fractional bits than the target:
//   AP_TRN (default, toward -inf), AP_TRN_ZERO, AP_RND (half toward +inf), AP_RND_ZERO,
//   AP_RND_MIN_INF, AP_RND_INF (half away from zero), AP_RND_CONV (half to even).
// Overflow (O) applies when the quantized value does not fit in W bits:
//   AP_WRAP (default), AP_SAT, AP_SAT_ZERO, AP_SAT_SYM (range [-max, max]), AP_WRAP_SM (sign
//   magnitude; ap_fixed only). No saturation bits: N must be 0.
//
// Arithmetic between fixed-point values is exact, as in Vitis HLS: + and - give a type one
// integer bit wider with the larger fractional part (- is signed), * gives W1+W2 bits. The
// result must fit in 64 bits (a static_assert says so otherwise). Mixed signedness gives a
// signed result with one more bit. Division gives Vitis HLS's quotient type, truncated toward
// zero. Comparisons, shifts and range()/[] behave as Vitis HLS's (tests/hls/ap_diff compares
// them with Xilinx's headers). Mixing with floating point goes through double. No heap, no
// virtual calls, no 128-bit integers (the board's ARM CPU has none). C++14.
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include "ap_int.h"

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

namespace zynqnn_ap_detail {

// Divides `value` by 2^shift (shift > 0) with the rounding of mode Q.
template <ap_q_mode Q>
constexpr std::int64_t quantize_shift(std::int64_t value, int shift) {
  if (shift <= 0) return value;
  if (shift >= 63) {
    // Everything is fractional: the result is 0 or -1 depending on mode and sign.
    if (Q == AP_TRN) return value < 0 ? -1 : 0;
    return 0;
  }
  const std::int64_t floor_q = value >> shift;  // arithmetic shift: floor division
  const std::int64_t remainder = value - floor_q * (std::int64_t{1} << shift);  // in [0, 2^shift)
  const std::int64_t half = std::int64_t{1} << (shift - 1);
  const bool negative = value < 0;
  switch (Q) {
    case AP_TRN: return floor_q;
    case AP_TRN_ZERO: return (negative && remainder != 0) ? floor_q + 1 : floor_q;
    case AP_RND: return remainder >= half ? floor_q + 1 : floor_q;
    case AP_RND_MIN_INF: return remainder > half ? floor_q + 1 : floor_q;
    case AP_RND_ZERO:
      if (remainder != half) return remainder > half ? floor_q + 1 : floor_q;
      return negative ? floor_q + 1 : floor_q;
    case AP_RND_INF:
      if (remainder != half) return remainder > half ? floor_q + 1 : floor_q;
      return negative ? floor_q : floor_q + 1;
    case AP_RND_CONV:
      if (remainder != half) return remainder > half ? floor_q + 1 : floor_q;
      return (floor_q & 1) ? floor_q + 1 : floor_q;
  }
  return floor_q;
}

// Rounds a real number (already scaled to the target's units) to an integer with mode Q.
template <ap_q_mode Q>
inline long double quantize_real(long double scaled) {
  const long double floor_v = std::floor(scaled);
  const long double fraction = scaled - floor_v;
  switch (Q) {
    case AP_TRN: return floor_v;
    case AP_TRN_ZERO: return std::trunc(scaled);
    case AP_RND: return fraction >= 0.5L ? floor_v + 1 : floor_v;
    case AP_RND_MIN_INF: return fraction > 0.5L ? floor_v + 1 : floor_v;
    case AP_RND_ZERO:
      if (fraction != 0.5L) return fraction > 0.5L ? floor_v + 1 : floor_v;
      return scaled < 0 ? floor_v + 1 : floor_v;
    case AP_RND_INF:
      if (fraction != 0.5L) return fraction > 0.5L ? floor_v + 1 : floor_v;
      return scaled < 0 ? floor_v : floor_v + 1;
    case AP_RND_CONV:
      if (fraction != 0.5L) return fraction > 0.5L ? floor_v + 1 : floor_v;
      return std::fmod(floor_v, 2.0L) == 0 ? floor_v : floor_v + 1;
  }
  return floor_v;
}

template <int W, bool Signed>
constexpr std::int64_t max_raw() {
  // ap_ufixed<64> is limited to 2^63-1 in range checks.
  return Signed ? (W >= 64 ? INT64_MAX : (std::int64_t{1} << ((W - 1) & 63)) - 1)
                : (W >= 63 ? INT64_MAX : (std::int64_t{1} << (W & 63)) - 1);
}
template <int W, bool Signed>
constexpr std::int64_t min_raw() {
  return !Signed ? 0 : W >= 64 ? INT64_MIN : -(std::int64_t{1} << ((W - 1) & 63));
}

// Fits `raw` (exact, or with `overflowed` already known) into W bits with mode O.
// `last_deleted`: bit W of the value before rounding, which AP_WRAP_SM makes the sign.
template <int W, bool Signed, ap_o_mode O>
constexpr std::int64_t overflow(std::int64_t raw, bool overflowed_high, bool overflowed_low,
                                bool last_deleted = false) {
  constexpr std::int64_t hi = max_raw<W, Signed>();
  constexpr std::int64_t lo = min_raw<W, Signed>();
  // AP_SAT_SYM keeps the range symmetric: -max instead of the minimum (W = 1 has no -max).
  constexpr std::int64_t sym_lo = Signed && W > 1 ? -hi : lo;
  const bool high = overflowed_high || raw > hi;
  const bool low = overflowed_low || raw < lo;
  if (!high && !low) return O == AP_SAT_SYM && raw == lo ? sym_lo : raw;
  std::uint64_t bits = static_cast<std::uint64_t>(raw) & mask<W>();
  switch (O) {
    case AP_SAT: return high ? hi : lo;
    case AP_SAT_ZERO: return 0;
    case AP_SAT_SYM: return high ? hi : sym_lo;
    case AP_WRAP_SM: {
      // Sign-magnitude wrap: when the wrapped sign differs from the first deleted bit, the
      // bits below the sign are inverted and that bit becomes the sign.
      constexpr std::uint64_t sign = std::uint64_t{1} << ((W - 1) & 63);
      if (((bits & sign) != 0) != last_deleted) bits = (~bits & (mask<W>() & ~sign)) | (last_deleted ? sign : 0);
      break;
    }
    case AP_WRAP:
      break;
  }
  return static_cast<std::int64_t>(wrap<W, Signed>(bits));
}

// Multiplies by 2^shift (shift >= 0), reporting overflow of the 64-bit container.
constexpr std::int64_t shift_left_checked(std::int64_t value, int shift, bool& high, bool& low) {
  if (value == 0 || shift <= 0) return value;
  if (shift >= 63) {
    (value > 0 ? high : low) = true;
    return value > 0 ? INT64_MAX : INT64_MIN;
  }
  const std::int64_t limit = INT64_MAX >> shift;
  if (value > limit) { high = true; return INT64_MAX; }
  if (value < -limit - 1) { low = true; return INT64_MIN; }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << shift);
}

}  // namespace zynqnn_ap_detail

template <int W, int I, bool Signed, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
class ap_fixed_base {
  static_assert(W >= 1 && W <= 64, "zynqnn C-simulation ap_fixed supports widths 1..64");
  static_assert(Signed || O != AP_WRAP_SM, "ap_ufixed has no AP_WRAP_SM (Vitis HLS refuses it too)");
  static_assert(N == 0, "zynqnn C-simulation ap_fixed supports no saturation bits (N = 0)");

 public:
  static constexpr int width = W;
  static constexpr int iwidth = I;
  static constexpr int fwidth = W - I;
  static constexpr bool is_signed = Signed;

  constexpr ap_fixed_base() = default;

  // From another fixed-point value: align the binary point, quantize, then fit.
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  constexpr ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& other) {
    set_from_raw(other.raw(), W2 - I2);
  }
  template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
  constexpr ap_fixed_base(T value) {
    set_from_raw(static_cast<std::int64_t>(value), 0);
  }
  template <int W2, bool S2>
  constexpr ap_fixed_base(const ap_int_base<W2, S2>& value) {
    set_from_raw(static_cast<std::int64_t>(value.to_native()), 0);
  }
  ap_fixed_base(double value) { set_from_real(value); }
  ap_fixed_base(float value) { set_from_real(value); }

  // --- raw access ---
  constexpr std::int64_t raw() const { return raw_; }
  static constexpr ap_fixed_base from_raw(std::int64_t raw) {
    ap_fixed_base result;
    result.raw_ = zynqnn_ap_detail::overflow<W, Signed, AP_WRAP>(raw, false, false);
    return result;
  }
  constexpr std::uint64_t raw_bits() const { return static_cast<std::uint64_t>(raw_) & zynqnn_ap_detail::mask<W>(); }

  // --- conversions ---
  double to_double() const {
    // ap_ufixed<64>'s raw value may exceed the int64 range.
    return std::ldexp(Signed ? static_cast<double>(raw_) : static_cast<double>(static_cast<std::uint64_t>(raw_)), -fwidth);
  }
  float to_float() const { return static_cast<float>(to_double()); }
  operator double() const { return to_double(); }
  constexpr std::int64_t to_int64() const { return zynqnn_ap_detail::quantize_shift<AP_TRN_ZERO>(raw_, fwidth) ; }
  constexpr int to_int() const { return static_cast<int>(integer_part()); }
  constexpr long to_long() const { return static_cast<long>(integer_part()); }
  std::string to_string() const { return std::to_string(to_double()); }
  static constexpr int length() { return W; }

  // --- arithmetic assignment ---
  template <typename T>
  ap_fixed_base& operator+=(const T& rhs) { return *this = *this + rhs; }
  template <typename T>
  ap_fixed_base& operator-=(const T& rhs) { return *this = *this - rhs; }
  template <typename T>
  ap_fixed_base& operator*=(const T& rhs) { return *this = *this * rhs; }
  template <typename T>
  ap_fixed_base& operator/=(const T& rhs) { return *this = *this / rhs; }
  // Shifts move the raw bits and keep the type, as Vitis HLS's do: bits shifted out are lost
  // whatever Q and O say; a negative amount shifts the other way.
  constexpr ap_fixed_base operator<<(int shift) const { return from_raw_bits(shifted(shift)); }
  constexpr ap_fixed_base operator>>(int shift) const { return from_raw_bits(shifted(-shift)); }
  template <int W2, bool S2>
  constexpr ap_fixed_base operator<<(const ap_int_base<W2, S2>& shift) const { return *this << shift.to_int(); }
  template <int W2, bool S2>
  constexpr ap_fixed_base operator>>(const ap_int_base<W2, S2>& shift) const { return *this >> shift.to_int(); }
  constexpr ap_fixed_base& operator<<=(int shift) { return *this = *this << shift; }
  constexpr ap_fixed_base& operator>>=(int shift) { return *this = *this >> shift; }

  // --- the raw bits, as ap_uint<W> ranges and bits ---
  class range_ref {
   public:
    constexpr range_ref(ap_fixed_base& owner, int hi, int lo) : owner_(owner), hi_(hi), lo_(lo) {}
    constexpr std::uint64_t to_uint64() const { return owner_.get_range(hi_, lo_); }
    constexpr operator std::uint64_t() const { return to_uint64(); }
    constexpr unsigned to_uint() const { return static_cast<unsigned>(to_uint64()); }
    template <int W2, bool S2>
    constexpr range_ref& operator=(const ap_int_base<W2, S2>& value) {
      owner_.set_range(hi_, lo_, value.to_uint64());
      return *this;
    }
    template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
    constexpr range_ref& operator=(T value) {
      owner_.set_range(hi_, lo_, static_cast<std::uint64_t>(value));
      return *this;
    }

   private:
    ap_fixed_base& owner_;
    int hi_;
    int lo_;
  };
  class bit_ref {
   public:
    constexpr bit_ref(ap_fixed_base& owner, int index) : owner_(owner), index_(index) {}
    constexpr operator bool() const { return owner_.get_range(index_, index_) != 0; }
    constexpr bit_ref& operator=(bool value) {
      owner_.set_range(index_, index_, value ? 1 : 0);
      return *this;
    }

   private:
    ap_fixed_base& owner_;
    int index_;
  };
  // A read of a const value's range.
  struct range_value {
    std::uint64_t bits;
    constexpr operator std::uint64_t() const { return bits; }
    constexpr std::uint64_t to_uint64() const { return bits; }
    constexpr unsigned to_uint() const { return static_cast<unsigned>(bits); }
  };
  constexpr range_ref range(int hi, int lo) { return range_ref(*this, hi, lo); }
  constexpr range_value range(int hi, int lo) const { return range_value{get_range(hi, lo)}; }
  constexpr range_ref operator()(int hi, int lo) { return range_ref(*this, hi, lo); }
  constexpr range_value operator()(int hi, int lo) const { return range_value{get_range(hi, lo)}; }
  constexpr bit_ref operator[](int index) { return bit_ref(*this, index); }
  constexpr bool operator[](int index) const { return get_range(index, index) != 0; }
  constexpr std::uint64_t get_range(int hi, int lo) const { return ap_uint<W>(raw_bits()).get_range(hi, lo); }
  constexpr void set_range(int hi, int lo, std::uint64_t value) {
    ap_uint<W> bits(raw_bits());
    bits.set_range(hi, lo, value);
    *this = from_raw_bits(bits.to_uint64());
  }

 private:
  static constexpr ap_fixed_base from_raw_bits(std::uint64_t bits) { return from_raw(static_cast<std::int64_t>(bits)); }
  // The raw bits shifted left by `shift`, right (arithmetic for signed) by -shift.
  constexpr std::uint64_t shifted(int shift) const {
    const std::uint64_t bits = static_cast<std::uint64_t>(raw_);
    if (shift >= 0) return shift >= 64 ? 0 : bits << shift;
    const int right = shift < -63 ? 63 : -shift;
    if (Signed) return static_cast<std::uint64_t>(raw_ >> right);
    return shift < -63 ? 0 : raw_bits() >> right;
  }

  // Integer part with C semantics (toward zero), for to_int().
  constexpr std::int64_t integer_part() const {
    if (fwidth <= 0) {
      bool high = false, low = false;
      return zynqnn_ap_detail::shift_left_checked(raw_, -fwidth, high, low);
    }
    return zynqnn_ap_detail::quantize_shift<AP_TRN_ZERO>(raw_, fwidth);
  }

  constexpr void set_from_raw(std::int64_t raw, int source_fraction_bits) {
    bool high = false, low = false;
    std::int64_t aligned = 0;
    if (source_fraction_bits > fwidth) {
      aligned = zynqnn_ap_detail::quantize_shift<Q>(raw, source_fraction_bits - fwidth);
    } else {
      aligned = zynqnn_ap_detail::shift_left_checked(raw, fwidth - source_fraction_bits, high, low);
    }
    if (O == AP_WRAP) {
      // Wrapping keeps the low W bits of the exact value; the shifted-out high bits of an
      // overflowed container are beyond W anyway except for W = 64.
      raw_ = zynqnn_ap_detail::overflow<W, Signed, AP_WRAP>(aligned, false, false);
    } else {
      // Bit W at this format's scale is bit W + (source F - F) of the source.
      const int last = W + source_fraction_bits - fwidth;
      const bool last_deleted = last < 0 ? false : last >= 63 ? raw < 0 : ((raw >> last) & 1) != 0;
      raw_ = zynqnn_ap_detail::overflow<W, Signed, O>(aligned, high, low, last_deleted);
    }
  }

  void set_from_real(double value) {
    if (std::isnan(value)) {
      raw_ = 0;
      return;
    }
    const long double exact = std::ldexp(static_cast<long double>(value), fwidth);
    const long double scaled = zynqnn_ap_detail::quantize_real<Q>(exact);
    constexpr long double container_max = 9.2233720368547758e18L;
    bool high = scaled >= container_max, low = scaled < -container_max;
    const std::int64_t raw = high ? INT64_MAX : low ? INT64_MIN : static_cast<std::int64_t>(scaled);
    if (O == AP_WRAP) {
      raw_ = zynqnn_ap_detail::overflow<W, Signed, AP_WRAP>(raw, false, false);
    } else {
      const bool last_deleted = std::fmod(std::floor(std::ldexp(std::floor(exact), -W)), 2.0L) != 0;
      raw_ = zynqnn_ap_detail::overflow<W, Signed, O>(raw, high, low, last_deleted);
    }
  }

  std::int64_t raw_ = 0;
};

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
class ap_fixed : public ap_fixed_base<W, I, true, Q, O, N> {
 public:
  using ap_fixed_base<W, I, true, Q, O, N>::ap_fixed_base;
  constexpr ap_fixed() = default;
  constexpr ap_fixed(const ap_fixed_base<W, I, true, Q, O, N>& base) : ap_fixed_base<W, I, true, Q, O, N>(base) {}
};

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
class ap_ufixed : public ap_fixed_base<W, I, false, Q, O, N> {
 public:
  using ap_fixed_base<W, I, false, Q, O, N>::ap_fixed_base;
  constexpr ap_ufixed() = default;
  constexpr ap_ufixed(const ap_fixed_base<W, I, false, Q, O, N>& base) : ap_fixed_base<W, I, false, Q, O, N>(base) {}
};

namespace zynqnn_ap_detail {

template <int W, int I, bool S>
using exact_fixed = typename std::conditional<S, ap_fixed<W, I>, ap_ufixed<W, I>>::type;

// The exact result type of a sum/difference of two fixed-point types.
template <int W1, int I1, bool S1, int W2, int I2, bool S2>
struct sum_type {
  static constexpr bool is_signed = S1 || S2;
  static constexpr int mixed = (S1 != S2) ? 1 : 0;
  static constexpr int frac = (W1 - I1) > (W2 - I2) ? (W1 - I1) : (W2 - I2);
  static constexpr int integer = (I1 > I2 ? I1 : I2) + 1 + mixed;
  static constexpr int width = integer + frac;
  static_assert(width <= 64, "fixed-point sum wider than 64 bits: cast the operands to narrower types");
  using type = exact_fixed<width, integer, is_signed>;
};

// A difference is signed even between unsigned operands, as in Vitis HLS.
template <int W1, int I1, bool S1, int W2, int I2, bool S2>
struct difference_type {
  using sum = sum_type<W1, I1, S1, W2, I2, S2>;
  static constexpr int extra = (S1 || S2) ? 0 : 1;  // the sign bit of an unsigned sum
  static_assert(sum::width + extra <= 64, "fixed-point difference wider than 64 bits: cast the operands to narrower types");
  using type = exact_fixed<sum::width + extra, sum::integer + extra, true>;
};

template <int W1, int I1, bool S1, int W2, int I2, bool S2>
struct product_type {
  static constexpr bool is_signed = S1 || S2;
  static constexpr int mixed = (S1 != S2) ? 1 : 0;
  static constexpr int width = W1 + W2 + mixed;
  static constexpr int integer = I1 + I2 + mixed;
  static_assert(width <= 64, "fixed-point product wider than 64 bits: cast the operands to narrower types");
  using type = exact_fixed<width, integer, is_signed>;
};

constexpr int max_int(int a, int b) { return a > b ? a : b; }

// Vitis HLS's quotient: the dividend's fractional bits (and those of a negative-F divisor),
// truncated toward zero.
template <int W1, int I1, bool S1, int W2, int I2, bool S2>
struct quotient_type {
  static constexpr int f2 = W2 - I2;
  static constexpr int shift = f2 > 0 ? f2 : 0;  // the dividend is scaled by 2^shift first
  static constexpr int width = (S2 ? 1 : 0) + W1 + shift;
  static constexpr int integer = (S2 ? 1 : 0) + I1 + f2;
  // The division itself is done in this many bits (signed if either is), so that the
  // quotient of the most negative dividend by -1 LSB wraps there, as in Vitis HLS.
  static constexpr int operands = max_int(W1 + shift + (S2 && !S1 ? 1 : 0), W2 + (S1 && !S2 ? 1 : 0));
  static_assert(W1 + shift <= 63 && width <= 64,
                "fixed-point quotient wider than 64 bits: cast the operands to narrower types");
  using type = exact_fixed<width, integer, S1 || S2>;
};

// The fixed-point type an integer operand stands for in mixed arithmetic.
template <typename T>
struct integer_as_fixed {
  using type = exact_fixed<sizeof(T) * 8, sizeof(T) * 8, std::is_signed<T>::value>;
};

}  // namespace zynqnn_ap_detail

#define ZYNQNN_AP_FIXED_PARAMS_1 int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1
#define ZYNQNN_AP_FIXED_PARAMS_2 int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2
#define ZYNQNN_AP_FIXED_1 ap_fixed_base<W1, I1, S1, Q1, O1, N1>
#define ZYNQNN_AP_FIXED_2 ap_fixed_base<W2, I2, S2, Q2, O2, N2>

template <ZYNQNN_AP_FIXED_PARAMS_1, ZYNQNN_AP_FIXED_PARAMS_2>
constexpr auto operator+(const ZYNQNN_AP_FIXED_1& a, const ZYNQNN_AP_FIXED_2& b) {
  using R = typename zynqnn_ap_detail::sum_type<W1, I1, S1, W2, I2, S2>::type;
  return R(R::from_raw(R(a).raw() + R(b).raw()));
}
template <ZYNQNN_AP_FIXED_PARAMS_1, ZYNQNN_AP_FIXED_PARAMS_2>
constexpr auto operator-(const ZYNQNN_AP_FIXED_1& a, const ZYNQNN_AP_FIXED_2& b) {
  using R = typename zynqnn_ap_detail::difference_type<W1, I1, S1, W2, I2, S2>::type;
  return R(R::from_raw(R(a).raw() - R(b).raw()));
}
template <ZYNQNN_AP_FIXED_PARAMS_1, ZYNQNN_AP_FIXED_PARAMS_2>
constexpr auto operator*(const ZYNQNN_AP_FIXED_1& a, const ZYNQNN_AP_FIXED_2& b) {
  using R = typename zynqnn_ap_detail::product_type<W1, I1, S1, W2, I2, S2>::type;
  // The raw product of the operands' raw values is exactly R's raw value.
  return R(R::from_raw(a.raw() * b.raw()));
}
template <ZYNQNN_AP_FIXED_PARAMS_1, ZYNQNN_AP_FIXED_PARAMS_2>
constexpr auto operator/(const ZYNQNN_AP_FIXED_1& a, const ZYNQNN_AP_FIXED_2& b) {
  using Q = zynqnn_ap_detail::quotient_type<W1, I1, S1, W2, I2, S2>;
  using R = typename Q::type;
  // C integer division truncates toward zero, as Vitis HLS's quotient does. The dividend is
  // below 2^63 (the static_assert), so the shift is exact; a zero divisor gives 0.
  const std::int64_t dividend = static_cast<std::int64_t>(static_cast<std::uint64_t>(a.raw()) << Q::shift);
  const std::int64_t quotient = b.raw() == 0 ? 0 : dividend / b.raw();
  return R(R::from_raw(static_cast<std::int64_t>(
      zynqnn_ap_detail::wrap<Q::operands, S1 || S2>(static_cast<std::uint64_t>(quotient)))));
}

// Negation is exact: one more integer bit, signed.
template <ZYNQNN_AP_FIXED_PARAMS_1>
constexpr auto operator-(const ZYNQNN_AP_FIXED_1& a) {
  using R = zynqnn_ap_detail::exact_fixed<(W1 < 64 ? W1 + 1 : 64), (W1 < 64 ? I1 + 1 : I1), true>;
  return R(R::from_raw(static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(a.raw()))));
}

// Comparison as Vitis HLS's: both raw values aligned to the finer binary point (the coarser
// one with an extra integer bit), then compared as ap_int values of those widths
// (zynqnn_ap_detail::compare_integers; as reals when the alignment would not fit in 64 bits).
template <ZYNQNN_AP_FIXED_PARAMS_1, ZYNQNN_AP_FIXED_PARAMS_2>
constexpr int ap_fixed_compare(const ZYNQNN_AP_FIXED_1& a, const ZYNQNN_AP_FIXED_2& b) {
  constexpr int f1 = W1 - I1, f2 = W2 - I2;
  constexpr int f = f1 > f2 ? f1 : f2;
  constexpr int aligned_w1 = f1 < f2 ? W1 + f2 - f1 + 1 : W1;
  constexpr int aligned_w2 = f2 < f1 ? W2 + f1 - f2 : W2;
  bool high = false, low = false;
  const std::int64_t ra = zynqnn_ap_detail::shift_left_checked(a.raw(), f - f1, high, low);
  const std::int64_t rb = zynqnn_ap_detail::shift_left_checked(b.raw(), f - f2, high, low);
  if (high || low) {
    const double da = a.to_double(), db = b.to_double();
    return da < db ? -1 : da > db ? 1 : 0;
  }
  return zynqnn_ap_detail::compare_integers<aligned_w1, S1, aligned_w2, S2>(ra, rb);
}
#define ZYNQNN_AP_FIXED_COMPARE(op)                                                         \
  template <ZYNQNN_AP_FIXED_PARAMS_1, ZYNQNN_AP_FIXED_PARAMS_2>                             \
  constexpr bool operator op(const ZYNQNN_AP_FIXED_1& a, const ZYNQNN_AP_FIXED_2& b) {      \
    return ap_fixed_compare(a, b) op 0;                                                     \
  }                                                                                         \
  template <ZYNQNN_AP_FIXED_PARAMS_1, typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type> \
  constexpr bool operator op(const ZYNQNN_AP_FIXED_1& a, T b) {                             \
    return ap_fixed_compare(a, typename zynqnn_ap_detail::integer_as_fixed<T>::type(b)) op 0; \
  }                                                                                         \
  template <ZYNQNN_AP_FIXED_PARAMS_1>                                                       \
  bool operator op(const ZYNQNN_AP_FIXED_1& a, double b) {                                  \
    return a.to_double() op b;                                                              \
  }
ZYNQNN_AP_FIXED_COMPARE(==)
ZYNQNN_AP_FIXED_COMPARE(!=)
ZYNQNN_AP_FIXED_COMPARE(<)
ZYNQNN_AP_FIXED_COMPARE(<=)
ZYNQNN_AP_FIXED_COMPARE(>)
ZYNQNN_AP_FIXED_COMPARE(>=)
#undef ZYNQNN_AP_FIXED_COMPARE

// Mixed with C integers: the integer stands for an exact fixed-point value of its width.
#define ZYNQNN_AP_FIXED_MIXED(op)                                                           \
  template <ZYNQNN_AP_FIXED_PARAMS_1, typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type> \
  constexpr auto operator op(const ZYNQNN_AP_FIXED_1& a, T b) {                             \
    return a op typename zynqnn_ap_detail::integer_as_fixed<T>::type(b);                    \
  }                                                                                         \
  template <ZYNQNN_AP_FIXED_PARAMS_1, typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type> \
  constexpr auto operator op(T a, const ZYNQNN_AP_FIXED_1& b) {                             \
    return typename zynqnn_ap_detail::integer_as_fixed<T>::type(a) op b;                    \
  }
ZYNQNN_AP_FIXED_MIXED(+)
ZYNQNN_AP_FIXED_MIXED(-)
ZYNQNN_AP_FIXED_MIXED(*)
#undef ZYNQNN_AP_FIXED_MIXED

// Mixed with floating point: computed in double, as a host program would.
#define ZYNQNN_AP_FIXED_REAL(op)                                                      \
  template <ZYNQNN_AP_FIXED_PARAMS_1>                                                 \
  double operator op(const ZYNQNN_AP_FIXED_1& a, double b) { return a.to_double() op b; } \
  template <ZYNQNN_AP_FIXED_PARAMS_1>                                                 \
  double operator op(double a, const ZYNQNN_AP_FIXED_1& b) { return a op b.to_double(); }
ZYNQNN_AP_FIXED_REAL(+)
ZYNQNN_AP_FIXED_REAL(-)
ZYNQNN_AP_FIXED_REAL(*)
ZYNQNN_AP_FIXED_REAL(/)
#undef ZYNQNN_AP_FIXED_REAL

#undef ZYNQNN_AP_FIXED_PARAMS_1
#undef ZYNQNN_AP_FIXED_PARAMS_2
#undef ZYNQNN_AP_FIXED_1
#undef ZYNQNN_AP_FIXED_2
