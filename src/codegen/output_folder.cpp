#include "zynqnn/codegen/output_folder.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"

namespace zynqnn::codegen {
namespace {

namespace fs = std::filesystem;

std::string errno_text(int error) { return std::strerror(error); }

// "out/", "./out" and "out" are the same target; "." and "/" cannot be replaced.
fs::path normalized_target(const fs::path& target) {
  fs::path absolute = fs::absolute(target).lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();
  if (!absolute.has_filename() || absolute.filename() == "." || absolute.filename() == "..") {
    throw Error(ErrorCode::invalid_argument, "the output must name a folder of its own", target.string());
  }
  return absolute;
}

std::string staging_prefix(const fs::path& target) { return "." + target.filename().string() + ".zynqnn-staging-"; }

// Staging folders of runs that were killed (their process is gone) beside `target`.
void remove_abandoned_staging(const fs::path& target) {
  const std::string prefix = staging_prefix(target);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)) continue;  // still running
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
  }
}

bool is_empty_folder(const fs::path& folder) {
  std::error_code ec;
  return fs::is_empty(folder, ec) && !ec;
}

}  // namespace

StagedFolder::StagedFolder(const fs::path& target, bool replace_foreign) : target_(normalized_target(target)) {
  const std::string where = target.string();
  std::error_code ec;
  const auto status = fs::symlink_status(target_, ec);
  if (fs::is_symlink(status)) {
    throw Error(ErrorCode::invalid_argument,
                "the output folder is a symbolic link: zynqnn does not write through links; give the real folder", where);
  }
  if (fs::exists(status) && !fs::is_directory(status)) {
    throw Error(ErrorCode::invalid_argument, "the output exists and is not a folder", where);
  }
  if (fs::is_directory(status) && !is_empty_folder(target_) && !manifest::has_folder_stamp(target_) && !replace_foreign) {
    throw Error(ErrorCode::invalid_argument,
                "the output folder is not empty and zynqnn did not make it (it has no zynqnn.stamp): refusing to "
                "overwrite its files; choose another folder, or give --force to replace the folder and everything in it",
                where);
  }
  fs::create_directories(target_.parent_path(), ec);
  if (ec) throw Error(ErrorCode::io, "cannot create the folder: " + ec.message(), target_.parent_path().string());
  remove_abandoned_staging(target_);
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path candidate = target_.parent_path() / (staging_prefix(target_) + std::to_string(::getpid()) + "-" +
                                                        std::to_string(counter++));
    if (::mkdir(candidate.c_str(), 0755) == 0) {
      staging_ = candidate;
      return;
    }
    if (errno != EEXIST) {
      throw Error(ErrorCode::io, "cannot create the staging folder: " + errno_text(errno), candidate.string());
    }
  }
  throw Error(ErrorCode::io, "cannot create a staging folder", target_.parent_path().string());
}

StagedFolder::~StagedFolder() {
  if (committed_ || staging_.empty()) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void StagedFolder::commit() {
  manifest::write_folder_stamp(staging_);
  const std::string where = target_.string();
  if (::rename(staging_.c_str(), target_.c_str()) == 0) {  // no target, or an empty folder
    committed_ = true;
    return;
  }
  if (errno != EEXIST && errno != ENOTEMPTY) {
    throw Error(ErrorCode::io, "cannot move the finished folder into place: " + errno_text(errno), where);
  }
  // Swap the finished folder with the previous one in one step; the previous one ends up
  // under the staging name and is removed. Where the file system cannot swap, the previous
  // folder is moved aside first (for a moment there is no folder, never a mixed one).
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
    committed_ = true;
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
    return;
  }
  const fs::path aside = staging_.string() + "-previous";
  if (::rename(target_.c_str(), aside.c_str()) != 0) {
    throw Error(ErrorCode::io, "cannot move the previous folder aside: " + errno_text(errno), where);
  }
  if (::rename(staging_.c_str(), target_.c_str()) != 0) {
    const int error = errno;
    ::rename(aside.c_str(), target_.c_str());  // put the previous folder back
    throw Error(ErrorCode::io, "cannot move the finished folder into place: " + errno_text(error), where);
  }
  committed_ = true;
  std::error_code ignored;
  fs::remove_all(aside, ignored);
}

void write_file_checked(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(ErrorCode::io, "cannot create the folder: " + ec.message(), path.parent_path().string());
  // O_NOFOLLOW: never through a link (the files are written into a staging folder of our own).
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ErrorCode::io, "cannot create the file: " + errno_text(errno), path.string());
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      ::close(fd);
      throw Error(ErrorCode::io, "writing failed: " + errno_text(error), path.string());
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw Error(ErrorCode::io, "writing failed at close: " + errno_text(errno), path.string());
}

}  // namespace zynqnn::codegen
