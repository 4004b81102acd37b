#include "zynqnn/graph/identifier.hpp"

#include "zynqnn/core/reserved_words.hpp"

namespace zynqnn::graph {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
}  // namespace

std::string sanitized_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  for (const char c : name) {
    const char mapped = is_alnum(c) ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(mapped);
  }
  while (!out.empty() && out.back() == '_' && out.size() > 1) out.pop_back();
  if (out.empty() || out == "_" || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')))
    out = (out.empty() || out[0] != '_') ? "id_" + out : "id" + out;
  if (out.size() > 3 && out.back() == '_') out.pop_back();
  if (!reserved_word_match(out).empty()) out += "_";
  return out;
}

const std::string& IdentifierTable::sanitized_identifier(std::string_view name) {
  if (const auto found = by_name_.find(name); found != by_name_.end()) return found->second;
  const std::string base = graph::sanitized_identifier(name);
  std::string candidate = base;
  for (int suffix = 2; taken_.count(candidate) != 0; ++suffix)
    candidate = base + "_" + std::to_string(suffix);
  taken_.insert(candidate);
  return by_name_.emplace(std::string(name), candidate).first->second;
}

}  // namespace zynqnn::graph
