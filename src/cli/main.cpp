// `zynqnn VERB ...`: one verb per job. Each verb lives in its own verb_*.cpp and registers
// itself through verbs.hpp.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <exception>
#include <new>

#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"

namespace {

// An empty list ("[]") is no default worth showing in --help.
void hide_empty_list_defaults(CLI::App& app) {
  for (CLI::Option* option : app.get_options())
    if (option->get_default_str() == "[]") option->default_str("");
  for (CLI::App* verb : app.get_subcommands({})) hide_empty_list_defaults(*verb);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"zynqnn: streaming kernels and DNNs on PYNQ (Zynq-7000) boards, and a virtual board"};
  app.require_subcommand(1);
  app.set_version_flag("--version", ZYNQNN_VERSION);
  // Every option's default in --help; the verbs' options inherit this.
  app.option_defaults()->always_capture_default();
  zynqnn::cli::register_all_verbs(app);
  hide_empty_list_defaults(app);
  try {
    app.parse(argc, argv);
    return zynqnn::cli::exit_code();
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const zynqnn::Error& error) {
    fmt::print(stderr, "zynqnn: error ({}): {}\n", zynqnn::to_string(error.code()), error.what());
    return 2;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "zynqnn: error: out of memory (the process's memory limit: ulimit -v)\n");
    return 2;
  } catch (const std::exception& error) {
    fmt::print(stderr, "zynqnn: error: {}\n", error.what());
    return 2;
  }
}
