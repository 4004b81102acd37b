#pragma once
// The one error type of the C++ core: what went wrong, where, and a code that the C ABI and
// the Python layer map onto their own error kinds.
#include <stdexcept>
#include <string>
#include <string_view>

namespace zynqnn {

enum class ErrorCode : int {
  invalid_argument = 1,  // a value the caller passed is wrong (length, alignment, shape...)
  out_of_range = 2,      // an access outside a buffer or a register space
  bad_state = 3,         // the object cannot do this now (halted channel, stale driver...)
  timeout = 4,           // a deadline passed
  dma_error = 5,         // the DMA engine reported an error
  io = 6,                // the operating system refused (open, mmap, sysfs)
  parse = 7,             // malformed outside input (JSON, XML, ONNX, .npy)
  unsupported = 8,       // well-formed but not supported
  not_found = 9,         // a named thing does not exist
  internal = 10,         // a broken invariant: a bug in zynqnn
};

std::string_view to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  // `where` names the place: a file and line, a register, a stream, a node.
  Error(ErrorCode code, std::string message, std::string where = {});

  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& where() const noexcept { return where_; }

 private:
  ErrorCode code_;
  std::string message_;
  std::string where_;
};

}  // namespace zynqnn
