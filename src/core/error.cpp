#include "zynqnn/core/error.hpp"

namespace zynqnn {
namespace {
std::string compose(const std::string& message, const std::string& where) {
  return where.empty() ? message : where + ": " + message;
}
}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::out_of_range: return "out_of_range";
    case ErrorCode::bad_state: return "bad_state";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::dma_error: return "dma_error";
    case ErrorCode::io: return "io";
    case ErrorCode::parse: return "parse";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::internal: return "internal";
  }
  return "unknown";
}

Error::Error(ErrorCode code, std::string message, std::string where)
    : std::runtime_error(compose(message, where)),
      code_(code),
      message_(std::move(message)),
      where_(std::move(where)) {}

}  // namespace zynqnn
