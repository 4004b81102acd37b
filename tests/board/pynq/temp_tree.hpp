#pragma once
// A temporary directory tree standing in for /dev, /sys and /lib/firmware.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace zynqnn::pynq_board::testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zynqnn-board-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    root_ = ::mkdtemp(buffer.data());
  }
  ~TempTree() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path(std::string_view relative) const { return root_ / relative; }

  // Writes `text` to `relative`, creating parent directories.
  std::filesystem::path write(std::string_view relative, std::string_view text) const {
    auto target = path(relative);
    std::filesystem::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return target;
  }
  // A zero-filled file of `bytes` bytes.
  std::filesystem::path sized_file(std::string_view relative, std::size_t bytes) const {
    auto target = write(relative, "");
    std::filesystem::resize_file(target, bytes);
    return target;
  }
  std::string read(std::string_view relative) const {
    std::ifstream in(path(relative), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  std::filesystem::path root_;
};

}  // namespace zynqnn::pynq_board::testing
