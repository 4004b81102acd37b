#pragma once
// What a layer kind's emission sees (KindRule::emit): the template data of its step in
// templates/compiler/network.cpp.mustache, and the emitter's element types, literals and
// weight arrays. Implemented by the network emitter (emit.cpp).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zynqnn/compiler/plan.hpp"

namespace zynqnn::compiler::layers {

class EmitContext {
 public:
  virtual ~EmitContext() = default;

  // The step's template values: a string, an enabled section, a string already set.
  virtual void set(const std::string& key, const std::string& value) = 0;
  virtual void enable(const std::string& key) = 0;
  virtual std::string get(const std::string& key) const = 0;

  virtual bool int8() const = 0;
  // A PL stream of the plan by value name (its quantization, layout).
  virtual const PlTensor& tensor(const std::string& value) const = 0;
  virtual std::string accumulator_type() const = 0;
  // The lowest value of an element type (max pooling's padding).
  virtual std::string lowest_of(const std::string& type) const = 0;
  virtual std::string weight_literal(float v) const = 0;
  // A float as a C++ float literal.
  virtual std::string literal(float v) const = 0;
  // The functor applying `a` to elements of `type`.
  virtual std::string activation_expr(const Activation& a, const std::string& type) const = 0;
  // A constant array of the weights header; value(i) gives element i in row-major order;
  // `partition`: a ROM the top partitions for parallel reads.
  virtual void add_array(const std::string& comment, const std::string& type, const std::string& name,
                         const std::vector<std::int64_t>& dims, const std::function<std::string(std::int64_t)>& value,
                         bool partition) = 0;
};

}  // namespace zynqnn::compiler::layers
