#pragma once
// Starting one of the virtual board's threads (a DMA engine, the PL kernel) so that a refusal
// by the operating system (thread or address-space limit: ulimit -u, ulimit -v) is a typed
// error naming it, never std::terminate; the modeled clock's count of simulation threads is
// taken back when no thread starts.
#include <fmt/format.h>

#include <new>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "zynqnn/board/virtual/modeled_clock.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {

template <class Body>
std::thread start_simulation_thread(SimulationTime& clock, std::string_view what, Body&& body) {
  clock.thread_started();
  try {
    return std::thread(std::forward<Body>(body));
  } catch (const std::system_error& e) {
    clock.thread_finished();
    throw Error(ErrorCode::io,
                fmt::format("cannot start the {} thread: {} (the process's thread or memory limit: ulimit -u, ulimit -v)",
                            what, e.what()),
                "virtual board");
  } catch (const std::bad_alloc&) {
    clock.thread_finished();
    throw Error(ErrorCode::io, fmt::format("cannot start the {} thread: out of memory (ulimit -v?)", what), "virtual board");
  }
}

}  // namespace zynqnn::virtual_board
