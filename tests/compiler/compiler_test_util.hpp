#pragma once
// Small graphs built in code, compiled into build/compiler-tests/<name> (reused when the
// generated sources are unchanged) and run on the virtual board (DMA driver, PL thread).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "zynqnn/compiler/compile.hpp"
#include "zynqnn/compiler/host_run.hpp"
#include "zynqnn/graph/executor.hpp"
#include "zynqnn/graph/infer.hpp"

namespace zynqnn::compiler::testing {

class GraphBuilder {
 public:
  GraphBuilder() { graph_.opset = 13; }

  GraphBuilder& input(const std::string& name, graph::Shape shape, graph::DType dtype = graph::DType::float32) {
    graph_.add_value({name, dtype, std::move(shape), true, std::nullopt});
    graph_.inputs.push_back(name);
    return *this;
  }
  GraphBuilder& constant(const std::string& name, graph::Tensor t) {
    graph_.add_value({name, t.dtype(), t.shape(), true, t});
    return *this;
  }
  GraphBuilder& random_constant(const std::string& name, graph::Shape shape, float scale = 0.5F) {
    graph::Tensor t(graph::DType::float32, std::move(shape));
    std::uniform_real_distribution<float> dist(-scale, scale);
    for (auto& v : t.data<float>()) v = dist(rng_);
    return constant(name, t);
  }
  GraphBuilder& node(graph::Node n) {
    std::vector<graph::ValueInfo> infos;
    for (const auto& i : n.inputs) {
      graph::ValueInfo info;
      if (i.empty()) {
        info.present = false;
      } else {
        const auto& v = graph_.value(i);
        info.dtype = v.dtype;
        info.shape = v.shape;
        info.data = v.constant ? &*v.constant : nullptr;
      }
      infos.push_back(info);
    }
    const auto outs = graph::infer_node(n, infos, graph_.opset);
    for (std::size_t k = 0; k < n.outputs.size(); ++k)
      graph_.add_value({n.outputs[k], outs[k].dtype, outs[k].shape, true, std::nullopt});
    graph_.nodes.push_back(std::move(n));
    return *this;
  }
  GraphBuilder& output(const std::string& name) {
    graph_.outputs.push_back(name);
    return *this;
  }
  graph::Graph build() {
    graph_.validate();
    return graph_;
  }
  graph::TensorMap random_inputs(float lo = -1.0F, float hi = 1.0F) {
    graph::TensorMap m;
    std::uniform_real_distribution<float> dist(lo, hi);
    for (const auto& name : graph_.inputs) {
      graph::Tensor t(graph::DType::float32, graph_.value(name).shape);
      for (auto& v : t.data<float>()) v = dist(rng_);
      m.emplace(name, t);
    }
    return m;
  }

 private:
  graph::Graph graph_;
  std::mt19937 rng_{1234};
};

inline std::filesystem::path work_dir(const std::string& name) {
  return std::filesystem::path(ZYNQNN_BINARY_DIR) / "compiler-tests" / name;
}

inline CompileOptions options_for(const std::string& name, Precision precision = {}) {
  CompileOptions o;
  o.model = name + ".onnx";  // only names the kernel; the graph is given directly
  o.output_dir = work_dir(name);
  o.precision = precision;
  o.hls_include_dir = ZYNQNN_HLS_INCLUDE_DIR_DEFAULT;
  o.hls_layers_dir = ZYNQNN_HLS_LAYERS_DIR_DEFAULT;
  o.sim_cxxflags = "-O1";
  return o;
}

// A runner of a compiled network as the runtime opens it (OUT/network.json), its PL part
// through the DMA driver on the virtual board.
inline NetworkRunner runner_for(const CompileResult& compiled, const std::filesystem::path& out) {
  NetworkRunner runner = open_network(out, "virtual", std::chrono::seconds(1));
  if (runner.contract().uses_pl != compiled.plan.uses_pl())
    throw Error(ErrorCode::internal, "the network contract and the plan disagree on the PL part", out.string());
  return runner;
}

// The compiled network's `output` for `inputs`, element for element equal to the reference
// executor's on the graph it was compiled from.
inline void expect_bit_exact(NetworkRunner& runner, const graph::Graph& g, const graph::TensorMap& inputs,
                             const std::string& output) {
  const auto actual = runner.run(inputs);
  const auto expected = graph::Executor(g).run(inputs);
  const auto y = actual.at(output).data<float>();
  const auto e = expected.at(output).data<float>();
  ASSERT_EQ(y.size(), e.size());
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_EQ(y[i], e[i]) << output << " element " << i;
}

}  // namespace zynqnn::compiler::testing
