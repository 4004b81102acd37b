#include "zynqnn/compiler/emit.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>

#include <fmt/format.h>

#include "codegen/render.hpp"
#include "compiler/layers/kind.hpp"
#include "zynqnn/compiler/lanes.hpp"
#include "zynqnn/compiler/weight_placement.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::compiler {
namespace {

using kainjow::mustache::data;
using graph::DType;

std::string float_literal(float v) {
  if (std::isnan(v)) return "(0.0f/0.0f)";
  if (std::isinf(v)) return v > 0 ? "3.40282347e+38f" : "-3.40282347e+38f";
  std::string s = fmt::format("{:.9g}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s + "f";
}

// A C++ initializer for an array of the given dimensions; value(i) gives element i in
// row-major order.
std::string initializer(const std::vector<std::int64_t>& dims, const std::function<std::string(std::int64_t)>& value) {
  std::string out;
  std::int64_t index = 0;
  std::function<void(std::size_t)> level = [&](std::size_t d) {
    out += '{';
    for (std::int64_t i = 0; i < dims[d]; ++i) {
      if (i) out += ',';
      if (d + 1 == dims.size()) out += value(index++);
      else level(d + 1);
    }
    out += '}';
  };
  level(0);
  return out;
}

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string out;
  for (auto d : dims) out += "[" + std::to_string(d) + "]";
  return out;
}

// Model names in generated comments: letters, digits and a few harmless punctuation marks
// survive; anything else (quotes, brackets, semicolons, backslashes, newlines) becomes '?'.
std::string comment_safe(std::string text) {
  for (char& c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                      c == '-' || c == ':' || c == '+' || c == ',' || c == '/' || c == ' ' || c == '(' || c == ')';
    if (!keep) c = '?';
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {  // never a comment opener or closer
    if ((text[i] == '/' && i + 1 < text.size() && (text[i + 1] == '*' || text[i + 1] == '/'))) out += "/?";
    else out += text[i];
  }
  return out;
}

struct Types {
  std::string act, weight, acc;
};

Types types_of(const Precision& p) {
  switch (p.kind) {
    case PrecisionKind::float32: return {"float", "float", "float"};
    case PrecisionKind::int8: return {"ap_int<8>", "ap_int<8>", "ap_int<32>"};
    case PrecisionKind::fixed: {
      // Activations and weights round half to even and saturate (as the host converts inputs);
      // the accumulator holds every product exactly (2F fraction bits) with 8 guard bits.
      const std::string value = fixed_value_type(p);
      return {value, value, fixed_accumulator_type(p)};
    }
  }
  return {};
}

std::string spec_type(const Precision& p, DType dtype) {
  if (dtype == DType::float32) {
    if (p.kind == PrecisionKind::int8) return "int8";
    if (p.kind == PrecisionKind::fixed) return fmt::format("fixed<{},{}>", p.width, p.integer_bits);
    return "float32";
  }
  return std::string(graph::to_string(dtype));
}

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
      declare(t.id, type_of(t), 1);
      data d;
      d.set("port", "port_" + t.id);
      d.set("id", t.id);
      d.set("type", type_of(t));
      d.set("elements", std::to_string(t.elements()));
      inputs.push_back(d);
      fan_out(t.id, type_of(t), t.elements());
    }
    for (const auto& layer : plan_.layers) emit_layer(layer);
    for (const auto& v : plan_.pl_outputs) {
      const PlTensor& t = plan_.tensor(v);
      data d;
      d.set("port", "port_" + t.id);
      d.set("id", take(t.id, 1));  // the DMA side takes one element per word
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
    root.set("streams", streams_);
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
        if (!v.empty()) ++readers_[plan_.tensor(v).id];
      if (!l.weight_port.empty()) ++readers_[plan_.tensor(l.weight_port).id];
      if (!l.ddr_weight_port.empty()) ++readers_[plan_.tensor(l.ddr_weight_port).id];
    }
    for (const auto& v : plan_.pl_outputs) ++readers_[plan_.tensor(v).id];
  }

  void declare(const std::string& id, const std::string& type, int lanes, int depth = 2) {
    lanes_[id] = lanes;
    types_[id] = type;
    data d;
    d.set("id", id);
    d.set("type", type);
    d.set("lanes", std::to_string(lanes));
    d.set("depth", std::to_string(depth));
    streams_.push_back(d);
  }

  // After `id` is written: copies for each reader beyond the first (a chain of duplicates).
  void fan_out(const std::string& id, const std::string& type, std::int64_t elements) {
    const int readers = readers_[id];
    const int lanes = lanes_.at(id);
    const std::int64_t words = elements / lanes;
    elements_[id] = elements;
    std::deque<std::string>& copies = copies_[id];
    if (readers <= 1) {
      copies.push_back(id);
      return;
    }
    std::string source = id;
    for (int k = 0; k + 1 < readers; ++k) {
      const std::string a = fmt::format("{}_copy{}", id, k), b = fmt::format("{}_rest{}", id, k);
      // Deep FIFOs: a branch may be read only after the other has consumed the whole frame.
      declare(a, type, lanes, static_cast<int>(std::min<std::int64_t>(words, 1 << 20)));
      declare(b, type, lanes, static_cast<int>(std::min<std::int64_t>(words, 1 << 20)));
      elements_[a] = elements_[b] = elements;
      data d;
      d.set("is_duplicate", true);
      d.set("words", std::to_string(words));
      d.set("type", type);
      d.set("lanes", std::to_string(lanes));
      d.set("in", source);
      d.set("out", a);
      d.set("out_b", b);
      steps_.push_back(d);
      copies.push_back(a);
      source = b;
    }
    copies.push_back(source);
  }

  // The next unread copy of stream `id`, converted to words of `lanes` elements when its
  // producer writes another width (the same conversions as width_conversions(), in order).
  std::string take(const std::string& id, int lanes) {
    auto& q = copies_[id];
    if (q.empty()) throw Error(ErrorCode::internal, "stream read more often than planned", id);
    std::string s = q.front();
    q.pop_front();
    for (int to : conversion_steps(lanes_.at(s), lanes)) {
      const std::string out = fmt::format("{}_to{}_{}", s, to, converters_++);
      declare(out, types_.at(s), to);
      elements_[out] = elements_.at(s);
      data d;
      d.set("is_convert", true);
      d.set("elements", std::to_string(elements_.at(s)));
      d.set("in_lanes", std::to_string(lanes_.at(s)));
      d.set("out_lanes", std::to_string(to));
      d.set("type", types_.at(s));
      d.set("in", s);
      d.set("out", out);
      steps_.push_back(d);
      s = out;
    }
    return s;
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
      case ActivationKind::functor: return a.functor + "<" + type + " >()";
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
    d.set("in", take(in_t.id, lanes));
    if (l.inputs.size() > 1 && !l.inputs[1].empty()) {
      const PlTensor& b = plan_.tensor(l.inputs[1]);
      d.set("in_b", take(b.id, lanes));
      d.set("in_c_b", std::to_string(b.channels));
    }
    static const char* const extra[] = {"in_c_stream", "in_d", "in_e"};
    for (std::size_t i = 2; i < l.inputs.size() && i < 5; ++i)
      if (!l.inputs[i].empty()) d.set(extra[i - 2], take(plan_.tensor(l.inputs[i]).id, lanes));
    d.set("elements", std::to_string(in_t.elements()));
    declare(out_t.id, t_out, output_lanes(l));
    d.set("out", out_t.id);
    const auto& kind = layers::kind_rule(l.kind);  // the kind's own part: its layer file
    if (kind.matrix_vector != layers::MatrixVector::none) emit_mvu(l, d, in_t, out_t);
    step_ = &d;
    kind.emit(l, in_t, t_in, *this);
    step_ = nullptr;
    steps_.push_back(d);
    fan_out(out_t.id, t_out, out_t.elements());
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
        d.set("weights", take(plan_.tensor(l.ddr_weight_port).id, 1));
        add_bias(l, pe, nf);
        finish_mvu(l, d, out_t);
        return;
      }
      if (!l.weight_port.empty()) {
        d.set("load_weights", true);
        d.set("tiles", std::to_string(tiles));
        d.set("weight_stream", take(plan_.tensor(l.weight_port).id, 1));
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
      declare(acc, t_.acc, static_cast<int>(lanes));
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
    declare(acc, t_.acc, static_cast<int>(lanes));
    d.set("acc", acc);
    d.set("post_activation", true);
    d.set("post_pixels", std::to_string(out_t.pixels));
    d.set("out_lanes", std::to_string(lanes));
    d.set("activation", activation_expr(l.activation, t_.acc));
  }

  const LayerPlan& plan_;
  std::string model_;
  Types t_;  // element types of the layer being emitted (integer layers swap them)
  std::map<std::string, int> readers_;
  std::map<std::string, std::deque<std::string>> copies_;
  std::map<std::string, int> lanes_;                  // words' element count of each stream
  std::map<std::string, std::string> types_;          // element type of each stream
  std::map<std::string, std::int64_t> elements_;      // elements per frame of each layer stream
  int converters_ = 0;
  data* step_ = nullptr;  // the template data of the layer being emitted
  data streams_{data::type::list}, steps_{data::type::list}, roms_{data::type::list};
  data arrays_{data::type::list}, requants_{data::type::list};
};

}  // namespace

std::string fixed_value_type(const Precision& p) {
  return fmt::format("ap_fixed<{},{},AP_RND_CONV,AP_SAT>", p.width, p.integer_bits);
}

std::string fixed_accumulator_type(const Precision& p) {
  const int acc_w = std::min(63, 2 * p.width + 8), acc_i = std::min(acc_w, 2 * p.integer_bits + 8);
  return fmt::format("ap_fixed<{},{}>", acc_w, acc_i);
}

std::string element_type(const Precision& precision, graph::DType dtype) {
  switch (dtype) {
    case DType::float32: return types_of(precision).act;
    case DType::int8: return "ap_int<8>";
    case DType::uint8: return "ap_uint<8>";
    case DType::int16: return "ap_int<16>";
    case DType::uint16: return "ap_uint<16>";
    case DType::int32: return "ap_int<32>";
    default: break;
  }
  throw Error(ErrorCode::unsupported, std::string("unsupported: ") + std::string(graph::to_string(dtype)) + " tensors on the PL",
              "element type");
}

NetworkSource emit_network(const LayerPlan& plan, const std::string& model) { return Emitter(plan, model).run(); }

}  // namespace zynqnn::compiler
