#include "compiler/emit_streams.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {

using kainjow::mustache::data;

void StreamWiring::declare(const std::string& id, const std::string& type, int lanes, int depth) {
  lanes_[id] = lanes;
  types_[id] = type;
  data d;
  d.set("id", id);
  d.set("type", type);
  d.set("lanes", std::to_string(lanes));
  d.set("depth", std::to_string(depth));
  streams_.push_back(d);
}

void StreamWiring::fan_out(const std::string& id, const std::string& type, std::int64_t elements) {
  const int readers = readers_[id];
  const int lanes = lanes_.at(id);
  const std::int64_t words = elements / lanes;
  elements_[id] = elements;
  std::deque<std::string>& copies = copies_[id];
  if (readers <= 1) {
    copies.push_back(id);
    return;
  }
  std::string source = id;
  for (int k = 0; k + 1 < readers; ++k) {
    const std::string a = fmt::format("{}_copy{}", id, k), b = fmt::format("{}_rest{}", id, k);
    // Deep FIFOs: a branch may be read only after the other has consumed the whole frame.
    declare(a, type, lanes, static_cast<int>(std::min<std::int64_t>(words, 1 << 20)));
    declare(b, type, lanes, static_cast<int>(std::min<std::int64_t>(words, 1 << 20)));
    elements_[a] = elements_[b] = elements;
    data d;
    d.set("is_duplicate", true);
    d.set("words", std::to_string(words));
    d.set("type", type);
    d.set("lanes", std::to_string(lanes));
    d.set("in", source);
    d.set("out", a);
    d.set("out_b", b);
    steps_.push_back(d);
    copies.push_back(a);
    source = b;
  }
  copies.push_back(source);
}

std::string StreamWiring::take(const std::string& id, int lanes) {
  auto& q = copies_[id];
  if (q.empty()) throw Error(ErrorCode::internal, "stream read more often than planned", id);
  std::string s = q.front();
  q.pop_front();
  for (int to : conversion_steps(lanes_.at(s), lanes)) {
    const std::string out = fmt::format("{}_to{}_{}", s, to, converters_++);
    declare(out, types_.at(s), to);
    elements_[out] = elements_.at(s);
    data d;
    d.set("is_convert", true);
    d.set("elements", std::to_string(elements_.at(s)));
    d.set("in_lanes", std::to_string(lanes_.at(s)));
    d.set("out_lanes", std::to_string(to));
    d.set("type", types_.at(s));
    d.set("in", s);
    d.set("out", out);
    steps_.push_back(d);
    s = out;
  }
  return s;
}

}  // namespace zynqnn::compiler
