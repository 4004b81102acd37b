#include "cli/verbs.hpp"

namespace zynqnn::cli {
namespace {
int g_exit_code = 0;
}  // namespace

int exit_code() { return g_exit_code; }
void set_exit_code(int code) { g_exit_code = code; }

void register_all_verbs(CLI::App& app) {
  // each verb_*.cpp adds one line here: add_<verb>_verb(app);
  add_generate_verb(app);
  add_tcl_check_verb(app);
}

}  // namespace zynqnn::cli
