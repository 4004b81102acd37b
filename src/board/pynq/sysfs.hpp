#pragma once
// Small helpers shared by the board backends: an owning file descriptor and the sysfs
// attribute protocol (one read of the whole value; one write() per value).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace zynqnn::pynq_board::detail {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const noexcept { return fd_; }
  int release() noexcept {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Opens `path` with `flags`; Error(not_found) when it does not exist, Error(io) otherwise.
FileDescriptor open_file(const std::filesystem::path& path, int flags, std::string_view what);

// The attribute's text without trailing whitespace. Error(not_found) when it does not exist.
std::string read_attribute(const std::filesystem::path& path);
// "0x..." is hexadecimal, anything else decimal (sysfs never prints octal).
std::uint64_t parse_unsigned(std::string_view text, const std::filesystem::path& where);
std::uint64_t read_unsigned_attribute(const std::filesystem::path& path);
// Writes `value` with a single write(), as sysfs requires.
void write_attribute(const std::filesystem::path& path, std::string_view value);

// errno as text, for messages.
std::string errno_text(int error_number);

}  // namespace zynqnn::pynq_board::detail
