#include "board/pynq/sysfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::pynq_board::detail {

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

std::string errno_text(int error_number) { return std::strerror(error_number); }

FileDescriptor open_file(const std::filesystem::path& path, int flags, std::string_view what) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    int error_number = errno;
    throw Error(error_number == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                fmt::format("cannot open {} {}: {}", what, path.string(), errno_text(error_number)),
                path.string());
  }
  return FileDescriptor(fd);
}

std::string read_attribute(const std::filesystem::path& path) {
  FileDescriptor fd = open_file(path, O_RDONLY, "attribute");
  std::string text;
  char chunk[256];
  for (;;) {
    ssize_t n = ::read(fd.get(), chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::io, fmt::format("cannot read {}: {}", path.string(), errno_text(errno)),
                  path.string());
    }
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > 4096) {
      throw Error(ErrorCode::parse, fmt::format("attribute {} is longer than 4096 bytes", path.string()),
                  path.string());
    }
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t' ||
                           text.back() == '\r' || text.back() == '\0')) {
    text.pop_back();
  }
  return text;
}

std::uint64_t parse_unsigned(std::string_view text, const std::filesystem::path& where) {
  std::string_view digits = text;
  unsigned base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
    base = 16;
  }
  if (digits.empty() || digits.size() > (base == 16 ? 16u : 20u)) {
    throw Error(ErrorCode::parse, fmt::format("'{}' is not an unsigned number", text), where.string());
  }
  std::uint64_t value = 0;
  for (char c : digits) {
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      throw Error(ErrorCode::parse, fmt::format("'{}' is not an unsigned number", text), where.string());
    }
    if (value > (UINT64_MAX - digit) / base) {
      throw Error(ErrorCode::parse, fmt::format("'{}' does not fit in 64 bits", text), where.string());
    }
    value = value * base + digit;
  }
  return value;
}

std::uint64_t read_unsigned_attribute(const std::filesystem::path& path) {
  return parse_unsigned(read_attribute(path), path);
}

void write_attribute(const std::filesystem::path& path, std::string_view value) {
  FileDescriptor fd = open_file(path, O_WRONLY | O_TRUNC, "attribute");
  for (;;) {
    ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw Error(ErrorCode::io,
                  fmt::format("writing '{}' to {} failed: {}", value, path.string(), errno_text(errno)),
                  path.string());
    }
    if (static_cast<std::size_t>(n) != value.size()) {
      throw Error(ErrorCode::io,
                  fmt::format("short write of '{}' to {} ({} of {} bytes)", value, path.string(), n,
                              value.size()),
                  path.string());
    }
    return;
  }
}

}  // namespace zynqnn::pynq_board::detail
