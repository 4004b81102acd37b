#pragma once
// The stamp of a generated folder: a content hash of every file zynqnn wrote into it (the
// manifest, the generated sources, the constant frames, the host build sim/libkernel.so),
// written last. A folder whose files do not match its stamp mixes parts of different
// generations (an interrupted or edited output) and is refused when it is opened. The hash
// finds accidents, not tampering. Files added after the stamp (a Vivado or HLS run's
// products) are not part of it.
#include <filesystem>

namespace zynqnn::manifest {

inline constexpr const char* folder_stamp_file = "zynqnn.stamp";

// Hashes the regular files under `folder` (object files and the stamp itself left out) and
// writes FOLDER/zynqnn.stamp. Throws Error(io) when a file cannot be read or the stamp
// cannot be written in full.
void write_folder_stamp(const std::filesystem::path& folder);

// True when `folder` holds a stamp (zynqnn made it).
bool has_folder_stamp(const std::filesystem::path& folder);

// Checks `folder` against its stamp: throws Error(bad_state) naming the first stamped file
// that is missing or whose content differs, Error(parse) for an unreadable stamp. A folder
// without a stamp (written by hand or by an older zynqnn) is not checked.
void verify_folder_stamp(const std::filesystem::path& folder);

}  // namespace zynqnn::manifest
