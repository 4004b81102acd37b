#pragma once
// The compiler as a named list of passes, in the order `compile` runs them: import → graph
// passes → lowering → quantization → weight placement → folding → estimate → emission → write
// → host build. Each pass reports what it changed; after any pass the compiler can write what
// it holds (`--dump-after PASS`): the graph before lowering, the layer plan from lowering on.
#include <string>
#include <string_view>
#include <vector>

namespace zynqnn::compiler {

struct PassInfo {
  std::string_view name;
  std::string_view does;
};

// What one pass did, for the log and `compile --json`.
struct PassRecord {
  std::string name;
  std::string changed;  // e.g. "folded 2 BatchNormalization into their Conv/Gemm"
  double seconds = 0;
};

// Every pass of `compile`, in order (compile_graph starts after "import").
const std::vector<PassInfo>& compile_passes();

// "import, fuse, ..." for messages and --help.
std::string pass_names();

}  // namespace zynqnn::compiler
