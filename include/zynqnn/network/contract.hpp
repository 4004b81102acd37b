#pragma once
// The host side of a compiled network, as the compiler writes it next to manifest.json and
// the runtime reads it back (no ONNX, no protobuf): the network's inputs and outputs, the PS
// operators before and after the PL with the constant tensors they read, and each PL port's
// value, layout, quantization and host packing.
//
// Files (docs/compiler.md, "The host contract"):
//   OUT/network.json             the description (format "zynqnn-network", version 1)
//   OUT/network/<index>.npy      one constant tensor each (node inputs and tensor attributes)
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/graph.hpp"
#include "zynqnn/network/host_port.hpp"
#include "zynqnn/network/precision.hpp"

namespace zynqnn::network {

inline constexpr const char* kContractFile = "network.json";
inline constexpr const char* kContractTensorFolder = "network";
inline constexpr int kContractVersion = 1;

// A network input or output.
struct ValueInfo {
  std::string name;
  graph::DType dtype = graph::DType::float32;
  std::optional<graph::Shape> shape;  // nullopt: known only at run time
};

struct NetworkContract {
  std::string kernel;  // the accelerator's name
  Precision precision;
  std::int64_t opset = 13;  // of the PS operators
  std::vector<ValueInfo> inputs, outputs;
  std::vector<graph::Node> ps_before_pl, ps_after_pl;
  graph::TensorMap constants;  // values the PS nodes read that no node computes
  bool uses_pl = false;
  std::vector<HostPort> pl_inputs, pl_outputs;  // port order; constant inputs included

  // The PL inputs the host feeds (the accelerator sends its constant ones itself).
  std::vector<const HostPort*> host_fed_inputs() const;
};

// Writes OUT/network.json and OUT/network/*.npy.
void write_contract(const NetworkContract& contract, const std::filesystem::path& output_dir);

// Reads and checks a contract. Throws zynqnn::Error: io (a file missing or unreadable), parse
// (malformed JSON or .npy, a field missing or of the wrong type), invalid_argument /
// unsupported (an inconsistent contract: a port whose layout does not hold its shape, a node
// reading a value nothing provides, an unknown operator or type...), each naming the field
// and the file.
NetworkContract read_contract(const std::filesystem::path& output_dir);
// The same from text (fuzzing, tests): tensor files are read from output_dir/network/.
NetworkContract parse_contract(const std::string& json_text, const std::filesystem::path& output_dir,
                               const std::string& origin);

}  // namespace zynqnn::network
