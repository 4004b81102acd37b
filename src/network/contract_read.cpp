// network.json read as outside input: every field checked for presence, type and range before
// use, each refusal naming the field and the file.
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "network/contract_json.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/io/npy.hpp"
#include "zynqnn/network/contract.hpp"

namespace zynqnn::network {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace contract_json;

// A JSON value with the path that led to it ("pl.inputs[0].scale").
struct Field {
  const json& value;
  std::string path;
  const std::string& origin;

  [[noreturn]] void fail(const std::string& what, ErrorCode code = ErrorCode::parse) const {
    throw Error(code, fmt::format("{}: {}", path.empty() ? "document" : path, what), origin);
  }
  Field at(std::string_view key) const {
    if (!value.is_object()) fail("an object expected");
    const auto it = value.find(key);
    const std::string child = path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
    if (it == value.end()) throw Error(ErrorCode::parse, fmt::format("{}: missing", child), origin);
    return {*it, child, origin};
  }
  std::vector<Field> items() const {
    if (!value.is_array()) fail("an array expected");
    std::vector<Field> out;
    for (std::size_t i = 0; i < value.size(); ++i) out.push_back({value[i], fmt::format("{}[{}]", path, i), origin});
    return out;
  }
  std::string text() const {
    if (!value.is_string()) fail("a string expected");
    return value.get<std::string>();
  }
  std::string name() const {
    std::string s = text();
    if (s.empty()) fail("an empty name");
    return s;
  }
  bool flag() const {
    if (!value.is_boolean()) fail("true or false expected");
    return value.get<bool>();
  }
  std::int64_t integer(std::int64_t lo = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t hi = std::numeric_limits<std::int64_t>::max()) const {
    if (!value.is_number_integer()) fail("an integer expected");
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
      fail(fmt::format("{} is out of range [{}, {}]", value.dump(), lo, hi), ErrorCode::invalid_argument);
    const auto v = value.get<std::int64_t>();
    if (v < lo || v > hi) fail(fmt::format("{} is out of range [{}, {}]", v, lo, hi), ErrorCode::invalid_argument);
    return v;
  }
  float real() const {
    const auto v = float_from(value);
    if (!v) fail("a float expected (a number in float range, \"inf\", \"-inf\" or \"nan\")");
    return *v;
  }
  std::vector<std::string> names() const {  // "" allowed: an absent optional input
    std::vector<std::string> out;
    for (const auto& f : items()) out.push_back(f.text());
    return out;
  }
  graph::Shape shape() const {
    graph::Shape out;
    for (const auto& f : items()) out.push_back(f.integer(0, graph::kMaxDimension));
    if (out.size() > graph::kMaxRank) fail(fmt::format("more than {} dimensions", graph::kMaxRank), ErrorCode::invalid_argument);
    try {
      graph::element_count(out, path);
    } catch (const Error& e) {
      fail(e.message(), ErrorCode::invalid_argument);
    }
    return out;
  }
  graph::DType dtype() const {
    const auto d = dtype_named(text());
    if (!d) fail(fmt::format("unknown element type '{}'", text()), ErrorCode::unsupported);
    return *d;
  }
};

// Whether the product of non-negative `factors` is above `limit` (computed without overflow).
bool exceeds(std::int64_t limit, std::initializer_list<std::int64_t> factors) {
  std::int64_t product = 1;
  for (std::int64_t f : factors) {
    if (f == 0) return false;
    if (product > limit / f) return true;
    product *= f;
  }
  return false;
}

graph::Tensor load_tensor(const fs::path& folder, const Field& index_field, std::size_t tensor_count) {
  const auto index = static_cast<std::size_t>(index_field.integer(0, static_cast<std::int64_t>(tensor_count)));
  const fs::path path = folder / tensor_file_name(index);
  io::NpyArray array;
  try {
    array = io::load_npy(path);
  } catch (const Error& e) {
    index_field.fail(fmt::format("tensor file {}: {}", path.string(), e.what()), e.code());
  }
  const auto dtype = dtype_named(array.dtype);
  if (!dtype) index_field.fail(fmt::format("tensor file {} holds {}, not a graph type", path.string(), array.dtype),
                               ErrorCode::unsupported);
  graph::Shape shape;
  for (auto d : array.shape) {
    if (d > static_cast<std::uint64_t>(graph::kMaxDimension))
      index_field.fail(fmt::format("tensor file {}: a dimension of {}", path.string(), d), ErrorCode::invalid_argument);
    shape.push_back(static_cast<std::int64_t>(d));
  }
  graph::Tensor t;
  try {
    t = graph::Tensor(*dtype, shape);
  } catch (const Error& e) {
    index_field.fail(fmt::format("tensor file {}: {}", path.string(), e.message()), ErrorCode::invalid_argument);
  }
  if (t.bytes().size() != array.data.size())
    index_field.fail(fmt::format("tensor file {}: {} data bytes for {} elements", path.string(), array.data.size(), t.size()),
                     ErrorCode::invalid_argument);
  if (!array.data.empty()) std::memcpy(t.bytes().data(), array.data.data(), array.data.size());
  return t;
}

class Reader {
 public:
  Reader(fs::path folder, const std::string& origin) : folder_(std::move(folder)), origin_(origin) {}

  NetworkContract read(const json& doc) {
    const Field root{doc, "", origin_};
    if (!doc.is_object()) root.fail("an object expected");
    if (root.at("format").text() != "zynqnn-network") root.at("format").fail("\"zynqnn-network\" expected");
    const auto version = root.at("version").integer();
    if (version != kContractVersion)
      root.at("version").fail(fmt::format("version {} (this runtime reads version {})", version, kContractVersion),
                              ErrorCode::unsupported);
    NetworkContract c;
    c.kernel = root.at("kernel").text();
    const Field precision = root.at("precision");
    try {
      c.precision = Precision::parse(precision.text());
    } catch (const Error& e) {
      precision.fail(e.message(), ErrorCode::invalid_argument);
    }
    c.opset = root.at("opset").integer(1, 1000);
    for (const auto& f : root.at("inputs").items()) c.inputs.push_back(value_info(f));
    for (const auto& f : root.at("outputs").items()) c.outputs.push_back(value_info(f));
    if (c.outputs.empty()) root.at("outputs").fail("a network without outputs", ErrorCode::invalid_argument);
    for (const auto& f : root.at("constants").items()) {
      std::string name = f.at("name").name();
      if (!c.constants.emplace(name, tensor(f.at("tensor"))).second)
        f.at("name").fail(fmt::format("constant '{}' given twice", name), ErrorCode::invalid_argument);
    }
    for (const auto& f : root.at("ps_before_pl").items()) c.ps_before_pl.push_back(node(f));
    const Field pl = root.at("pl");
    c.uses_pl = !pl.value.is_null();
    if (c.uses_pl) {
      for (const auto& f : pl.at("inputs").items()) c.pl_inputs.push_back(port(f, c.precision));
      for (const auto& f : pl.at("outputs").items()) c.pl_outputs.push_back(port(f, c.precision));
      if (c.pl_outputs.empty()) pl.at("outputs").fail("a PL part without outputs", ErrorCode::invalid_argument);
    }
    for (const auto& f : root.at("ps_after_pl").items()) c.ps_after_pl.push_back(node(f));
    check_dataflow(c, root);
    return c;
  }

 private:
  graph::Tensor tensor(const Field& f) { return load_tensor(folder_ / kContractTensorFolder, f, kMaxTensors); }

  ValueInfo value_info(const Field& f) {
    ValueInfo v;
    v.name = f.at("name").name();
    v.dtype = f.at("dtype").dtype();
    const Field shape = f.at("shape");
    if (!shape.value.is_null()) v.shape = shape.shape();
    return v;
  }

  graph::Node node(const Field& f) {
    graph::Node n;
    n.op = f.at("op").name();
    n.name = f.at("name").name();
    n.inputs = f.at("inputs").names();
    n.outputs = f.at("outputs").names();
    const Field attributes = f.at("attributes");
    if (!attributes.value.is_object()) attributes.fail("an object expected");
    for (const auto& [key, value] : attributes.value.items()) {
      const Field a{value, fmt::format("{}.{}", attributes.path, key), origin_};
      if (!value.is_object() || value.size() != 1) a.fail("one of int, float, string, ints, floats, tensor expected");
      const std::string kind = value.begin().key();
      const Field v = a.at(kind);
      if (kind == "int") n.attributes[key] = v.integer();
      else if (kind == "float") n.attributes[key] = v.real();
      else if (kind == "string") n.attributes[key] = v.text();
      else if (kind == "ints") {
        std::vector<std::int64_t> ints;
        for (const auto& i : v.items()) ints.push_back(i.integer());
        n.attributes[key] = std::move(ints);
      } else if (kind == "floats") {
        std::vector<float> floats;
        for (const auto& i : v.items()) floats.push_back(i.real());
        n.attributes[key] = std::move(floats);
      } else if (kind == "tensor") n.attributes[key] = tensor(v);
      else a.fail(fmt::format("unknown attribute kind '{}'", kind));
    }
    return n;
  }

  static ElementOrder order(const Field& f) {
    return {f.at("channels_major").integer(1, graph::kMaxElements), f.at("pixels_major").integer(1, graph::kMaxElements)};
  }

  HostPort port(const Field& f, const Precision& precision) {
    HostPort t;
    t.value = f.at("value").name();
    t.shape = f.at("shape").shape();
    t.dtype = f.at("dtype").dtype();
    using graph::DType;
    if (t.dtype != DType::float32 && t.dtype != DType::int8 && t.dtype != DType::uint8 && t.dtype != DType::int32)
      f.at("dtype").fail("a PL port carries float32, int8, uint8 or int32", ErrorCode::unsupported);
    t.pixels = f.at("pixels").integer(1, graph::kMaxElements);
    t.channels = f.at("channels").integer(1, graph::kMaxElements);
    if (t.pixels * t.channels > graph::kMaxElements)
      f.fail(fmt::format("{} x {} stream elements is too many", t.pixels, t.channels), ErrorCode::invalid_argument);
    t.order = order(f.at("order"));
    if (!t.order.identity() && t.order.channels_major * t.order.pixels_major != t.elements())
      f.at("order").fail(fmt::format("{} x {} does not reorder {} elements", t.order.channels_major, t.order.pixels_major,
                                     t.elements()),
                         ErrorCode::invalid_argument);
    t.scale = f.at("scale").real();
    if (precision.kind == PrecisionKind::int8 && !(t.scale > 0 && std::isfinite(t.scale)))
      f.at("scale").fail("a positive finite scale expected", ErrorCode::invalid_argument);
    t.zero_point = static_cast<std::int32_t>(f.at("zero_point").integer(-128, 255));
    t.constant = f.at("constant").flag();
    const Field k = f.at("host_packing");
    const auto kind = packing_named(k.at("kind").text());
    if (!kind) k.at("kind").fail(fmt::format("unknown host packing '{}'", k.at("kind").text()), ErrorCode::unsupported);
    HostPacking& p = t.packing;
    p.kind = *kind;
    p.conv = k.at("conv").flag();
    p.trans_b = k.at("trans_b").flag();
    p.out_c = k.at("out_c").integer(0, graph::kMaxElements);
    p.in_c = k.at("in_c").integer(0, graph::kMaxElements);
    p.kernel_h = k.at("kernel_h").integer(1, graph::kMaxDimension);
    p.kernel_w = k.at("kernel_w").integer(1, graph::kMaxDimension);
    p.pe = static_cast<int>(k.at("pe").integer(1, 1 << 16));
    p.simd = static_cast<int>(k.at("simd").integer(1, 1 << 16));
    p.columns = order(k.at("columns"));
    p.shape = k.at("shape").shape();
    p.factor = k.at("factor").real();
    // What the host streams must be what the port carries: the ONNX tensor itself, or a
    // packed/broadcast/transposed form of the same count (weights) checked when it is made.
    if (p.kind == HostPacking::Kind::none && graph::element_count(t.shape, t.value) != t.elements())
      f.fail(fmt::format("shape {} has {} elements, the stream {}", graph::shape_to_string(t.shape),
                         graph::element_count(t.shape, t.value), t.elements()),
             ErrorCode::invalid_argument);
    if (p.kind == HostPacking::Kind::mvu_weights &&
        exceeds(graph::kMaxElements, {p.out_c, p.in_c, p.conv ? p.kernel_h : 1, p.conv ? p.kernel_w : 1}))
      k.fail("packs more weights than a tensor may hold", ErrorCode::invalid_argument);
    return t;
  }

  // Every value a node or a port reads is a network input, a constant or computed before.
  void check_dataflow(const NetworkContract& c, const Field& root) const {
    std::set<std::string, std::less<>> known;
    for (const auto& v : c.inputs)
      if (!known.insert(v.name).second) root.at("inputs").fail(fmt::format("input '{}' given twice", v.name), ErrorCode::invalid_argument);
    for (const auto& [name, tensor] : c.constants) known.insert(name);
    auto run = [&](const std::vector<graph::Node>& nodes, const char* list) {
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (const auto& in : nodes[i].inputs)
          if (!in.empty() && !known.count(in))
            throw Error(ErrorCode::invalid_argument,
                        fmt::format("{}[{}] (node {}): reads '{}', which no input, constant or earlier node provides", list,
                                    i, nodes[i].name, in),
                        origin_);
        for (const auto& out : nodes[i].outputs)
          if (!out.empty()) known.insert(out);
      }
    };
    run(c.ps_before_pl, "ps_before_pl");
    if (c.uses_pl) {
      for (std::size_t i = 0; i < c.pl_inputs.size(); ++i)
        if (!c.pl_inputs[i].constant && !known.count(c.pl_inputs[i].value))
          throw Error(ErrorCode::invalid_argument,
                      fmt::format("pl.inputs[{}]: reads '{}', which no input, constant or PS node provides", i, c.pl_inputs[i].value),
                      origin_);
      for (const auto& p : c.pl_outputs) known.insert(p.value);
    }
    run(c.ps_after_pl, "ps_after_pl");
    for (std::size_t i = 0; i < c.outputs.size(); ++i)
      if (!known.count(c.outputs[i].name))
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("outputs[{}]: '{}' is computed by no node and no PL port", i, c.outputs[i].name), origin_);
  }

  // Tensor files are named by index; a contract refers to at most this many.
  static constexpr std::size_t kMaxTensors = 1 << 20;
  fs::path folder_;
  const std::string& origin_;
};

}  // namespace

NetworkContract parse_contract(const std::string& json_text, const fs::path& folder, const std::string& origin) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::parse, std::string("malformed JSON: ") + e.what(), origin);
  }
  try {
    return Reader(folder, origin).read(doc);
  } catch (const json::exception& e) {  // every access is checked first; kept as a last guard
    throw Error(ErrorCode::parse, std::string("malformed contract: ") + e.what(), origin);
  }
}

NetworkContract read_contract(const fs::path& output_dir) {
  const fs::path path = output_dir / kContractFile;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read the network contract (compile the model again to write it)", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_contract(text.str(), output_dir, path.string());
}

}  // namespace zynqnn::network
