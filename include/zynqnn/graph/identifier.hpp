#pragma once
// Identifiers from a model (node and tensor names) may hold anything: quotes, brackets,
// semicolons, spaces, non-ASCII bytes. Code generators turn them into names that are valid
// and safe both as C++ identifiers and as Tcl words.
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace zynqnn::graph {

// [A-Za-z][A-Za-z0-9_]* : other bytes become '_', runs of '_' collapse (C++ reserves "__"),
// a leading digit/underscore or an empty name gets the prefix "id_", C++ keywords get a
// trailing "_". Not unique on its own: see IdentifierTable.
std::string sanitized_identifier(std::string_view name);

// Hands out unique sanitized identifiers: the same name always gets the same identifier,
// different names never share one (a suffix _2, _3... resolves clashes).
class IdentifierTable {
 public:
  const std::string& sanitized_identifier(std::string_view name);

 private:
  std::map<std::string, std::string, std::less<>> by_name_;
  std::set<std::string> taken_;
};

}  // namespace zynqnn::graph
