#pragma once
// The C++ text the emitter writes: float literals, array initializers, comment-safe model
// names, and the element types of each precision.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zynqnn/compiler/precision.hpp"
#include "zynqnn/graph/tensor.hpp"

namespace zynqnn::compiler::emit_text {

// A float32 literal that reads back as the same float ("(0.0f/0.0f)" for NaN, the largest
// finite value for an infinity).
std::string float_literal(float v);
// A C++ initializer for an array of the given dimensions; value(i) gives element i in
// row-major order.
std::string initializer(const std::vector<std::int64_t>& dims, const std::function<std::string(std::int64_t)>& value);
// "[2][3]" for {2, 3}.
std::string dims_text(const std::vector<std::int64_t>& dims);
// Model names in generated comments: letters, digits and a few harmless punctuation marks
// survive; anything else (quotes, brackets, semicolons, backslashes, newlines) becomes '?'.
std::string comment_safe(std::string text);

// Activation, weight and accumulator types of a precision.
struct Types {
  std::string act, weight, acc;
};
Types types_of(const Precision& p);
// The kernel spec's element type of a stream of `dtype` at precision `p`.
std::string spec_type(const Precision& p, graph::DType dtype);

}  // namespace zynqnn::compiler::emit_text
