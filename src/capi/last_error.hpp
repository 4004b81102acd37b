#pragma once
// The C ABI's per-thread last error (zynqnn_last_error), for every section of the ABI.
#include <string>

namespace zynqnn::capi {

// Stores `message` as the calling thread's last error and returns `status`.
int set_error(int status, std::string message);

}  // namespace zynqnn::capi

#include <exception>
#include <new>

#include "zynqnn/core/error.hpp"

namespace zynqnn::capi {

// Runs `body` (returning a status), turning exceptions into a status and the thread's last
// error (an Error's message names where).
template <typename Body>
int guarded_call(Body&& body) noexcept {
  try {
    return body();
  } catch (const Error& error) {
    return set_error(static_cast<int>(error.code()), error.what());
  } catch (const std::bad_alloc&) {
    return set_error(10, "out of memory");  // ZYNQNN_INTERNAL
  } catch (const std::exception& error) {
    return set_error(10, error.what());
  }
}

}  // namespace zynqnn::capi
