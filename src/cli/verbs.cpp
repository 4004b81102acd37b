#include "cli/verbs.hpp"

namespace zynqnn::cli {
namespace {
int g_exit_code = 0;
}  // namespace

int exit_code() { return g_exit_code; }
void set_exit_code(int code) { g_exit_code = code; }

void register_all_verbs(CLI::App& app) {
  // each verb_*.cpp adds one line here: add_<verb>_verb(app);
  add_compile_verb(app);
  add_check_onnx_verb(app);
  add_estimate_verb(app);
  add_onnx_info_verb(app);
  add_hwh_verb(app);
  add_generate_verb(app);
  add_tcl_check_verb(app);
  add_bench_verb(app);
  add_loopback_verb(app);
  add_sim_verb(app);
  add_campaign_verb(app);
  add_calibrate_verb(app);
  add_operators_verb(app);
}

}  // namespace zynqnn::cli
