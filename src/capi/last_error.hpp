#pragma once
// The C ABI's per-thread last error (zynqnn_last_error), for every section of the ABI.
#include <string>

namespace zynqnn::capi {

// Stores `message` as the calling thread's last error and returns `status`.
int set_error(int status, std::string message);

}  // namespace zynqnn::capi
