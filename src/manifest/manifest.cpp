#include "zynqnn/manifest/manifest.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "zynqnn/core/error.hpp"

namespace zynqnn::manifest {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// A JSON object being read, with the pointer to it for error messages.
class Reader {
 public:
  Reader(const json& object, std::string origin, std::string pointer)
      : object_(object), origin_(std::move(origin)), pointer_(std::move(pointer)) {
    if (!object_.is_object()) fail("", "must be an object");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw Error(ErrorCode::invalid_argument, message, origin_ + ":" + pointer_ + (key.empty() ? "" : "/" + key));
  }
  std::string where(const std::string& key) const { return origin_ + ":" + pointer_ + "/" + key; }

  const json& field(const std::string& key) const {
    auto it = object_.find(key);
    if (it == object_.end()) fail(key, "required field is missing");
    return *it;
  }
  bool has(const std::string& key) const { return object_.contains(key); }

  std::string string(const std::string& key) const {
    const json& v = field(key);
    if (!v.is_string()) fail(key, "must be a string");
    return v.get<std::string>();
  }
  std::string name(const std::string& key) const {
    std::string value = string(key);
    if (value.empty() || value.size() > 128) fail(key, "must be a name of 1 to 128 characters");
    for (char c : value) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!ok) fail(key, "must contain only letters, digits, '_' and '-'");
    }
    return value;
  }
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max) const {
    const json& v = field(key);
    if (!v.is_number_integer()) fail(key, "must be an integer");
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(key, "is out of range");
    }
    const auto value = v.get<std::int64_t>();
    if (value < min || value > max) {
      fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    return value;
  }
  std::uint64_t address(const std::string& key) const {
    const json& v = field(key);
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_string()) {
      const std::string text = v.get<std::string>();
      if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') && text.size() <= 18) {
        std::uint64_t value = 0;
        auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), value, 16);
        if (ec == std::errc{} && end == text.data() + text.size()) return value;
      }
    }
    fail(key, "must be an address: a \"0x...\" hex string or a non-negative integer");
  }
  bool boolean(const std::string& key) const {
    const json& v = field(key);
    if (!v.is_boolean()) fail(key, "must be true or false");
    return v.get<bool>();
  }
  double number(const std::string& key) const {
    const json& v = field(key);
    if (!v.is_number()) fail(key, "must be a number");
    return v.get<double>();
  }
  std::string one_of(const std::string& key, std::initializer_list<std::string_view> values) const {
    std::string value = string(key);
    for (auto v : values) {
      if (value == v) return value;
    }
    std::string allowed;
    for (auto v : values) allowed += (allowed.empty() ? "" : ", ") + std::string(v);
    fail(key, "must be one of: " + allowed);
  }
  const json& array(const std::string& key) const {
    const json& v = field(key);
    if (!v.is_array()) fail(key, "must be an array");
    return v;
  }
  Reader object(const std::string& key) const { return Reader(field(key), origin_, pointer_ + "/" + key); }
  Reader element(const std::string& key, std::size_t index) const {
    return Reader(field(key)[index], origin_, pointer_ + "/" + key + "/" + std::to_string(index));
  }

 private:
  const json& object_;
  std::string origin_;
  std::string pointer_;
};

constexpr std::int64_t kMaxTransferBytes = (std::int64_t{1} << 26) - 1;

// Why `path` is not a file path inside the manifest's folder (nullptr when it is): it must be
// relative, use '/' separators and have no empty, "." or ".." component.
const char* relative_path_problem(const std::string& path) {
  if (path.empty() || path.size() > 4096) return "must be a path of 1 to 4096 characters";
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) {
    return "must not contain NUL or '\\' (use '/' separators)";
  }
  if (path.front() == '/') return "must be relative to the manifest's folder, not an absolute path";
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part(path.data() + start, end - start);
    if (part == "..") return "must stay inside the manifest's folder (no '..')";
    if (part.empty() || part == ".") return "must not have an empty or '.' component";
    start = end + 1;
  }
  return nullptr;
}

StreamInfo read_stream(const Reader& r) {
  StreamInfo s;
  s.name = r.name("name");
  s.direction = r.one_of("direction", {"in", "out"});
  s.dtype = r.string("dtype");
  if (s.dtype.empty() || s.dtype.size() > 32) r.fail("dtype", "must be a type name");
  s.numpy_dtype = r.one_of("numpy_dtype", {"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "float32"});
  const json& shape = r.array("shape");
  if (shape.empty() || shape.size() > 8) r.fail("shape", "must have 1 to 8 dimensions");
  std::int64_t product = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (!shape[i].is_number_integer() || shape[i].get<std::int64_t>() <= 0 ||
        shape[i].get<std::int64_t>() > kMaxTransferBytes) {
      r.fail("shape/" + std::to_string(i), "must be a positive integer no larger than a DMA transfer");
    }
    const auto d = shape[i].get<std::int64_t>();
    if (product > kMaxTransferBytes / d) r.fail("shape", "has more elements than a DMA transfer can carry");
    product *= d;
    s.shape.push_back(d);
  }
  s.element_bits = static_cast<int>(r.integer("element_bits", 8, 64));
  if (s.element_bits != 8 && s.element_bits != 16 && s.element_bits != 32 && s.element_bits != 64) {
    r.fail("element_bits", "must be 8, 16, 32 or 64");
  }
  s.value_bits = static_cast<int>(r.integer("value_bits", 1, s.element_bits));
  s.fraction_bits = static_cast<int>(r.integer("fraction_bits", 0, s.value_bits));
  s.elements = r.integer("elements", 1, kMaxTransferBytes);
  if (s.elements != product) r.fail("elements", "must equal the product of the shape");
  s.stream_bits = static_cast<int>(r.integer("stream_bits", 32, 64));
  if (s.stream_bits != 32 && s.stream_bits != 64) r.fail("stream_bits", "must be 32 or 64");
  if (s.element_bits > s.stream_bits) r.fail("element_bits", "is wider than the stream");
  s.elements_per_word = static_cast<int>(r.integer("elements_per_word", 1, 8));
  if (s.elements_per_word != s.stream_bits / s.element_bits) {
    r.fail("elements_per_word", "must equal stream_bits / element_bits");
  }
  s.words = r.integer("words", 1, kMaxTransferBytes);
  if (s.words != (s.elements + s.elements_per_word - 1) / s.elements_per_word) {
    r.fail("words", "must equal elements / elements_per_word, rounded up");
  }
  s.bytes = r.integer("bytes", 1, kMaxTransferBytes);
  if (s.bytes != s.words * (s.stream_bits / 8)) r.fail("bytes", "must equal words * stream_bits / 8");
  s.dma = r.name("dma");
  s.channel = r.one_of("channel", {"mm2s", "s2mm"});
  if ((s.direction == "in") != (s.channel == "mm2s")) {
    r.fail("channel", "an input stream is fed by mm2s, an output stream feeds s2mm");
  }
  s.frame_latency_cycles = static_cast<std::uint64_t>(r.integer("frame_latency_cycles", 0, std::int64_t{1} << 48));
  if (r.has("constant")) {
    s.constant = r.string("constant");
    if (s.direction != "in") r.fail("constant", "only an input stream can be constant");
    if (const char* problem = relative_path_problem(s.constant)) r.fail("constant", problem);
  }
  return s;
}

DmaInfo read_dma(const Reader& r) {
  DmaInfo d;
  d.name = r.name("name");
  d.base_address = r.address("base_address");
  d.address_range = r.address("address_range");
  if (d.address_range == 0 || d.base_address > std::numeric_limits<std::uint32_t>::max() ||
      d.address_range > std::uint64_t{1} << 32 || d.base_address + d.address_range > std::uint64_t{1} << 32) {
    r.fail("address_range", "the register window must be non-empty and inside the 32-bit address space");
  }
  d.include_mm2s = r.boolean("include_mm2s");
  d.include_s2mm = r.boolean("include_s2mm");
  if (!d.include_mm2s && !d.include_s2mm) r.fail("include_mm2s", "a DMA needs at least one channel");
  auto width = [&](const char* key, bool included) {
    const int bits = static_cast<int>(r.integer(key, 0, 1024));
    if (included && bits != 32 && bits != 64) r.fail(key, "must be 32 or 64 for an included channel");
    return bits;
  };
  d.mm2s_bits = width("mm2s_bits", d.include_mm2s);
  d.s2mm_bits = width("s2mm_bits", d.include_s2mm);
  d.length_width = static_cast<int>(r.integer("length_width", 8, 26));
  d.include_sg = r.boolean("include_sg");
  if (d.include_sg) r.fail("include_sg", "scatter-gather DMAs are not supported (direct register mode only)");
  // An axi_intc has at most 32 inputs.
  if (r.has("mm2s_interrupt")) d.mm2s_interrupt = static_cast<int>(r.integer("mm2s_interrupt", 0, 31));
  if (r.has("s2mm_interrupt")) d.s2mm_interrupt = static_cast<int>(r.integer("s2mm_interrupt", 0, 31));
  return d;
}

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << value;
  std::string text = out.str();
  text[1] = 'x';
  return text;
}

}  // namespace

std::vector<const StreamInfo*> Manifest::inputs() const {
  std::vector<const StreamInfo*> result;
  for (const auto& s : streams) {
    if (s.direction == "in" && !s.is_constant()) result.push_back(&s);
  }
  return result;
}

std::vector<const StreamInfo*> Manifest::all_inputs() const {
  std::vector<const StreamInfo*> result;
  for (const auto& s : streams) {
    if (s.direction == "in") result.push_back(&s);
  }
  return result;
}

std::vector<const StreamInfo*> Manifest::constant_inputs() const {
  std::vector<const StreamInfo*> result;
  for (const auto& s : streams) {
    if (s.direction == "in" && s.is_constant()) result.push_back(&s);
  }
  return result;
}

std::vector<const StreamInfo*> Manifest::outputs() const {
  std::vector<const StreamInfo*> result;
  for (const auto& s : streams) {
    if (s.direction == "out") result.push_back(&s);
  }
  return result;
}

const StreamInfo* Manifest::find_stream(std::string_view name) const {
  for (const auto& s : streams) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const DmaInfo* Manifest::find_dma(std::string_view name) const {
  for (const auto& d : dmas) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

Manifest parse_manifest(std::string_view json_text, std::string_view origin) {
  json document;
  try {
    document = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& error) {
    throw Error(ErrorCode::parse, std::string("malformed JSON: ") + error.what(), std::string(origin));
  }
  const Reader root(document, std::string(origin), "");
  Manifest m;
  m.schema_version = static_cast<int>(root.integer("schema_version", 1, 1000000));
  if (m.schema_version > schema_version) {
    throw Error(ErrorCode::unsupported,
                "schema version " + std::to_string(m.schema_version) + " is newer than this reader (" +
                    std::to_string(schema_version) + ")",
                root.where("schema_version"));
  }
  m.kernel = root.name("kernel");
  m.board = root.name("board");
  m.part = root.name("part");
  m.board_part = root.string("board_part");
  m.clock_mhz = root.number("clock_mhz");
  if (!(m.clock_mhz > 0 && m.clock_mhz <= 1000)) root.fail("clock_mhz", "must be a positive frequency in MHz");
  // Older manifests recorded one frequency: the requested one was the one written.
  m.requested_clock_mhz = root.has("requested_clock_mhz") ? root.number("requested_clock_mhz") : m.clock_mhz;
  if (!(m.requested_clock_mhz >= m.clock_mhz && m.requested_clock_mhz <= 1000)) {
    root.fail("requested_clock_mhz", "must be a frequency in MHz at or above clock_mhz (the reachable one)");
  }

  const Reader control = root.object("control");
  m.control.mode = control.one_of("mode", {"none", "axilite"});
  m.control.instance = control.name("instance");
  if (m.control.mode == "axilite") {
    m.control.base_address = control.address("base_address");
    m.control.address_range = control.address("address_range");
  }

  const json& dmas = root.array("dmas");
  if (dmas.empty() || dmas.size() > 16) root.fail("dmas", "must list 1 to 16 DMAs");
  std::set<std::string> dma_names;
  for (std::size_t i = 0; i < dmas.size(); ++i) {
    m.dmas.push_back(read_dma(root.element("dmas", i)));
    if (!dma_names.insert(m.dmas.back().name).second) {
      root.element("dmas", i).fail("name", "duplicate DMA name");
    }
  }

  if (root.has("interrupt_controller")) {
    const Reader r = root.object("interrupt_controller");
    InterruptControllerInfo intc;
    intc.name = r.name("name");
    intc.base_address = r.address("base_address");
    intc.address_range = r.address("address_range");
    if (intc.address_range == 0) r.fail("address_range", "the register window must be non-empty");
    m.interrupt_controller = intc;
  }
  std::set<int> interrupt_inputs;
  for (std::size_t i = 0; i < m.dmas.size(); ++i) {
    for (const auto& [key, input] : {std::pair{"mm2s_interrupt", m.dmas[i].mm2s_interrupt},
                                     std::pair{"s2mm_interrupt", m.dmas[i].s2mm_interrupt}}) {
      if (!input) continue;
      if (!interrupt_inputs.insert(*input).second) root.element("dmas", i).fail(key, "another channel uses this interrupt input");
    }
  }

  const json& streams = root.array("streams");
  if (streams.empty() || streams.size() > 32) root.fail("streams", "must list 1 to 32 streams");
  std::set<std::string> names;
  std::set<std::pair<std::string, std::string>> channels;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const Reader r = root.element("streams", i);
    StreamInfo s = read_stream(r);
    if (!names.insert(s.name).second) r.fail("name", "duplicate stream name");
    const DmaInfo* dma = m.find_dma(s.dma);
    if (!dma) r.fail("dma", "names no DMA listed under /dmas");
    const bool mm2s = s.channel == "mm2s";
    if (!(mm2s ? dma->include_mm2s : dma->include_s2mm)) r.fail("channel", "the DMA does not include this channel");
    if ((mm2s ? dma->mm2s_bits : dma->s2mm_bits) != s.stream_bits) {
      r.fail("stream_bits", "differs from the DMA channel's width");
    }
    if (!channels.insert({s.dma, s.channel}).second) r.fail("channel", "another stream already uses this DMA channel");
    m.streams.push_back(std::move(s));
  }
  if (m.all_inputs().empty() || m.outputs().empty()) root.fail("streams", "needs at least one input and one output");

  m.frame_latency_cycles = static_cast<std::uint64_t>(root.integer("frame_latency_cycles", 0, std::int64_t{1} << 48));
  m.latency_is_estimate = root.boolean("latency_is_estimate");
  m.pl_kernel_abi = root.name("pl_kernel_abi");
  m.pl_kernel_abi_version = static_cast<int>(root.integer("pl_kernel_abi_version", 1, 1000));

  const Reader artifacts = root.object("artifacts");
  m.artifacts.bitstream = artifacts.string("bitstream");
  m.artifacts.hwh = artifacts.string("hwh");
  m.artifacts.sim_library = artifacts.string("sim_library");
  m.artifacts.hls_top = artifacts.string("hls_top");
  m.artifacts.block_design_tcl = artifacts.string("block_design_tcl");
  if (artifacts.has("partial_bitstream")) m.artifacts.partial_bitstream = artifacts.string("partial_bitstream");
  if (root.has("reconfigurable_region")) {
    m.reconfigurable_region = root.object("reconfigurable_region").name("name");
    if (m.artifacts.partial_bitstream.empty()) {
      artifacts.fail("partial_bitstream", "is required when a reconfigurable_region is declared");
    }
  }
  return m;
}

Manifest load_manifest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot open the manifest", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_manifest(text.str(), path.string());
}

std::vector<std::byte> load_constant_frame(const StreamInfo& stream, const std::filesystem::path& manifest_folder) {
  if (!stream.is_constant()) throw Error(ErrorCode::invalid_argument, "not a constant stream", "stream " + stream.name);
  const std::filesystem::path path = manifest_folder / stream.constant;
  const std::string where = "constant stream '" + stream.name + "': " + path.string();
  // The path has no "..", but a symbolic link on the way may still lead out of the folder.
  std::error_code ec;
  const auto real_folder = std::filesystem::canonical(manifest_folder.empty() ? "." : manifest_folder, ec);
  const auto real_file = std::filesystem::weakly_canonical(path, ec);
  const auto inside = real_file.lexically_relative(real_folder);
  if (ec || inside.empty() || *inside.begin() == "..") {
    throw Error(ErrorCode::invalid_argument,
                "the constant file is outside the manifest's folder (through a symbolic link): refused", where);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot open the constant file", where);
  const auto expected = static_cast<std::size_t>(stream.bytes);
  std::vector<std::byte> frame(expected);
  in.read(reinterpret_cast<char*>(frame.data()), static_cast<std::streamsize>(expected));
  const auto got = static_cast<std::size_t>(in.gcount());
  const bool longer = got == expected && in.peek() != std::char_traits<char>::eof();
  if (got != expected || longer) {
    throw Error(ErrorCode::invalid_argument,
                "the constant file holds " + (longer ? "more than " + std::to_string(expected) : std::to_string(got)) +
                    " bytes, the stream needs exactly " + std::to_string(expected) + " (one frame)",
                where);
  }
  return frame;
}

std::string to_json(const Manifest& m) {
  ordered_json doc;
  doc["schema_version"] = m.schema_version;
  doc["kernel"] = m.kernel;
  doc["board"] = m.board;
  doc["part"] = m.part;
  doc["board_part"] = m.board_part;
  doc["clock_mhz"] = m.clock_mhz;
  doc["requested_clock_mhz"] = m.requested_clock_mhz;
  ordered_json control;
  control["mode"] = m.control.mode;
  control["instance"] = m.control.instance;
  if (m.control.base_address) control["base_address"] = hex(*m.control.base_address);
  if (m.control.address_range) control["address_range"] = hex(*m.control.address_range);
  doc["control"] = control;
  ordered_json streams = ordered_json::array();
  for (const auto& s : m.streams) {
    ordered_json j;
    j["name"] = s.name;
    j["direction"] = s.direction;
    j["dtype"] = s.dtype;
    j["numpy_dtype"] = s.numpy_dtype;
    j["shape"] = s.shape;
    j["element_bits"] = s.element_bits;
    j["value_bits"] = s.value_bits;
    j["fraction_bits"] = s.fraction_bits;
    j["elements"] = s.elements;
    j["stream_bits"] = s.stream_bits;
    j["elements_per_word"] = s.elements_per_word;
    j["words"] = s.words;
    j["bytes"] = s.bytes;
    j["dma"] = s.dma;
    j["channel"] = s.channel;
    j["frame_latency_cycles"] = s.frame_latency_cycles;
    if (s.is_constant()) j["constant"] = s.constant;
    streams.push_back(j);
  }
  doc["streams"] = streams;
  ordered_json dmas = ordered_json::array();
  for (const auto& d : m.dmas) {
    ordered_json j;
    j["name"] = d.name;
    j["base_address"] = hex(d.base_address);
    j["address_range"] = hex(d.address_range);
    j["include_mm2s"] = d.include_mm2s;
    j["include_s2mm"] = d.include_s2mm;
    j["mm2s_bits"] = d.mm2s_bits;
    j["s2mm_bits"] = d.s2mm_bits;
    j["length_width"] = d.length_width;
    j["include_sg"] = d.include_sg;
    if (d.mm2s_interrupt) j["mm2s_interrupt"] = *d.mm2s_interrupt;
    if (d.s2mm_interrupt) j["s2mm_interrupt"] = *d.s2mm_interrupt;
    dmas.push_back(j);
  }
  doc["dmas"] = dmas;
  if (m.interrupt_controller) {
    doc["interrupt_controller"] = ordered_json{{"name", m.interrupt_controller->name},
                                               {"base_address", hex(m.interrupt_controller->base_address)},
                                               {"address_range", hex(m.interrupt_controller->address_range)}};
  }
  doc["frame_latency_cycles"] = m.frame_latency_cycles;
  doc["latency_is_estimate"] = m.latency_is_estimate;
  doc["pl_kernel_abi"] = m.pl_kernel_abi;
  doc["pl_kernel_abi_version"] = m.pl_kernel_abi_version;
  ordered_json artifacts;
  artifacts["bitstream"] = m.artifacts.bitstream;
  artifacts["hwh"] = m.artifacts.hwh;
  artifacts["sim_library"] = m.artifacts.sim_library;
  artifacts["hls_top"] = m.artifacts.hls_top;
  artifacts["block_design_tcl"] = m.artifacts.block_design_tcl;
  if (!m.artifacts.partial_bitstream.empty()) artifacts["partial_bitstream"] = m.artifacts.partial_bitstream;
  doc["artifacts"] = artifacts;
  if (!m.reconfigurable_region.empty()) doc["reconfigurable_region"] = ordered_json{{"name", m.reconfigurable_region}};
  return doc.dump(2) + "\n";
}

}  // namespace zynqnn::manifest
