// `zynqnn VERB ...`: one verb per job. Each verb lives in its own verb_*.cpp and registers
// itself through verbs.hpp.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <exception>
#include <new>

#include "cli/verbs.hpp"
#include "zynqnn/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"zynqnn: streaming kernels and DNNs on PYNQ (Zynq-7000) boards, and a virtual board"};
  app.require_subcommand(1);
  zynqnn::cli::register_all_verbs(app);
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
