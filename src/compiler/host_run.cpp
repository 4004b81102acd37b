#include "zynqnn/compiler/host_run.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>

#include <fmt/format.h>

#include "compiler/plan_json.hpp"
#include "compiler/qdq.hpp"
#include "hls_stream.h"
#include "zynqnn/accelerator/open_accelerator.hpp"
#include "zynqnn/board/virtual/pl_kernel_abi.h"
#include "zynqnn/accelerator/sim_kernel_library.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/onnx/import.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::compiler {
namespace {

namespace fs = std::filesystem;
using graph::DType;
using graph::Tensor;

// The kernel's host build through the PL kernel ABI (SimKernelLibrary), constant streams
// (weights in DDR) fed from their files as the accelerator would.
class SimLibrary final : public PlRunner {
 public:
  explicit SimLibrary(const fs::path& output_dir)
      : library_(manifest::load_manifest(output_dir / "manifest.json"), output_dir) {}

  void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) override {
    std::vector<std::span<const std::byte>> in(inputs.begin(), inputs.end());
    std::vector<std::span<std::byte>> out(outputs.begin(), outputs.end());
    library_.run_frame(in, out);
  }
  std::string where() const override { return "sim library (PL kernel ABI)"; }

 private:
  SimKernelLibrary library_;
};

// One frame = one Accelerator::run: inputs copied into the DMA buffers, every receive armed,
// every send started, all waited for with one deadline.
class BoardRunner final : public PlRunner {
 public:
  BoardRunner(const fs::path& output_dir, const std::string& board, std::chrono::nanoseconds deadline)
      : board_(board), deadline_(deadline), accelerator_(open_accelerator((output_dir / "manifest.json").string(), board)) {
    if (deadline <= std::chrono::nanoseconds::zero())
      throw Error(ErrorCode::invalid_argument, "the call deadline must be positive", "board " + board);
  }

  void run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) override {
    Accelerator& acc = *accelerator_;
    if (inputs.size() != acc.inputs().size() || outputs.size() != acc.outputs().size())
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("accelerator has {} inputs and {} outputs, given {} and {}", acc.inputs().size(),
                              acc.outputs().size(), inputs.size(), outputs.size()),
                  where());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::span<std::byte> buffer = acc.input_buffer(i);
      if (buffer.size() != inputs[i].size())
        throw Error(ErrorCode::internal, fmt::format("{} bytes prepared for a DMA buffer of {}", inputs[i].size(), buffer.size()),
                    acc.inputs()[i].name);
      std::memcpy(buffer.data(), inputs[i].data(), buffer.size());
    }
    const CallResult result = acc.run(deadline_);
    if (result.status != CallStatus::ok) {
      const ErrorCode code = result.status == CallStatus::timeout ? ErrorCode::timeout : ErrorCode::dma_error;
      const std::string detail = result.detail;
      acc.abort();  // the next frame starts from a clean engine
      throw Error(code, detail, where());
    }
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      const std::span<const std::byte> buffer = acc.output_buffer(j);
      if (buffer.size() != outputs[j].size())
        throw Error(ErrorCode::internal, fmt::format("{} bytes expected from a DMA buffer of {}", outputs[j].size(), buffer.size()),
                    acc.outputs()[j].name);
      std::memcpy(outputs[j].data(), buffer.data(), buffer.size());
    }
  }
  std::string where() const override { return board_ == "virtual" ? "virtual board" : "board " + board_; }

 private:
  std::string board_;
  std::chrono::nanoseconds deadline_;
  std::unique_ptr<Accelerator> accelerator_;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read", path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t read_slot(const std::vector<std::byte>& bytes, std::int64_t j, int bits, bool is_signed) {
  std::uint64_t raw = 0;
  std::memcpy(&raw, bytes.data() + j * (bits / 8), static_cast<std::size_t>(bits / 8));
  if (is_signed && bits < 64) {
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    if (raw & sign) raw |= ~((sign << 1) - 1);
  }
  return static_cast<std::int64_t>(raw);
}

void write_slot(std::vector<std::byte>& bytes, std::int64_t j, int bits, std::uint64_t raw) {
  std::memcpy(bytes.data() + j * (bits / 8), &raw, static_cast<std::size_t>(bits / 8));
}

std::vector<std::byte> to_stream(const Tensor& x, const PlTensor& t, const StreamLayout& l, const Precision& p) {
  std::vector<std::byte> bytes(static_cast<std::size_t>(l.bytes));
  if (x.dtype() != DType::float32) {  // integer tensors stream as they are (packed if weights)
    const std::vector<float> values = host_prepare(x, t);
    if (static_cast<std::int64_t>(values.size()) != l.elements)
      throw Error(ErrorCode::invalid_argument, fmt::format("{} elements given, the accelerator takes {}", values.size(), l.elements),
                  t.value);
    for (std::int64_t j = 0; j < l.elements; ++j)
      write_slot(bytes, j, l.element_bits,
                 static_cast<std::uint64_t>(static_cast<std::int64_t>(values[static_cast<std::size_t>(j)])));
    return bytes;
  }
  return encode_stream(host_prepare(x, t), t, l, p);
}

Tensor from_stream(const std::vector<std::byte>& bytes, const PlTensor& t, const StreamLayout& l, const Precision& p) {
  Tensor y(t.dtype, t.shape);
  for (std::int64_t j = 0; j < t.elements(); ++j) {
    const auto k = static_cast<std::size_t>(t.order.onnx_index(j));
    if (t.dtype != DType::float32) {
      const std::int64_t v = read_slot(bytes, j, l.element_bits, t.dtype == DType::int8 || t.dtype == DType::int32 || t.dtype == DType::int16);
      switch (t.dtype) {
        case DType::int8: y.data<std::int8_t>()[k] = static_cast<std::int8_t>(v); break;
        case DType::uint8: y.data<std::uint8_t>()[k] = static_cast<std::uint8_t>(v); break;
        case DType::int32: y.data<std::int32_t>()[k] = static_cast<std::int32_t>(v); break;
        default: throw Error(ErrorCode::unsupported, "output element type", t.value);
      }
      continue;
    }
    float v = 0;
    if (p.kind == PrecisionKind::float32) {
      const auto bits = static_cast<std::uint32_t>(read_slot(bytes, j, l.element_bits, false));
      std::memcpy(&v, &bits, 4);
    } else if (p.kind == PrecisionKind::int8) {
      v = quant::dequantize_int8(static_cast<std::int8_t>(read_slot(bytes, j, l.element_bits, true)), t.scale, t.zero_point);
    } else {
      v = static_cast<float>(std::ldexp(static_cast<double>(read_slot(bytes, j, l.element_bits, true)), -l.fraction_bits));
    }
    y.data<float>()[k] = v;
  }
  return y;
}

std::vector<const PlTensor*> host_fed_inputs(const LayerPlan& plan) {
  std::vector<const PlTensor*> out;
  for (const auto& v : plan.pl_inputs)
    if (!plan.tensor(v).constant) out.push_back(&plan.tensor(v));
  return out;
}

void run_nodes(const graph::Graph& g, const std::vector<std::size_t>& nodes, graph::TensorMap& values) {
  for (std::size_t index : nodes) {
    const graph::Node& node = g.nodes[index];
    std::vector<const Tensor*> args;
    for (const auto& name : node.inputs) {
      if (name.empty()) {
        args.push_back(nullptr);
        continue;
      }
      if (auto it = values.find(name); it != values.end()) {
        args.push_back(&it->second);
      } else if (const auto* v = g.find(name); v && v->constant) {
        args.push_back(&*v->constant);
      } else {
        throw Error(ErrorCode::internal, "value " + name + " not computed before the PS runs it", node.where());
      }
    }
    auto results = graph::run_node(node, args, g.opset);
    for (std::size_t i = 0; i < node.outputs.size() && i < results.size(); ++i)
      if (!node.outputs[i].empty()) values[node.outputs[i]] = std::move(results[i]);
  }
}

}  // namespace

std::vector<std::byte> encode_stream(std::span<const float> values, const PlTensor& t, const StreamLayout& l,
                                     const Precision& p) {
  if (static_cast<std::int64_t>(values.size()) != l.elements)
    throw Error(ErrorCode::internal, fmt::format("{} elements prepared for a stream of {}", values.size(), l.elements), t.value);
  std::vector<std::byte> bytes(static_cast<std::size_t>(l.bytes));
  for (std::int64_t j = 0; j < l.elements; ++j) {
    const float v = values[static_cast<std::size_t>(j)];
    if (p.kind == PrecisionKind::float32) {
      std::uint32_t bits = 0;
      std::memcpy(&bits, &v, 4);
      write_slot(bytes, j, l.element_bits, bits);
    } else if (p.kind == PrecisionKind::int8) {
      const std::int8_t q = quant::quantize_int8(v, t.scale, t.zero_point);
      write_slot(bytes, j, l.element_bits, static_cast<std::uint64_t>(static_cast<std::int64_t>(q)));
    } else {
      const double limit = std::ldexp(1.0, p.width - 1);
      const double q = std::clamp(std::nearbyint(std::ldexp(static_cast<double>(v), l.fraction_bits)), -limit, limit - 1);
      write_slot(bytes, j, l.element_bits, static_cast<std::uint64_t>(static_cast<std::int64_t>(q)));
    }
  }
  return bytes;
}

std::unique_ptr<PlRunner> open_board_runner(const fs::path& output_dir, const std::string& board,
                                            std::chrono::nanoseconds deadline) {
  return std::make_unique<BoardRunner>(output_dir, board, deadline);
}

std::unique_ptr<PlRunner> open_sim_library(const fs::path& output_dir) {
  return std::make_unique<SimLibrary>(output_dir);
}

void read_stream_layouts(const fs::path& manifest_path, std::vector<StreamLayout>& inputs, std::vector<StreamLayout>& outputs) {
  const auto m = manifest::load_manifest(manifest_path);
  auto layout = [](const manifest::StreamInfo* s) {
    return StreamLayout{s->element_bits, s->stream_bits, s->elements, s->bytes, s->fraction_bits};
  };
  for (const auto* s : m.inputs()) inputs.push_back(layout(s));
  for (const auto* s : m.outputs()) outputs.push_back(layout(s));
}

NetworkRunner::NetworkRunner(const LayerPlan& plan, std::vector<StreamLayout> inputs, std::vector<StreamLayout> outputs,
                             std::unique_ptr<PlRunner> pl)
    : plan_(&plan), in_(std::move(inputs)), out_(std::move(outputs)), pl_(std::move(pl)) {
  if (plan.uses_pl() && (in_.size() != host_fed_inputs(plan).size() || out_.size() != plan.pl_outputs.size()))
    throw Error(ErrorCode::invalid_argument, "the manifest's streams do not match the plan's PL ports", plan.kernel);
}

NetworkRunner NetworkRunner::open(const fs::path& output_dir, const std::string& board, std::chrono::nanoseconds deadline) {
  // The graph the compiler lowered: a QDQ model's quantization pairs are stripped as at compile time.
  onnx_import::ImportOptions import;
  import.fold_dequantize = false;
  auto graph = onnx_import::import_file(output_dir / "model.onnx", import);
  strip_qdq(graph);
  auto plan = std::make_shared<LayerPlan>(
      host_plan_from_json(read_text(output_dir / "plan.json"), std::move(graph), (output_dir / "plan.json").string()));
  std::vector<StreamLayout> in, out;
  std::unique_ptr<PlRunner> pl;
  if (plan->uses_pl()) {
    read_stream_layouts(output_dir / "manifest.json", in, out);
    pl = open_board_runner(output_dir, board, deadline);
  }
  NetworkRunner runner(*plan, std::move(in), std::move(out), std::move(pl));
  runner.owned_ = plan;
  return runner;
}

graph::TensorMap NetworkRunner::run(const graph::TensorMap& inputs) {
  const LayerPlan& plan = *plan_;
  graph::TensorMap values = inputs;
  for (const auto& name : plan.graph.inputs)
    if (!values.count(name)) throw Error(ErrorCode::invalid_argument, "missing input", name);
  run_nodes(plan.graph, plan.pre_nodes, values);
  if (plan.uses_pl()) {
    std::vector<std::vector<std::byte>> in_bytes, out_bytes;
    for (const PlTensor* t : host_fed_inputs(plan)) {  // constant streams are the accelerator's own
      auto it = values.find(t->value);
      if (it == values.end()) throw Error(ErrorCode::internal, "PL input not computed", t->value);
      in_bytes.push_back(to_stream(it->second, *t, in_[in_bytes.size()], plan.precision));
    }
    for (const auto& l : out_) out_bytes.emplace_back(static_cast<std::size_t>(l.bytes));
    pl_->run(in_bytes, out_bytes);
    for (std::size_t i = 0; i < plan.pl_outputs.size(); ++i) {
      const PlTensor& t = plan.tensor(plan.pl_outputs[i]);
      values[t.value] = from_stream(out_bytes[i], t, out_[i], plan.precision);
    }
  }
  run_nodes(plan.graph, plan.post_nodes, values);
  graph::TensorMap outputs;
  for (const auto& name : plan.graph.outputs) {
    auto it = values.find(name);
    if (it == values.end()) throw Error(ErrorCode::internal, "graph output not computed", name);
    outputs.emplace(name, it->second);
  }
  return outputs;
}

}  // namespace zynqnn::compiler
