#pragma once
// Where the host build's headers are. An installed package keeps them beside the executable
// (<package>/bin/zynqnn and <package>/share/zynqnn/<folder>); a build tree's executable uses
// the source tree it was built from.
#include <string>

namespace zynqnn::cli {

// `<executable's folder>/../share/zynqnn/<relative>` when it exists, else `source_path`.
std::string installed_or_source(const std::string& relative, const std::string& source_path);

}  // namespace zynqnn::cli
