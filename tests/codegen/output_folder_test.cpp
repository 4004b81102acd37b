// Output folders written whole (codegen/output_folder.hpp) and checked by their stamp when
// they are opened (manifest/folder_stamp.hpp): the previous folder survives a failed run, a
// folder zynqnn did not make is never written into, a full disk is an error.
#include "zynqnn/codegen/output_folder.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.hpp"
#include "zynqnn/codegen/generator.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/folder_stamp.hpp"
#include "zynqnn/manifest/manifest.hpp"

namespace zynqnn::codegen {
namespace {

namespace fs = std::filesystem;
using zynqnn::testing::read_text;
using zynqnn::testing::scratch_dir;
using zynqnn::testing::write_text;

// A committed folder holding one file.
void make_folder(const fs::path& target, const std::string& text) {
  StagedFolder staged(target, false);
  write_file_checked(staged.path() / "part.txt", text);
  staged.commit();
}

// The files beside `target` whose names say they are staging folders.
int staging_folders_beside(const fs::path& target) {
  int count = 0;
  for (const auto& e : fs::directory_iterator(target.parent_path()))
    count += e.path().filename().string().find(".zynqnn-staging-") != std::string::npos;
  return count;
}

ErrorCode code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.code();
  }
  return ErrorCode::internal;  // nothing thrown
}

TEST(StagedFolder, CommitsANewFolderAndReplacesItsOwnPreviousOne) {
  const auto root = scratch_dir("staged_new");
  const auto target = root / "out";
  make_folder(target, "first");
  EXPECT_EQ(read_text(target / "part.txt"), "first");
  EXPECT_TRUE(manifest::has_folder_stamp(target));
  make_folder(target, "second");
  EXPECT_EQ(read_text(target / "part.txt"), "second");
  EXPECT_NO_THROW(manifest::verify_folder_stamp(target));
  EXPECT_EQ(staging_folders_beside(target), 0);
  fs::remove_all(root);
}

TEST(StagedFolder, AnUncommittedFolderLeavesThePreviousOneAsItWas) {
  const auto root = scratch_dir("staged_abandoned");
  const auto target = root / "out";
  make_folder(target, "first");
  {
    StagedFolder staged(target, false);
    write_file_checked(staged.path() / "part.txt", "half");
  }  // a failure before commit()
  EXPECT_EQ(read_text(target / "part.txt"), "first");
  EXPECT_EQ(staging_folders_beside(target), 0);
  // A killed run leaves its staging folder; the next run beside it removes it.
  fs::create_directory(root / ".out.zynqnn-staging-999999999-0");
  make_folder(target, "third");
  EXPECT_EQ(staging_folders_beside(target), 0);
  fs::remove_all(root);
}

TEST(StagedFolder, RefusesAFolderZynqnnDidNotMakeUnlessForced) {
  const auto root = scratch_dir("staged_foreign");
  const auto target = root / "out";
  fs::create_directories(target);
  write_text(target / "model.onnx", "the user's model");
  try {
    StagedFolder staged(target, false);
    ADD_FAILURE() << "a folder of the user's was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("zynqnn did not make it"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("--force"), std::string::npos) << error.what();
  }
  EXPECT_EQ(read_text(target / "model.onnx"), "the user's model");
  {
    StagedFolder staged(target, true);
    write_file_checked(staged.path() / "part.txt", "forced");
    staged.commit();
  }
  EXPECT_EQ(read_text(target / "part.txt"), "forced");
  EXPECT_FALSE(fs::exists(target / "model.onnx"));
  // An empty folder is taken as it is.
  fs::create_directories(root / "empty");
  EXPECT_NO_THROW(make_folder(root / "empty", "x"));
  fs::remove_all(root);
}

TEST(StagedFolder, NeverWritesThroughASymbolicLink) {
  const auto root = scratch_dir("staged_links");
  fs::create_directories(root / "elsewhere");
  write_text(root / "elsewhere" / "precious.txt", "keep");
  fs::create_directory_symlink(root / "elsewhere", root / "link");
  EXPECT_EQ(code_of([&] { StagedFolder staged(root / "link", true); }), ErrorCode::invalid_argument);
  EXPECT_EQ(read_text(root / "elsewhere" / "precious.txt"), "keep");
  // A link where a file is to be written is refused too (O_NOFOLLOW).
  fs::create_symlink(root / "elsewhere" / "precious.txt", root / "file_link");
  EXPECT_EQ(code_of([&] { write_file_checked(root / "file_link", "overwritten"); }), ErrorCode::io);
  EXPECT_EQ(read_text(root / "elsewhere" / "precious.txt"), "keep");
  write_text(root / "plain_file", "x");
  EXPECT_EQ(code_of([&] { StagedFolder staged(root / "plain_file", true); }), ErrorCode::invalid_argument);
  fs::remove_all(root);
}

TEST(WriteFileChecked, AFullDeviceIsAnError) {
  try {
    write_file_checked("/dev/full", std::string(100, 'x'));
    ADD_FAILURE() << "writing to /dev/full succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(std::string(error.what()).find("No space left on device"), std::string::npos) << error.what();
  }
}

TEST(FolderStamp, NamesTheFileThatDoesNotBelong) {
  const auto root = scratch_dir("stamp_mismatch");
  const auto target = root / "out";
  {
    StagedFolder staged(target, false);
    write_file_checked(staged.path() / "sim" / "libkernel.so", "library A");
    write_file_checked(staged.path() / "manifest.json", "{}");
    write_file_checked(staged.path() / "sim" / "k.o", "object");
    staged.commit();
  }
  EXPECT_NO_THROW(manifest::verify_folder_stamp(target));
  write_text(target / "sim" / "k.o", "object files are not stamped");
  write_text(target / "hls_run.log", "files added later are not part of the stamp");
  EXPECT_NO_THROW(manifest::verify_folder_stamp(target));
  write_text(target / "sim" / "libkernel.so", "library B");
  try {
    manifest::verify_folder_stamp(target);
    ADD_FAILURE() << "a library from another generation was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_state);
    EXPECT_NE(std::string(error.what()).find("sim/libkernel.so is not the file it was generated with"), std::string::npos)
        << error.what();
  }
  fs::remove(target / "sim" / "libkernel.so");
  try {
    manifest::verify_folder_stamp(target);
    ADD_FAILURE() << "a folder without its library was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("incomplete: sim/libkernel.so"), std::string::npos) << error.what();
  }
  fs::remove_all(root);
}

TEST(FolderStamp, AConstantPathThatLeavesTheFolderThroughALinkIsRefused) {
  const auto root = scratch_dir("stamp_constant_link");
  fs::create_directories(root / "out" / "constants");
  fs::create_directories(root / "secret");
  write_text(root / "secret" / "frame.bin", std::string(16, 'x'));
  fs::create_directory_symlink(root / "secret", root / "out" / "constants" / "escape");
  manifest::StreamInfo stream;
  stream.name = "coeff";
  stream.direction = "in";
  stream.bytes = 16;
  stream.constant = "constants/escape/frame.bin";
  try {
    manifest::load_constant_frame(stream, root / "out");
    ADD_FAILURE() << "a frame outside the folder was read";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("outside the manifest's folder"), std::string::npos) << error.what();
  }
  fs::remove_all(root);
}

// A small tmpfs (512 KiB): writing a generated folder onto it runs out of space. Needs root (mount).
class FullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = scratch_dir("full_disk");
    if (::mount("tmpfs", root_.c_str(), "tmpfs", 0, "size=512k") != 0) GTEST_SKIP() << "cannot mount a tmpfs (not root)";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount(root_.c_str());
    fs::remove_all(root_);
  }
  fs::path root_;
  bool mounted_ = false;
};

TEST_F(FullDisk, GenerateFailsAndThePreviousFolderStaysWhole) {
  GenerateOptions options;
  options.output_dir = root_ / "out";
  options.hls_include_dir = zynqnn::testing::hls_include();
  options.project_include_dir = std::string(ZYNQNN_SOURCE_DIR) + "/include";
  options.build_sim = false;
  const auto spec = spec::load_kernel_spec(zynqnn::testing::example_spec("mixer"));
  ASSERT_NO_THROW(generate(spec, options));
  const std::string manifest_before = read_text(options.output_dir / "manifest.json");
  // Fill the disk but for a few kilobytes.
  {
    std::ofstream filler(root_ / "filler", std::ios::binary);
    const std::string block(1024, 'f');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
    }
  }
  fs::resize_file(root_ / "filler", fs::file_size(root_ / "filler") - 4096);
  try {
    generate(spec, options);
    ADD_FAILURE() << "generate succeeded on a full disk";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io) << error.what();
  }
  EXPECT_EQ(read_text(options.output_dir / "manifest.json"), manifest_before);
  EXPECT_NO_THROW(manifest::verify_folder_stamp(options.output_dir));
  EXPECT_EQ(staging_folders_beside(options.output_dir), 0);
}

}  // namespace
}  // namespace zynqnn::codegen
