#include "zynqnn/network/runner.hpp"

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::network {
namespace {

namespace fs = std::filesystem;
using graph::Tensor;

void check_layout_counts(const NetworkContract& c, const std::vector<StreamLayout>& in, const std::vector<StreamLayout>& out) {
  if (in.size() != c.host_fed_inputs().size() || out.size() != c.pl_outputs.size())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("the manifest has {} input and {} output streams, the network contract {} and {} PL ports",
                            in.size(), out.size(), c.host_fed_inputs().size(), c.pl_outputs.size()),
                c.kernel);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].elements != c.pl_outputs[i].elements())
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("output stream {} has {} elements, its PL port {}", i, out[i].elements, c.pl_outputs[i].elements()),
                  c.pl_outputs[i].value);
}

void check_input(const ValueInfo& info, const Tensor& x) {
  if (x.dtype() != info.dtype)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} given, the network takes {}", graph::to_string(x.dtype()), graph::to_string(info.dtype)), info.name);
  if (info.shape && x.shape() != *info.shape)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("shape {} given, the network takes {}", graph::shape_to_string(x.shape()),
                            graph::shape_to_string(*info.shape)),
                info.name);
}

std::vector<std::size_t> byte_counts(const std::vector<StreamLayout>& layouts, const std::string& kernel) {
  std::vector<std::size_t> sizes;
  for (const auto& l : layouts) {
    if (l.bytes < 0) throw Error(ErrorCode::invalid_argument, "a stream of a negative byte count", kernel);
    sizes.push_back(static_cast<std::size_t>(l.bytes));
  }
  return sizes;
}

}  // namespace

NetworkRunner::NetworkRunner(NetworkContract contract, std::vector<StreamLayout> inputs, std::vector<StreamLayout> outputs,
                             std::unique_ptr<PlRunner> pl)
    : contract_(std::move(contract)), in_(std::move(inputs)), out_(std::move(outputs)), pl_(std::move(pl)) {
  if (!contract_.uses_pl) return;
  if (!pl_) throw Error(ErrorCode::invalid_argument, "the network has a PL part and no accelerator was given", contract_.kernel);
  check_layout_counts(contract_, in_, out_);
}

NetworkRunner NetworkRunner::open(const fs::path& output_dir, const AcceleratorOpener& open_accelerator, Nanoseconds deadline,
                                  const std::string& where) {
  return open(output_dir, [&](const fs::path& manifest) -> std::unique_ptr<PlRunner> {
    return std::make_unique<AcceleratorPlRunner>(open_accelerator(manifest), deadline, where);
  });
}

NetworkRunner NetworkRunner::open(const fs::path& output_dir, const PlRunnerOpener& open_pl) {
  NetworkContract contract = read_contract(output_dir);
  std::vector<StreamLayout> in, out;
  std::unique_ptr<PlRunner> pl;
  if (contract.uses_pl) {
    const fs::path manifest = output_dir / "manifest.json";
    read_stream_layouts(manifest, in, out);
    check_layout_counts(contract, in, out);  // before the accelerator is opened
    pl = open_pl(manifest);
  }
  return NetworkRunner(std::move(contract), std::move(in), std::move(out), std::move(pl));
}

void NetworkRunner::run_nodes(const std::vector<graph::Node>& nodes, graph::TensorMap& values) const {
  for (const graph::Node& node : nodes) {
    std::vector<const Tensor*> args;
    for (const auto& name : node.inputs) {
      if (name.empty()) {
        args.push_back(nullptr);
      } else if (auto it = values.find(name); it != values.end()) {
        args.push_back(&it->second);
      } else if (auto c = contract_.constants.find(name); c != contract_.constants.end()) {
        args.push_back(&c->second);
      } else {
        throw Error(ErrorCode::internal, "value " + name + " not computed before the PS runs it", node.where());
      }
    }
    auto results = graph::run_node(node, args, contract_.opset);
    for (std::size_t i = 0; i < node.outputs.size() && i < results.size(); ++i)
      if (!node.outputs[i].empty()) values[node.outputs[i]] = std::move(results[i]);
  }
}

std::vector<std::vector<std::byte>> NetworkRunner::run_up_to_pl(graph::TensorMap& values) const {
  const NetworkContract& c = contract_;
  for (const auto& info : c.inputs) {
    auto it = values.find(info.name);
    if (it == values.end()) throw Error(ErrorCode::invalid_argument, "missing input", info.name);
    check_input(info, it->second);
  }
  run_nodes(c.ps_before_pl, values);
  std::vector<std::vector<std::byte>> in_bytes;
  if (!c.uses_pl) return in_bytes;
  for (const HostPort* t : c.host_fed_inputs()) {  // constant streams are the accelerator's own
    auto it = values.find(t->value);
    if (it == values.end()) throw Error(ErrorCode::internal, "PL input not computed", t->value);
    in_bytes.push_back(to_stream(it->second, *t, in_[in_bytes.size()], c.precision));
  }
  return in_bytes;
}

std::vector<std::vector<std::byte>> NetworkRunner::pl_input_bytes(const graph::TensorMap& inputs) const {
  graph::TensorMap values = inputs;
  return run_up_to_pl(values);
}

std::vector<std::size_t> NetworkRunner::pl_input_sizes() const { return byte_counts(in_, contract_.kernel); }

std::vector<std::size_t> NetworkRunner::pl_output_sizes() const { return byte_counts(out_, contract_.kernel); }

graph::TensorMap NetworkRunner::run(const graph::TensorMap& inputs) {
  const NetworkContract& c = contract_;
  graph::TensorMap values = inputs;
  std::vector<std::vector<std::byte>> in_bytes = run_up_to_pl(values);
  if (c.uses_pl) {
    std::vector<std::vector<std::byte>> out_bytes;
    for (std::size_t bytes : pl_output_sizes()) out_bytes.emplace_back(bytes);
    pl_->run(in_bytes, out_bytes);
    for (std::size_t i = 0; i < c.pl_outputs.size(); ++i)
      values[c.pl_outputs[i].value] = from_stream(out_bytes[i], c.pl_outputs[i], out_[i], c.precision);
  }
  run_nodes(c.ps_after_pl, values);
  graph::TensorMap outputs;
  for (const auto& info : c.outputs) {
    auto it = values.find(info.name);
    if (it == values.end()) throw Error(ErrorCode::internal, "network output not computed", info.name);
    outputs.emplace(info.name, it->second);
  }
  return outputs;
}

}  // namespace zynqnn::network
