// network.json and its constant tensors, as the compiler writes them.
#include <cstring>
#include <fstream>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "network/contract_json.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"
#include "zynqnn/network/contract.hpp"

namespace zynqnn::network {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // fields in the order a reader expects them
using namespace contract_json;

// Saves tensors as <folder>/<index>.npy and hands back their index.
class TensorSink {
 public:
  explicit TensorSink(fs::path folder) : folder_(std::move(folder)) {}
  std::size_t save(const graph::Tensor& t) {
    if (count_ == 0) fs::create_directories(folder_);
    io::NpyArray array;
    array.dtype = std::string(graph::to_string(t.dtype()));
    for (auto d : t.shape()) array.shape.push_back(static_cast<std::uint64_t>(d));
    const auto bytes = t.bytes();
    array.data.resize(bytes.size());
    if (!bytes.empty()) std::memcpy(array.data.data(), bytes.data(), bytes.size());
    io::save_npy(folder_ / tensor_file_name(count_), array);
    return count_++;
  }

 private:
  fs::path folder_;
  std::size_t count_ = 0;
};

json floats_json(const std::vector<float>& values) {
  json out = json::array();
  for (float v : values) out.push_back(float_value<json>(v));
  return out;
}

json attribute_json(const graph::AttributeValue& value, TensorSink& tensors) {
  return std::visit(
      [&](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t>) return {{"int", v}};
        else if constexpr (std::is_same_v<T, float>) return {{"float", float_value<json>(v)}};
        else if constexpr (std::is_same_v<T, std::string>) return {{"string", v}};
        else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) return {{"ints", v}};
        else if constexpr (std::is_same_v<T, std::vector<float>>) return {{"floats", floats_json(v)}};
        else return {{"tensor", tensors.save(v)}};
      },
      value);
}

json node_json(const graph::Node& node, TensorSink& tensors) {
  json attributes = json::object();
  for (const auto& [name, value] : node.attributes) attributes[name] = attribute_json(value, tensors);
  return {{"op", node.op}, {"name", node.name}, {"inputs", node.inputs}, {"outputs", node.outputs},
          {"attributes", attributes}};
}

json value_json(const ValueInfo& v) {
  return {{"name", v.name}, {"dtype", std::string(graph::to_string(v.dtype))},
          {"shape", v.shape ? json(*v.shape) : json(nullptr)}};
}

json port_json(const HostPort& t) {
  const HostPacking& p = t.packing;
  return {{"value", t.value},
          {"shape", t.shape},
          {"dtype", std::string(graph::to_string(t.dtype))},
          {"pixels", t.pixels},
          {"channels", t.channels},
          {"order", {{"channels_major", t.order.channels_major}, {"pixels_major", t.order.pixels_major}}},
          {"scale", float_value<json>(t.scale)},
          {"zero_point", t.zero_point},
          {"constant", t.constant},
          {"host_packing",
           {{"kind", packing_name(p.kind)}, {"conv", p.conv}, {"trans_b", p.trans_b}, {"out_c", p.out_c},
            {"in_c", p.in_c}, {"kernel_h", p.kernel_h}, {"kernel_w", p.kernel_w}, {"pe", p.pe}, {"simd", p.simd},
            {"columns", {{"channels_major", p.columns.channels_major}, {"pixels_major", p.columns.pixels_major}}},
            {"shape", p.shape}, {"factor", float_value<json>(p.factor)}}}};
}

template <class T, class F>
json list_json(const std::vector<T>& items, F&& to_json) {
  json out = json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

}  // namespace

void write_contract(const NetworkContract& c, const fs::path& output_dir) {
  fs::create_directories(output_dir);
  TensorSink tensors(output_dir / kContractTensorFolder);
  json constants = json::array();
  for (const auto& [name, tensor] : c.constants) constants.push_back({{"name", name}, {"tensor", tensors.save(tensor)}});
  auto node = [&](const graph::Node& n) { return node_json(n, tensors); };
  json doc{{"format", "zynqnn-network"},
           {"version", kContractVersion},
           {"kernel", c.kernel},
           {"precision", c.precision.name()},
           {"opset", c.opset},
           {"inputs", list_json(c.inputs, value_json)},
           {"outputs", list_json(c.outputs, value_json)},
           {"constants", constants},
           {"ps_before_pl", list_json(c.ps_before_pl, node)},
           {"pl", c.uses_pl ? json{{"inputs", list_json(c.pl_inputs, port_json)},
                                   {"outputs", list_json(c.pl_outputs, port_json)}}
                            : json(nullptr)},
           {"ps_after_pl", list_json(c.ps_after_pl, node)}};
  const fs::path path = output_dir / kContractFile;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << doc.dump(2) << "\n";
  if (!out.flush()) throw Error(ErrorCode::io, "cannot write", path.string());
}

std::vector<const HostPort*> NetworkContract::host_fed_inputs() const {
  std::vector<const HostPort*> out;
  for (const auto& p : pl_inputs)
    if (!p.constant) out.push_back(&p);
  return out;
}

}  // namespace zynqnn::network
