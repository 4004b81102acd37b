#pragma once
// The CLI's verbs. A verb adds its subcommand and a callback that does the job; a callback
// reports failure through set_exit_code (errors it cannot handle are thrown as zynqnn::Error).
#include <CLI/CLI.hpp>

namespace zynqnn::cli {

void register_all_verbs(CLI::App& app);

void add_generate_verb(CLI::App& app);
void add_tcl_check_verb(CLI::App& app);
void add_compile_verb(CLI::App& app);
void add_check_onnx_verb(CLI::App& app);
void add_estimate_verb(CLI::App& app);
void add_onnx_info_verb(CLI::App& app);
void add_hwh_verb(CLI::App& app);
void add_bench_verb(CLI::App& app);
void add_loopback_verb(CLI::App& app);
void add_sim_verb(CLI::App& app);
void add_campaign_verb(CLI::App& app);
void add_calibrate_verb(CLI::App& app);
void add_operators_verb(CLI::App& app);

// The process exit code chosen by the verb that ran (0 unless it said otherwise).
int exit_code();
void set_exit_code(int code);

}  // namespace zynqnn::cli
