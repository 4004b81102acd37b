#include "compiler/layers/registry.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "zynqnn/compiler/operator_table.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler::layers {

// Each layer file defines register_<name>(Registry&); layer_list.inc lists them.
#define ZYNQNN_LAYER(name) void register_##name(Registry& registry);
#include "layer_list.inc"
#undef ZYNQNN_LAYER

void Registry::add(LayerRule rule) {
  for (const auto& op : rule.ops)
    if (const LayerRule* other = find(op))
      throw Error(ErrorCode::internal, fmt::format("layers {} and {} both claim operator {}", other->name, rule.name, op),
                  "layer registry");
  rules_.push_back(std::move(rule));
}

const LayerRule* Registry::find(std::string_view op) const {
  for (const auto& rule : rules_)
    if (std::find(rule.ops.begin(), rule.ops.end(), op) != rule.ops.end()) return &rule;
  return nullptr;
}

void Registry::add_kind(KindRule rule) {
  for (const auto& k : kinds_)
    if (k.kind == rule.kind)
      throw Error(ErrorCode::internal, fmt::format("layer kind {} described twice", rule.name), "layer registry");
  kinds_.push_back(std::move(rule));
}

const KindRule& Registry::kind(LayerKind kind) const {
  for (const auto& k : kinds_)
    if (k.kind == kind) return k;
  throw Error(ErrorCode::internal, fmt::format("no layer file describes layer kind {}", static_cast<int>(kind)),
              "layer registry");
}

const KindRule& kind_rule(LayerKind kind) { return registry().kind(kind); }

const Registry& registry() {
  static const Registry all = [] {
    Registry r;
#define ZYNQNN_LAYER(name) register_##name(r);
#include "layer_list.inc"
#undef ZYNQNN_LAYER
    return r;
  }();
  return all;
}

}  // namespace zynqnn::compiler::layers

namespace zynqnn::compiler {

std::string operator_table_markdown() {
  std::vector<const layers::OperatorRow*> rows;
  for (const auto& rule : layers::registry().rules())
    for (const auto& row : rule.rows) rows.push_back(&row);
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return a->order != b->order ? a->order < b->order : a->onnx < b->onnx;
  });
  std::string table = "| ONNX | PL layer | Notes |\n|---|---|---|\n";
  for (const auto* row : rows) table += fmt::format("| {} | {} | {} |\n", row->onnx, row->pl_layer, row->notes);
  return table;
}

std::string with_operator_table(const std::string& document) {
  const auto begin = document.find(kOperatorTableBegin);
  const auto end = document.find(kOperatorTableEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the document has no {} ... {} markers in that order", kOperatorTableBegin, kOperatorTableEnd),
                "operator table");
  const auto body = begin + std::string(kOperatorTableBegin).size();
  return document.substr(0, body) + "\n" + operator_table_markdown() + document.substr(end);
}

}  // namespace zynqnn::compiler
