// `zynqnn operators [--markdown] [--update FILE.md]`: the ONNX operators the compiler puts on
// the PL, from its layer registry. --markdown prints the operator table of docs/compiler.md;
// --update rewrites that table in FILE between its operator-table markers.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/verbs.hpp"
#include "zynqnn/compiler/operator_table.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::cli {
namespace {

struct OperatorsOptions {
  bool markdown = false;
  std::string update;
};

void update_document(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read the document", path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string updated = compiler::with_operator_table(text.str());
  if (updated == text.str()) {
    fmt::print("{}: operator table up to date\n", path);
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!(out << updated)) throw Error(ErrorCode::io, "cannot write the document", path);
  fmt::print("{}: operator table updated\n", path);
}

void run(const OperatorsOptions& options) {
  if (!options.update.empty()) return update_document(options.update);
  std::cout << compiler::operator_table_markdown();  // markdown is the only format so far
}

}  // namespace

void add_operators_verb(CLI::App& app) {
  auto options = std::make_shared<OperatorsOptions>();
  CLI::App* verb = app.add_subcommand("operators", "The ONNX operators the compiler puts on the PL (its layer registry)");
  verb->add_flag("--markdown", options->markdown, "Print the operator table in markdown (the default)");
  verb->add_option("--update", options->update, "Rewrite the table between the operator-table markers of this file");
  verb->callback([options] { run(*options); });
}

}  // namespace zynqnn::cli
