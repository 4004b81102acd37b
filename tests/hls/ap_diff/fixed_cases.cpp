// ap_fixed/ap_ufixed cases: arithmetic, shifts, comparisons, bit and range selects, and what
// the layer library does with its element types (products and sums cast to the accumulator,
// the average's division, conversions through double).
// Exact results are read through a 64-bit ap_fixed with the result's fractional bits.
#include <cmath>
#include <type_traits>

#include "ap_cases.h"

namespace ap_cases {
namespace {

constexpr int max_int(int a, int b) { return a > b ? a : b; }

template <class A, class B>
void arithmetic(int n) {
  constexpr int F1 = ap<A>::fraction, F2 = ap<B>::fraction;
  using Sum = ap_fixed<64, 64 - max_int(F1, F2)>;
  using Product = ap_fixed<64, 64 - F1 - F2>;
  using Quotient = ap_fixed<64, 64 - (F1 + max_int(F2, 0) - F2)>;  // the dividend's, truncated
  using Accumulator = ap_fixed<24, 12, AP_RND_CONV, AP_SAT>;
  for (int i = 0; i < n; ++i) {
    const A a = ap<A>::random();
    B b = ap<B>::random();
    emit("fixed_arith", binary(a, "+", b), text(Sum(a + b)));
    emit("fixed_arith", binary(a, "-", b), text(Sum(a - b)));
    emit("fixed_arith", binary(a, "*", b), text(Product(a * b)));
    emit("fixed_arith", "(" + ap<Accumulator>::name() + ")" + binary(a, "*", b), text(static_cast<Accumulator>(a * b)));
    emit("fixed_arith", "-" + text(a), text(Sum(-a)));
    compound_assignments("fixed_arith", a, b);
    if (b == 0) b = ap<B>::make(1);  // the smallest positive value
    emit("fixed_arith", binary(a, "/", b), text(Quotient(a / b)));
    A c = a;
    c /= b;
    emit("fixed_arith", binary(a, "/=", b), text(c));
    // Average pooling: the window sum divided by a count in the sum's own type.
    const int count = 1 + below(9);
    if (static_cast<A>(count) == 0) continue;  // wrapped to zero in a narrow format
    emit("fixed_arith", binary(a, "/", count), text(static_cast<A>(a / static_cast<A>(count))));
  }
}

// Mixed with C ints: the int as an exact 32-bit fixed-point value.
template <class A>
void with_int(int n) {
  constexpr int F = ap<A>::fraction;
  using Wide = ap_fixed<64, 64 - F>;
  for (int i = 0; i < n; ++i) {
    const A a = ap<A>::random();
    const int k = below(2001) - 1000;
    emit("fixed_arith", binary(a, "+", k), text(Wide(a + k)));
    emit("fixed_arith", binary(a, "-", k), text(Wide(a - k)));
    emit("fixed_arith", binary(a, "*", k), text(Wide(a * k)));
    emit("fixed_arith", binary(k, "-", a), text(Wide(k - a)));
  }
}

template <class A>
void shifts(int n) {
  constexpr int W = ap<A>::width;
  for (int i = 0; i < n; ++i) {
    const A a = ap<A>::random();
    const int s = below(W + 3);
    const A left = a << s, right = a >> s, one = a << 1, by_constant = a >> 3;
    emit("fixed_shift", binary(a, "<<", s), text(left));
    emit("fixed_shift", binary(a, ">>", s), text(right));
    emit("fixed_shift", binary(a, "<<", 1), text(one));
    emit("fixed_shift", binary(a, ">>", 3), text(by_constant));
    compound_shifts("fixed_shift", a, s);
  }
}

template <class A, class B>
void comparisons(int n) {
  for (int i = 0; i < n; ++i) {
    const A a = ap<A>::random();
    const B b = below(4) == 0 ? B(a) : ap<B>::random();
    all_comparisons("fixed_compare", a, b);
    const int k = below(21) - 10;
    emit("fixed_compare", binary(a, "<", k), text(a < k));
    if (!mixed_equality_defect(a, ap_int<32>(k))) emit("fixed_compare", binary(a, "==", k), text(a == k));
    const double mantissa = static_cast<double>(below(201) - 100);  // one draw per statement
    const double d = std::ldexp(mantissa, -below(8));
    emit("fixed_compare", binary(a, "<", d), text(a < d));
    emit("fixed_compare", binary(a, ">=", d), text(a >= d));
  }
}

// A double near a format's range, often a rounding tie or exactly representable.
double real_near(int integer_bits) {
  const std::uint64_t bits = pattern(53);
  const double mantissa = static_cast<double>(static_cast<long long>(bits << 11) >> 11);  // signed 53 bits
  return std::ldexp(mantissa, integer_bits - 52 + below(5) - 2);
}

template <bool S, int W, int I, ap_q_mode Q, ap_o_mode O>
using fixed_t = typename std::conditional<S, ap_fixed<W, I, Q, O>, ap_ufixed<W, I, Q, O>>::type;

// From a wider format, an integer and a double into Target: its Q and O modes at work.
template <class Target, class Source>
void conversions(int n) {
  for (int i = 0; i < n; ++i) {
    const Source s = ap<Source>::random();
    emit("fixed_convert", ap<Target>::name() + "(" + text(s) + ")", text(Target(s)));
    const double d = real_near(ap<Target>::width - ap<Target>::fraction);
    emit("fixed_from_real", ap<Target>::name() + "(" + text(d) + ")", text(Target(d)));
    const float f = static_cast<float>(d);
    emit("fixed_from_real", ap<Target>::name() + "(" + text(f) + ")", text(Target(f)));
    const ap_int<12> k = ap<ap_int<12>>::random();
    emit("fixed_from_int", ap<Target>::name() + "(" + text(k) + ")", text(Target(k)));
    const int m = below(4001) - 2000;
    emit("fixed_from_int", ap<Target>::name() + "(" + text(m) + ")", text(Target(m)));
  }
}
template <bool S, int W, int I, class Source, ap_q_mode Q>
void each_overflow_mode(int n) {
  conversions<fixed_t<S, W, I, Q, AP_SAT>, Source>(n);
  conversions<fixed_t<S, W, I, Q, AP_SAT_ZERO>, Source>(n);
  conversions<fixed_t<S, W, I, Q, AP_SAT_SYM>, Source>(n);
  conversions<fixed_t<S, W, I, Q, AP_WRAP>, Source>(n);
  conversions<fixed_t<S, W, I, Q, S ? AP_WRAP_SM : AP_WRAP>, Source>(S ? n : 0);  // not for ap_ufixed
}
template <bool S, int W, int I, class Source>
void each_mode(int n) {
  each_overflow_mode<S, W, I, Source, AP_RND>(n);
  each_overflow_mode<S, W, I, Source, AP_RND_ZERO>(n);
  each_overflow_mode<S, W, I, Source, AP_RND_MIN_INF>(n);
  each_overflow_mode<S, W, I, Source, AP_RND_INF>(n);
  each_overflow_mode<S, W, I, Source, AP_RND_CONV>(n);
  each_overflow_mode<S, W, I, Source, AP_TRN>(n);
  each_overflow_mode<S, W, I, Source, AP_TRN_ZERO>(n);
}

template <class A>
void to_other_types(int n) {
  for (int i = 0; i < n; ++i) {
    const A a = ap<A>::random();
    emit("fixed_to", text(a) + ".to_double()", text(a.to_double()));
    emit("fixed_to", text(a) + ".to_float()", text(a.to_float()));
    emit("fixed_to", "(double)" + text(a), text(static_cast<double>(a)));
    // Xilinx's to_int() leaves its result uninitialized when I < 0 (to_ap_int_base()).
    if (ap<A>::width - ap<A>::fraction < 0) continue;
    emit("fixed_to", text(a) + ".to_int()", text(a.to_int()));
    emit("fixed_to", "ap_int<20>(" + text(a) + ")", text(ap_int<20>(a)));
  }
}

}  // namespace

void fixed_cases() {
  // The generated designs' formats, widths 1..64, negative I and I > W, mixed signedness.
  arithmetic<ap_fixed<16, 6>, ap_fixed<16, 6>>(1000);
  arithmetic<ap_fixed<8, 3>, ap_fixed<8, 3>>(500);
  arithmetic<ap_fixed<16, 6>, ap_fixed<8, 1>>(500);
  arithmetic<ap_ufixed<10, 4>, ap_fixed<12, -2>>(500);
  arithmetic<ap_fixed<7, 9>, ap_ufixed<5, 0>>(500);
  arithmetic<ap_fixed<1, 1>, ap_fixed<6, 2>>(200);
  arithmetic<ap_ufixed<1, 0>, ap_ufixed<9, 12>>(200);
  arithmetic<ap_ufixed<12, 5>, ap_ufixed<12, 5>>(500);
  arithmetic<ap_fixed<24, 8>, ap_fixed<20, 20>>(500);
  arithmetic<ap_fixed<31, 1>, ap_ufixed<32, 16>>(500);
  arithmetic<ap_fixed<40, 20>, ap_fixed<12, 4>>(500);
  arithmetic<ap_fixed<12, 4, AP_RND_CONV, AP_SAT>, ap_fixed<10, 3>>(500);
  arithmetic<ap_ufixed<8, 2, AP_RND, AP_SAT>, ap_ufixed<8, 4>>(500);
  with_int<ap_fixed<16, 6>>(500);
  with_int<ap_ufixed<9, -3>>(300);
  with_int<ap_fixed<30, 2>>(300);
  shifts<ap_fixed<16, 6>>(500);
  shifts<ap_ufixed<8, 10>>(300);
  shifts<ap_fixed<12, 4, AP_RND, AP_SAT>>(300);
  shifts<ap_fixed<64, 32>>(300);
  shifts<ap_fixed<1, 1>>(100);
  comparisons<ap_fixed<16, 6>, ap_fixed<16, 6>>(500);
  comparisons<ap_fixed<16, 6>, ap_ufixed<8, 2>>(500);
  comparisons<ap_fixed<7, -2>, ap_fixed<9, 11>>(500);
  comparisons<ap_fixed<64, 20>, ap_fixed<40, 30>>(500);
  comparisons<ap_ufixed<64, 64>, ap_fixed<8, 8>>(300);
  each_mode<true, 8, 3, ap_fixed<40, 16>>(60);
  each_mode<true, 6, -1, ap_fixed<40, 16>>(60);
  each_mode<false, 7, 10, ap_fixed<40, 16>>(60);
  each_mode<false, 12, 4, ap_ufixed<30, 12>>(60);
  each_mode<true, 16, 6, ap_fixed<64, 36>>(60);
  each_mode<true, 1, 1, ap_fixed<20, 4>>(30);
  each_mode<false, 1, 0, ap_fixed<20, 4>>(30);
  to_other_types<ap_fixed<16, 6>>(500);
  to_other_types<ap_ufixed<9, 12>>(300);
  to_other_types<ap_fixed<10, -3>>(300);
  to_other_types<ap_fixed<40, 19>>(300);
  to_other_types<ap_ufixed<1, 1>>(100);
  bit_selects<ap_fixed<16, 6>>("fixed_bits", 500);
  bit_selects<ap_ufixed<8, 10>>("fixed_bits", 300);
  bit_selects<ap_fixed<64, 20>>("fixed_bits", 300);
  bit_selects<ap_fixed<1, 1>>("fixed_bits", 100);
}

}  // namespace ap_cases
