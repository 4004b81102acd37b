#pragma once
// An output folder written whole or not at all. Everything goes into a staging folder beside
// the target (".NAME.zynqnn-staging-PID-N"); commit() stamps it (manifest/folder_stamp.hpp)
// and renames it into place: an existing folder is swapped out in one step and removed after.
// Until then the previous folder stays as it was; an interrupted run leaves only the staging
// folder, which the next run beside it removes. zynqnn never writes into, or through a
// symbolic link in, a folder it did not make: a non-empty folder without zynqnn's stamp is
// refused unless the caller forces its replacement.
#include <filesystem>
#include <string>

namespace zynqnn::codegen {

class StagedFolder {
 public:
  // Checks `target` and creates the staging folder. Throws Error(invalid_argument) when the
  // target is a symbolic link or a file, or a non-empty folder zynqnn did not make and
  // `replace_foreign` is false; Error(io) when the staging folder cannot be created.
  StagedFolder(const std::filesystem::path& target, bool replace_foreign);
  ~StagedFolder();  // removes the staging folder unless committed
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;

  // Where to write (an empty folder of our own).
  const std::filesystem::path& path() const noexcept { return staging_; }
  const std::filesystem::path& target() const noexcept { return target_; }

  // Writes the stamp and moves the staging folder to the target. Throws Error(io).
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

// Writes `bytes` to `path` (replacing a file, refusing a symbolic link there) and checks the
// final flush and close, so a full disk is an error, not a short file. Throws Error(io).
void write_file_checked(const std::filesystem::path& path, std::string_view bytes);

}  // namespace zynqnn::codegen
