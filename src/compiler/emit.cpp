#include "zynqnn/compiler/emit.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include <fmt/format.h>

#include "codegen/render.hpp"
#include "compiler/emit_streams.hpp"
#include "compiler/emit_text.hpp"
#include "compiler/layers/kind.hpp"
#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/compiler/weight_placement.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

using kainjow::mustache::data;
using graph::DType;
using namespace emit_text;

class Emitter : public layers::EmitContext {
 public:
  Emitter(const LayerPlan& plan, const std::string& model) : plan_(plan), model_(comment_safe(model)), t_(types_of(plan.precision)) {}

  NetworkSource run() {
    NetworkSource out;
    out.function = plan_.kernel + "_network";
    count_readers();
    data ports{data::type::list}, inputs{data::type::list}, outputs{data::type::list};
    std::vector<NetworkPort> port_list;
    for (const auto& v : plan_.pl_inputs) port_list.push_back(port(plan_.tensor(v), true));
    for (const auto& v : plan_.pl_outputs) port_list.push_back(port(plan_.tensor(v), false));
    for (std::size_t i = 0; i < port_list.size(); ++i) {
      data p;
      p.set("port", "port_" + port_list[i].name);
      p.set("elem", port_list[i].elem);
      p.set("sep", std::string(i + 1 < port_list.size() ? ", " : ""));
      ports.push_back(p);
    }
    for (const auto& v : plan_.pl_inputs) {
      const PlTensor& t = plan_.tensor(v);
      wiring_.declare(t.id, type_of(t), 1);
      data d;
      d.set("port", "port_" + t.id);
      d.set("id", t.id);
      d.set("type", type_of(t));
      d.set("elements", std::to_string(t.elements()));
      inputs.push_back(d);
      wiring_.fan_out(t.id, type_of(t), t.elements());
    }
    for (const auto& layer : plan_.layers) emit_layer(layer);
    for (const auto& v : plan_.pl_outputs) {
      const PlTensor& t = plan_.tensor(v);
      data d;
      d.set("port", "port_" + t.id);
      d.set("id", wiring_.take(t.id, 1));  // the DMA side takes one element per word
      d.set("type", type_of(t));
      d.set("elements", std::to_string(t.elements()));
      outputs.push_back(d);
    }
    data root;
    root.set("kernel", plan_.kernel);
    root.set("model", model_);
    root.set("precision", plan_.precision.name());
    root.set("function", out.function);
    root.set("ports", ports);
    root.set("inputs", inputs);
    root.set("outputs", outputs);
    root.set("streams", wiring_.streams());
    root.set("steps", steps_);
    root.set("roms", roms_);
    data layers{data::type::list};
    for (const auto& l : plan_.layers) {
      data d;
      d.set("id", l.id);
      d.set("ops", l.ops);
      std::string nodes;
      for (const auto& n : l.nodes) nodes += (nodes.empty() ? "" : ", ") + comment_safe(n);
      d.set("nodes", nodes);
      layers.push_back(d);
    }
    root.set("layers", layers);
    out.source = codegen::render("compiler/network.cpp.mustache", root);
    data w;
    w.set("kernel", plan_.kernel);
    w.set("model", model_);
    w.set("has_fixed", plan_.precision.kind == PrecisionKind::fixed);
    w.set("arrays", arrays_);
    w.set("requants", requants_);
    out.weights_header = codegen::render("compiler/weights.h.mustache", w);
    out.ports = std::move(port_list);
    return out;
  }

 private:
  std::string type_of(const PlTensor& t) const {
    return t.dtype == DType::float32 ? t_.act : element_type(plan_.precision, t.dtype);
  }

  NetworkPort port(const PlTensor& t, bool is_input) const {
    NetworkPort p;
    p.name = t.id;
    p.value = t.value;
    p.is_input = is_input;
    p.constant = t.constant;
    p.spec_type = spec_type(plan_.precision, t.dtype);
    p.elem = type_of(t);
    if (t.packing.kind != HostPacking::Kind::none) p.shape = {t.pixels, t.channels};
    else if (t.shape.size() >= 3 && t.shape[0] == 1) p.shape = {1, t.height, t.width, t.channels};
    else p.shape = t.shape.empty() ? std::vector<std::int64_t>{1} : t.shape;
    return p;
  }

  void count_readers() {
    for (const auto& l : plan_.layers) {
      for (const auto& v : l.inputs)
        if (!v.empty()) wiring_.add_reader(plan_.tensor(v).id);
      if (!l.weight_port.empty()) wiring_.add_reader(plan_.tensor(l.weight_port).id);
      if (!l.ddr_weight_port.empty()) wiring_.add_reader(plan_.tensor(l.ddr_weight_port).id);
    }
    for (const auto& v : plan_.pl_outputs) wiring_.add_reader(plan_.tensor(v).id);
  }

  void add_array(const std::string& comment, const std::string& type, const std::string& name,
                 const std::vector<std::int64_t>& dims, const std::function<std::string(std::int64_t)>& value,
                 bool partition) override {
    data a;
    a.set("comment", comment_safe(comment));
    a.set("type", type);
    a.set("name", name);
    a.set("dims", dims_text(dims));
    a.set("values", initializer(dims, value));
    arrays_.push_back(a);
    if (partition) {
      data r;
      r.set("name", name);
      roms_.push_back(r);
    }
  }

  std::string weight_literal(float v) const override {
    if (plan_.precision.kind == PrecisionKind::float32) return float_literal(v);
    return t_.weight + "(" + float_literal(v) + ")";
  }
  std::string acc_literal(float v) const {
    if (t_.acc == "ap_int<32>") return std::to_string(static_cast<long long>(v));
    if (plan_.precision.kind == PrecisionKind::float32) return float_literal(v);
    return t_.acc + "(" + float_literal(v) + ")";
  }

  bool int8() const override { return plan_.precision.kind == PrecisionKind::int8; }
  const PlTensor& tensor(const std::string& value) const override { return plan_.tensor(value); }

  // The step being emitted (layers::EmitContext).
  void set(const std::string& key, const std::string& value) override { step_->set(key, value); }
  void enable(const std::string& key) override { step_->set(key, true); }
  std::string get(const std::string& key) const override { return step_->get(key)->string_value(); }
  std::string accumulator_type() const override { return t_.acc; }
  std::string literal(float v) const override { return float_literal(v); }

  std::string activation_expr(const Activation& a, const std::string& type) const override {
    auto lit = [&](float v) {
      return plan_.precision.kind == PrecisionKind::float32 && type == "float" ? float_literal(v)
                                                                              : type + "(" + float_literal(v) + ")";
    };
    switch (a.kind) {
      case ActivationKind::relu: return "zynqnn_hls::relu_op<" + type + " >()";
      case ActivationKind::sigmoid: return "zynqnn_hls::sigmoid_op<" + type + " >()";
      case ActivationKind::leaky_relu: return "zynqnn_hls::leaky_relu_op<" + type + " >{" + lit(a.alpha) + "}";
      case ActivationKind::clip: return "zynqnn_hls::clip_op<" + type + " >{" + lit(a.lo) + ", " + lit(a.hi) + "}";
      case ActivationKind::functor: {
        if (a.functor_args.empty()) return a.functor + "<" + type + " >()";
        std::string args;
        for (float v : a.functor_args) args += (args.empty() ? "" : ", ") + lit(v);
        return a.functor + "<" + type + " >{" + args + "}";
      }
      case ActivationKind::none: return "znn_identity()";
    }
    return "znn_identity()";
  }

  std::string lowest_of(const std::string& type) const override {
    if (type == "float") return "-3.40282347e+38f";
    if (plan_.precision.kind == PrecisionKind::fixed && type == t_.act)  // the format's most negative value
      return type + "(" + float_literal(-std::ldexp(1.0F, plan_.precision.integer_bits - 1)) + ")";
    for (const auto& [name, lowest] : {std::pair<const char*, const char*>{"ap_int<8>", "-128"}, {"ap_int<16>", "-32768"},
                                       {"ap_int<32>", "(-2147483647 - 1)"}, {"ap_uint<8>", "0"}, {"ap_uint<16>", "0"}})
      if (type == name) return "(" + type + ")" + lowest;
    throw Error(ErrorCode::unsupported, "unsupported: max pooling on " + type + " streams", "pooling pad value");
  }

  data common(const PlLayer& l) {
    data d;
    d.set("id", l.id);
    d.set("ops", l.ops);
    d.set("in_h", std::to_string(l.in_h));
    d.set("in_w", std::to_string(l.in_w));
    d.set("in_c", std::to_string(l.in_c));
    d.set("out_c", std::to_string(l.out_c));
    d.set("k_h", std::to_string(l.kernel_h));
    d.set("k_w", std::to_string(l.kernel_w));
    d.set("s_h", std::to_string(l.stride_h));
    d.set("s_w", std::to_string(l.stride_w));
    d.set("p_t", std::to_string(l.pad_top));
    d.set("p_l", std::to_string(l.pad_left));
    d.set("p_b", std::to_string(l.pad_bottom));
    d.set("p_r", std::to_string(l.pad_right));
    d.set("d_h", std::to_string(l.dilation_h));
    d.set("d_w", std::to_string(l.dilation_w));
    d.set("pixels", std::to_string(l.pixels));
    d.set("pe", std::to_string(l.pe));
    d.set("simd", std::to_string(l.simd));
    d.set("t_w", t_.weight);
    return d;
  }

  void emit_layer(const PlLayer& l) {
    const PlTensor& out_t = plan_.tensor(l.output);
    const PlTensor& in_t = plan_.tensor(l.inputs.at(0));
    const std::string t_in = type_of(in_t), t_out = type_of(out_t);
    data d = common(l);
    d.set("t_in", t_in);
    d.set("t_out", t_out);
    const int lanes = input_lanes(l);
    d.set("in", wiring_.take(in_t.id, lanes));
    if (l.inputs.size() > 1 && !l.inputs[1].empty()) {
      const PlTensor& b = plan_.tensor(l.inputs[1]);
      d.set("in_b", wiring_.take(b.id, lanes));
      d.set("in_c_b", std::to_string(b.channels));
    }
    static const char* const extra[] = {"in_c_stream", "in_d", "in_e"};
    for (std::size_t i = 2; i < l.inputs.size() && i < 5; ++i)
      if (!l.inputs[i].empty()) d.set(extra[i - 2], wiring_.take(plan_.tensor(l.inputs[i]).id, lanes));
    d.set("elements", std::to_string(in_t.elements()));
    wiring_.declare(out_t.id, t_out, output_lanes(l));
    d.set("out", out_t.id);
    const auto& kind = layers::kind_rule(l.kind);  // the kind's own part: its layer file
    if (kind.matrix_vector != layers::MatrixVector::none) emit_mvu(l, d, in_t, out_t);
    step_ = &d;
    kind.emit(l, in_t, t_in, *this);
    step_ = nullptr;
    steps_.push_back(d);
    wiring_.fan_out(out_t.id, t_out, out_t.elements());
  }

  // Weights, bias and what follows the accumulator (activation or nothing).
  void emit_mvu(const PlLayer& l, data& d, const PlTensor&, const PlTensor& out_t) {
    if (l.integer) {  // ConvInteger/MatMulInteger: int16 operands after the zero points, int32 sums
      const Types saved = t_;
      t_.weight = "ap_int<16>";
      t_.acc = "ap_int<32>";
      d.set("t_w", t_.weight);
      d.set("t_acc", t_.acc);
      d.set("pad_value", std::string("ap_int<16>(0)"));
      emit_mvu_body(l, d, out_t);
      t_ = saved;
      return;
    }
    d.set("t_acc", t_.acc);
    d.set("pad_value", plan_.precision.kind == PrecisionKind::float32 ? std::string("0.0f")
                       : int8() ? fmt::format("ap_int<8>({})", plan_.tensor(l.inputs.at(0)).zero_point) : t_.act + "(0)");
    emit_mvu_body(l, d, out_t);
  }

  void emit_mvu_body(const PlLayer& l, data& d, const PlTensor& out_t) {
    const std::int64_t pe = l.pe, simd = l.simd;
    const layers::MatrixVector unit = layers::matrix_vector_of(l);
    if (unit == layers::MatrixVector::depthwise) {
      const std::int64_t folds = l.in_c / simd, k = l.kernel_h * l.kernel_w;
      add_array("depthwise weights of " + l.nodes.front(), t_.weight, l.id + "_weights", {simd, folds * k},
                [&](std::int64_t i) {
                  const std::int64_t s = i / (folds * k), r = i % (folds * k), f = r / k, tap = r % k;
                  const auto idx = static_cast<std::size_t>((f * simd + s) * k + tap);
                  return int8() ? std::to_string(l.qweights[idx]) : weight_literal(l.weights[idx]);
                }, true);
      add_array("bias of " + l.nodes.front(), t_.acc, l.id + "_bias", {simd, folds}, [&](std::int64_t i) {
        const std::int64_t s = i / folds, f = i % folds;
        const auto idx = static_cast<std::size_t>(f * simd + s);
        return int8() ? std::to_string(l.qbias[idx]) : acc_literal(l.bias[idx]);
      }, true);
    } else {
      const bool conv = unit == layers::MatrixVector::conv;
      const int kh = conv ? static_cast<int>(l.kernel_h) : 1, kw = conv ? static_cast<int>(l.kernel_w) : 1;
      const int oc = static_cast<int>(l.out_c), ic = static_cast<int>(l.in_c);
      const std::int64_t nf = oc / pe, sf = kh * kw * ic / simd, tiles = nf * sf;
      d.set("weights", l.id + "_weights");
      if (!l.ddr_weight_port.empty()) {  // one weight a cycle from DDR; the bias stays on chip
        d.set("ddr_weights", true);
        d.set("weights", wiring_.take(plan_.tensor(l.ddr_weight_port).id, 1));
        add_bias(l, pe, nf);
        finish_mvu(l, d, out_t);
        return;
      }
      if (!l.weight_port.empty()) {
        d.set("load_weights", true);
        d.set("tiles", std::to_string(tiles));
        d.set("weight_stream", wiring_.take(plan_.tensor(l.weight_port).id, 1));
        add_bias(l, pe, nf);
        finish_mvu(l, d, out_t);
        return;
      }
      const std::vector<float> rom =
          pack_mvu_weights(mvu_weight_packing(l), int8() ? std::vector<float>(l.qweights.begin(), l.qweights.end()) : l.weights);
      add_array("weights of " + l.nodes.front() + " [PE][TILES][SIMD]", t_.weight, l.id + "_weights",
                {pe, tiles, simd}, [&](std::int64_t i) {
                  const float v = rom[static_cast<std::size_t>(i)];
                  return int8() ? std::to_string(static_cast<int>(v)) : weight_literal(v);
                }, true);
      add_bias(l, pe, nf);
    }
    finish_mvu(l, d, out_t);
  }

  // A convolution's or dense layer's bias as [PE][NF] (int8: the quantized bias).
  void add_bias(const PlLayer& l, std::int64_t pe, std::int64_t nf) {
    add_array("bias of " + l.nodes.front() + " [PE][NF]", t_.acc, l.id + "_bias", {pe, nf}, [&](std::int64_t i) {
      const std::int64_t p = i / nf, n = i % nf;
      const auto idx = static_cast<std::size_t>(n * pe + p);
      return int8() ? std::to_string(l.qbias[idx]) : acc_literal(l.bias[idx]);
    }, true);
  }

  // What follows the accumulator: requantization (int8), an activation or cast, or nothing.
  void finish_mvu(const PlLayer& l, data& d, const PlTensor& out_t) {
    const std::string t_out = type_of(out_t);
    const std::int64_t lanes = layers::matrix_vector_of(l) == layers::MatrixVector::depthwise ? l.simd : l.pe;
    if (int8()) {
      const std::string acc = l.id + "_acc";
      wiring_.declare(acc, t_.acc, static_cast<int>(lanes));
      d.set("acc", acc);
      d.set("post_requantize", true);
      d.set("post_pixels", std::to_string(out_t.pixels));
      d.set("out_lanes", std::to_string(lanes));
      const std::int64_t folds = l.out_c / lanes;
      add_array("requantization (multiplier, shift) of " + l.nodes.front() + " [lanes][folds]", "zynqnn_hls::requant_params",
                l.id + "_requant", {lanes, folds}, [&](std::int64_t i) {
                  const auto c = static_cast<std::size_t>((i % folds) * lanes + i / folds);
                  return fmt::format("{{{}, {}}}", l.multiplier[c], l.shift[c]);
                }, false);
      data r;
      r.set("name", l.id);
      r.set("zero_point", std::to_string(l.out_zero_point));
      r.set("lo", std::to_string(l.out_lo));
      r.set("hi", std::to_string(l.out_hi));
      requants_.push_back(r);
      return;
    }
    const bool direct = l.activation.kind == ActivationKind::none && t_.acc == t_out;
    if (direct) {
      d.set("acc", out_t.id);
      return;
    }
    const std::string acc = l.id + "_acc";
    wiring_.declare(acc, t_.acc, static_cast<int>(lanes));
    d.set("acc", acc);
    d.set("post_activation", true);
    d.set("post_pixels", std::to_string(out_t.pixels));
    d.set("out_lanes", std::to_string(lanes));
    d.set("activation", activation_expr(l.activation, t_.acc));
  }

  const LayerPlan& plan_;
  std::string model_;
  Types t_;  // element types of the layer being emitted (integer layers swap them)
  data* step_ = nullptr;  // the template data of the layer being emitted
  data steps_{data::type::list}, roms_{data::type::list};
  data arrays_{data::type::list}, requants_{data::type::list};
  StreamWiring wiring_{steps_};  // the streams between the steps
};

}  // namespace

NetworkSource emit_network(const LayerPlan& plan, const std::string& model) { return Emitter(plan, model).run(); }

}  // namespace zynqnn::compiler
