#include "cli/resource_paths.hpp"

#include <filesystem>
#include <system_error>

namespace zynqnn::cli {

std::string installed_or_source(const std::string& relative, const std::string& source_path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (error) return source_path;
  const fs::path installed = executable.parent_path().parent_path() / "share" / "zynqnn" / relative;
  return fs::is_directory(installed, error) ? installed.string() : source_path;
}

}  // namespace zynqnn::cli
