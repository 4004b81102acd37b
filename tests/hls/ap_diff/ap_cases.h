#pragma once
// What the case generators share: the seeded operand patterns, the text of a value and the
// output line "<category> <operation> -> <result>". The cases are compiled once on zynqnn's
// C-simulation headers and once on Xilinx's ap_types; ap_types_compare runs both programs and
// reports the lines that differ. Values are printed exactly from their bits, here, not through
// the headers' own conversions: a wrong to_double() shows as a wrong result, not as a
// different operation. C++14, as Vitis HLS compiles Xilinx's headers.
#include <cstdint>
#include <cstdio>
#include <string>

#include "ap_fixed.h"
#include "ap_int.h"

namespace ap_cases {

// splitmix64 with a fixed seed: the same operands on every run and platform.
inline std::uint64_t next_random() {
  static std::uint64_t state = 0x20261207;
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
inline int below(int n) { return static_cast<int>(next_random() % static_cast<std::uint64_t>(n)); }

inline std::uint64_t low_mask(int w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }

// A W-bit pattern: uniform, small, extreme or a rounding tie in the low bits.
inline std::uint64_t pattern(int w) {
  std::uint64_t bits = next_random();
  switch (below(8)) {
    case 0: bits = 0; break;
    case 1: bits = ~0ull; break;                                   // -1 or the maximum
    case 2: bits = 1ull << (w - 1); break;                         // the signed minimum
    case 3: bits = (1ull << (w - 1)) - 1; break;                   // the signed maximum
    case 4: bits = static_cast<std::uint64_t>(below(17) - 8); break;  // small, either sign
    case 5: {                                                      // ...x1000 : a tie
      const int k = 1 + below(w < 20 ? w : 20);
      bits = (bits & ~low_mask(k)) | (1ull << (k - 1));
      break;
    }
    default: break;
  }
  return bits & low_mask(w);
}

// The signed or unsigned integer a W-bit pattern stands for, in decimal.
inline std::string integer_text(std::uint64_t bits, int w, bool is_signed) {
  bits &= low_mask(w);
  if (is_signed && w < 64 && (bits >> (w - 1) & 1)) bits |= ~low_mask(w);
  return is_signed ? std::to_string(static_cast<long long>(bits)) : std::to_string(bits);
}

inline const char* q_name(ap_q_mode q) {
  switch (q) {
    case AP_RND: return "AP_RND";
    case AP_RND_ZERO: return "AP_RND_ZERO";
    case AP_RND_MIN_INF: return "AP_RND_MIN_INF";
    case AP_RND_INF: return "AP_RND_INF";
    case AP_RND_CONV: return "AP_RND_CONV";
    case AP_TRN: return "AP_TRN";
    case AP_TRN_ZERO: return "AP_TRN_ZERO";
  }
  return "?";
}
inline const char* o_name(ap_o_mode o) {
  switch (o) {
    case AP_SAT: return "AP_SAT";
    case AP_SAT_ZERO: return "AP_SAT_ZERO";
    case AP_SAT_SYM: return "AP_SAT_SYM";
    case AP_WRAP: return "AP_WRAP";
    case AP_WRAP_SM: return "AP_WRAP_SM";
  }
  return "?";
}

// Per type: its name, a random value from a bit pattern, and the exact text of a value.
template <class T>
struct ap;
template <int W>
struct ap<ap_int<W>> {
  static constexpr int width = W;
  static constexpr bool is_signed = true;
  static std::string name() { return "ap_int<" + std::to_string(W) + ">"; }
  static ap_int<W> make(std::uint64_t bits) { return ap_int<W>(ap_uint<W>(bits)); }
  static std::string text(const ap_int<W>& v) { return std::to_string(static_cast<long long>(v.to_int64())); }
  static ap_int<W> random() { return make(pattern(W)); }
};
template <int W>
struct ap<ap_uint<W>> {
  static constexpr int width = W;
  static constexpr bool is_signed = false;
  static std::string name() { return "ap_uint<" + std::to_string(W) + ">"; }
  static ap_uint<W> make(std::uint64_t bits) { return ap_uint<W>(bits); }
  static std::string text(const ap_uint<W>& v) {
    return std::to_string(static_cast<unsigned long long>(v.to_uint64()));
  }
  static ap_uint<W> random() { return make(pattern(W)); }
};
// Fixed point: "raw*2^-F" from the W bits that range(W-1, 0) reads.
template <class T, int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
struct ap_fixed_traits {
  static constexpr int width = W;
  static constexpr int fraction = W - I;
  static constexpr bool is_signed = S;
  static std::string name() {
    std::string n = std::string(S ? "ap_fixed<" : "ap_ufixed<") + std::to_string(W) + "," + std::to_string(I);
    if (Q != AP_TRN || O != AP_WRAP) n += std::string(",") + q_name(Q) + "," + o_name(O);
    return n + ">";
  }
  static T make(std::uint64_t bits) {
    T v;
    v.range(W - 1, 0) = ap_uint<W>(bits);
    return v;
  }
  static std::uint64_t bits(const T& v) { return static_cast<std::uint64_t>(v.range(W - 1, 0).to_uint64()); }
  static std::string text(const T& v) { return integer_text(bits(v), W, S) + "*2^" + std::to_string(I - W); }
  static T random() { return make(pattern(W)); }
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap<ap_fixed<W, I, Q, O, N>> : ap_fixed_traits<ap_fixed<W, I, Q, O, N>, W, I, true, Q, O> {};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap<ap_ufixed<W, I, Q, O, N>> : ap_fixed_traits<ap_ufixed<W, I, Q, O, N>, W, I, false, Q, O> {};

template <class T>
inline std::string text(const T& v) { return ap<T>::name() + "(" + ap<T>::text(v) + ")"; }
inline std::string text(int v) { return std::to_string(v); }
inline std::string text(long long v) { return std::to_string(v) + "ll"; }
inline std::string text(bool v) { return v ? "true" : "false"; }
inline std::string text(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}
inline std::string text(float v) { return text(static_cast<double>(v)) + "f"; }

// Xilinx's C model contradicts itself when it compares a negative value with an unsigned one
// of 32 bits or more, at least as wide: ap_uint<32>(0xFFFFFFFF) == ap_int<8>(-1) and
// ap_uint<32>(0xFFFFFFFF) < ap_int<8>(-1) are both true, yet ap_uint<40>(2^40 - 1) ==
// ap_int<40>(-1) is false. zynqnn keeps its ordering (the negative value above, as C's
// unsigned comparison) and never finds them equal; == and != of such pairs are left out.
template <class A, class B>
bool mixed_equality_defect(const A& a, const B& b) {
  if (ap<A>::is_signed == ap<B>::is_signed) return false;
  const bool negative = ap<A>::is_signed ? a < 0 : b < 0;
  const int unsigned_width = ap<A>::is_signed ? ap<B>::width : ap<A>::width;
  const int signed_width = ap<A>::is_signed ? ap<A>::width : ap<B>::width;
  return negative && unsigned_width >= 32 && unsigned_width >= signed_width;
}

inline void emit(const char* category, const std::string& operation, const std::string& result) {
  std::printf("%s %s -> %s\n", category, operation.c_str(), result.c_str());
}
template <class A, class B>
inline std::string binary(const A& a, const char* op, const B& b) { return text(a) + " " + op + " " + text(b); }

// a += b, a -= b, a *= b: the exact result back in a's own type (its Q and O modes).
template <class A, class B>
inline void compound_assignments(const char* category, const A& a, const B& b) {
  A c = a;
  c += b;
  emit(category, binary(a, "+=", b), text(c));
  c = a;
  c -= b;
  emit(category, binary(a, "-=", b), text(c));
  c = a;
  c *= b;
  emit(category, binary(a, "*=", b), text(c));
}

template <class A>
inline void compound_shifts(const char* category, const A& a, int s) {
  A c = a;
  c <<= s;
  emit(category, binary(a, "<<=", s), text(c));
  c = a;
  c >>= s;
  emit(category, binary(a, ">>=", s), text(c));
}

template <class A, class B>
inline void all_comparisons(const char* category, const A& a, const B& b) {
  if (!mixed_equality_defect(a, b)) {
    emit(category, binary(a, "==", b), text(a == b));
    emit(category, binary(a, "!=", b), text(a != b));
  }
  emit(category, binary(a, "<", b), text(a < b));
  emit(category, binary(a, "<=", b), text(a <= b));
  emit(category, binary(a, ">", b), text(a > b));
  emit(category, binary(a, ">=", b), text(a >= b));
}

// .range(hi, lo) and [i], read and written, on ap_int/ap_uint and ap_fixed/ap_ufixed alike.
template <class A>
inline void bit_selects(const char* category, int n) {
  constexpr int W = ap<A>::width;
  for (int i = 0; i < n; ++i) {
    const A a = ap<A>::random();
    const int lo = below(W), hi = lo + below(W - lo);
    const int bit = below(W);
    const std::string range = ".range(" + std::to_string(hi) + "," + std::to_string(lo) + ")";
    emit(category, text(a) + range, std::to_string(static_cast<unsigned long long>(a.range(hi, lo).to_uint64())));
    emit(category, text(a) + "[" + std::to_string(bit) + "]", text(static_cast<bool>(a[bit])));
    A c = a;
    const std::uint64_t value = pattern(W);
    c.range(hi, lo) = ap_uint<W>(value);
    emit(category, text(a) + range + " = " + std::to_string(value), text(c));
    c = a;
    c[bit] = !static_cast<bool>(a[bit]);
    emit(category, text(a) + "[" + std::to_string(bit) + "] flipped", text(c));
  }
}

}  // namespace ap_cases
