#include "zynqnn/spec/kernel_spec.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "zynqnn/core/error.hpp"
#include "zynqnn/spec/identifier.hpp"
#include "zynqnn/spec/name_rules.hpp"

namespace zynqnn::spec {
namespace {

using nlohmann::json;

constexpr double kMinClockMhz = 10.0;   // FCLK dividers reach lower, HLS timing does not care
constexpr double kMaxClockMhz = 250.0;  // beyond what the XC7Z020-1 fabric closes

// Builds "origin:/a/b" locations for errors.
class Location {
 public:
  explicit Location(std::string origin) : origin_(std::move(origin)) {}
  std::string at(const std::string& pointer) const { return origin_ + ":" + pointer; }

 private:
  std::string origin_;
};

[[noreturn]] void fail(ErrorCode code, const std::string& message, const std::string& where) {
  throw Error(code, message, where);
}

void reject_unknown_fields(const json& object, std::initializer_list<std::string_view> known,
                           const Location& loc, const std::string& pointer) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      // The key itself is not echoed: it may hold anything; its position is enough.
      std::string expected;
      for (auto k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      fail(ErrorCode::invalid_argument, "unknown field (expected one of: " + expected + ")",
           loc.at(pointer + "/" + (item.key().size() <= 32 && identifier_problem(item.key()) == std::nullopt
                                       ? item.key()
                                       : std::string("<unprintable key>"))));
    }
  }
}

const json& require_field(const json& object, const char* key, const Location& loc, const std::string& pointer) {
  auto it = object.find(key);
  if (it == object.end()) fail(ErrorCode::invalid_argument, "required field is missing", loc.at(pointer + "/" + key));
  return *it;
}

std::string require_string(const json& value, const Location& loc, const std::string& pointer) {
  if (!value.is_string()) fail(ErrorCode::invalid_argument, "must be a string", loc.at(pointer));
  return value.get<std::string>();
}

std::vector<std::int64_t> parse_shape(const json& value, const Location& loc, const std::string& pointer) {
  std::vector<std::int64_t> shape;
  auto dimension = [&](const json& item, const std::string& where) {
    if (!item.is_number_integer()) fail(ErrorCode::invalid_argument, "shape dimensions must be integers", loc.at(where));
    if (item.is_number_unsigned() ? item.get<std::uint64_t>() == 0 : item.get<std::int64_t>() <= 0) {
      fail(ErrorCode::invalid_argument, "shape dimensions must be positive", loc.at(where));
    }
    if (item.is_number_unsigned() && item.get<std::uint64_t>() > static_cast<std::uint64_t>(dma_max_transfer_bytes)) {
      fail(ErrorCode::invalid_argument, "shape dimension is larger than a DMA transfer can carry", loc.at(where));
    }
    shape.push_back(item.get<std::int64_t>());
  };
  if (value.is_number()) {
    dimension(value, pointer);
  } else if (value.is_array()) {
    if (value.empty()) fail(ErrorCode::invalid_argument, "shape is empty", loc.at(pointer));
    if (value.size() > 8) fail(ErrorCode::invalid_argument, "shape has more than 8 dimensions", loc.at(pointer));
    for (std::size_t i = 0; i < value.size(); ++i) dimension(value[i], pointer + "/" + std::to_string(i));
  } else {
    fail(ErrorCode::invalid_argument, "shape must be a positive integer or an array of them", loc.at(pointer));
  }
  // The product must fit one DMA transfer; check it without overflowing.
  std::int64_t product = 1;
  for (auto d : shape) {
    if (product > dma_max_transfer_bytes / d) {
      fail(ErrorCode::invalid_argument, "number of elements is larger than a DMA transfer can carry", loc.at(pointer));
    }
    product *= d;
  }
  return shape;
}

StreamSpec parse_stream(const json& value, const Location& loc, const std::string& pointer) {
  if (!value.is_object()) fail(ErrorCode::invalid_argument, "a stream must be an object", loc.at(pointer));
  reject_unknown_fields(value, {"name", "direction", "type", "shape", "stream_width", "constant"}, loc, pointer);
  StreamSpec stream;
  stream.name = require_string(require_field(value, "name", loc, pointer), loc, pointer + "/name");

  const std::string direction = require_string(require_field(value, "direction", loc, pointer), loc, pointer + "/direction");
  if (direction == "in") {
    stream.direction = Direction::in;
  } else if (direction == "out") {
    stream.direction = Direction::out;
  } else {
    fail(ErrorCode::invalid_argument, "direction must be \"in\" or \"out\"", loc.at(pointer + "/direction"));
  }

  const std::string type = require_string(require_field(value, "type", loc, pointer), loc, pointer + "/type");
  auto element = parse_element_type(type);
  if (!element) {
    fail(ErrorCode::invalid_argument,
         "unknown element type (expected int8, uint8, int16, uint16, int32, uint32, float32 or "
         "fixed<W,I> with 1 <= W <= 64, 0 <= I <= W)",
         loc.at(pointer + "/type"));
  }
  stream.type = *element;
  stream.shape = parse_shape(require_field(value, "shape", loc, pointer), loc, pointer + "/shape");

  if (auto it = value.find("stream_width"); it != value.end()) {
    if (!it->is_number_integer() || (it->get<std::int64_t>() != 32 && it->get<std::int64_t>() != 64)) {
      fail(ErrorCode::invalid_argument, "stream_width must be 32 or 64 (bits)", loc.at(pointer + "/stream_width"));
    }
    stream.stream_bits = it->get<int>();
  }
  if (stream.type.slot_bits() > stream.stream_bits) {
    fail(ErrorCode::invalid_argument,
         "element type " + stream.type.name() + " (" + std::to_string(stream.type.slot_bits()) +
             " bits) is wider than the " + std::to_string(stream.stream_bits) + "-bit DMA word",
         loc.at(pointer + "/type"));
  }
  if (auto it = value.find("constant"); it != value.end()) {
    // The path is kept as a path only: the generator copies the file to
    // constants/<stream>.bin, so nothing of it reaches generated code.
    const std::string file = require_string(*it, loc, pointer + "/constant");
    if (file.empty() || file.find('\0') != std::string::npos) {
      fail(ErrorCode::invalid_argument, "constant must be a file path", loc.at(pointer + "/constant"));
    }
    if (stream.direction != Direction::in) {
      fail(ErrorCode::invalid_argument, "only an input stream can be constant", loc.at(pointer + "/constant"));
    }
    stream.constant_file = file;
  }
  return stream;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view to_string(Direction direction) { return direction == Direction::in ? "in" : "out"; }
std::string_view to_string(Control control) { return control == Control::none ? "none" : "axilite"; }

std::optional<BoardInfo> find_board(std::string_view name) {
  if (name == "pynq-z1") return BoardInfo{"pynq-z1", "xc7z020clg400-1", "www.digilentinc.com:pynq-z1:part0:1.0"};
  if (name == "pynq-z2") return BoardInfo{"pynq-z2", "xc7z020clg400-1", "tul.com.tw:pynq-z2:part0:1.0"};
  return std::nullopt;
}

std::int64_t StreamSpec::elements() const {
  std::int64_t product = 1;
  for (auto d : shape) product *= d;
  return product;
}

std::int64_t StreamSpec::words() const {
  const std::int64_t per_word = elements_per_word();
  return (elements() + per_word - 1) / per_word;
}

std::vector<const StreamSpec*> KernelSpec::inputs() const {
  std::vector<const StreamSpec*> result;
  for (const auto& s : streams) {
    if (s.direction == Direction::in) result.push_back(&s);
  }
  return result;
}

std::vector<const StreamSpec*> KernelSpec::outputs() const {
  std::vector<const StreamSpec*> result;
  for (const auto& s : streams) {
    if (s.direction == Direction::out) result.push_back(&s);
  }
  return result;
}

KernelSpec parse_kernel_spec(std::string_view json_text, std::string_view origin) {
  const Location loc{std::string(origin)};
  json document;
  try {
    document = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& error) {
    fail(ErrorCode::parse, std::string("malformed JSON: ") + error.what(), std::string(origin));
  }
  if (!document.is_object()) fail(ErrorCode::invalid_argument, "the spec must be a JSON object", loc.at(""));
  reject_unknown_fields(document, {"kernel", "board", "clock_mhz", "control", "streams", "compute"}, loc, "");

  KernelSpec spec;
  spec.kernel = require_string(require_field(document, "kernel", loc, ""), loc, "/kernel");

  const std::string board = require_string(require_field(document, "board", loc, ""), loc, "/board");
  auto info = find_board(board);
  if (!info) fail(ErrorCode::unsupported, "unknown board (supported: pynq-z1, pynq-z2)", loc.at("/board"));
  spec.board = *info;

  if (auto it = document.find("clock_mhz"); it != document.end()) {
    if (!it->is_number()) fail(ErrorCode::invalid_argument, "clock_mhz must be a number", loc.at("/clock_mhz"));
    spec.clock_mhz = it->get<double>();
    if (!(spec.clock_mhz >= kMinClockMhz && spec.clock_mhz <= kMaxClockMhz)) {
      fail(ErrorCode::invalid_argument, "clock_mhz must be between 10 and 250", loc.at("/clock_mhz"));
    }
  }

  if (auto it = document.find("control"); it != document.end()) {
    const std::string control = require_string(*it, loc, "/control");
    if (control == "none") {
      spec.control = Control::none;
    } else if (control == "axilite") {
      spec.control = Control::axilite;
    } else {
      fail(ErrorCode::invalid_argument, "control must be \"none\" or \"axilite\"", loc.at("/control"));
    }
  }

  const json& streams = require_field(document, "streams", loc, "");
  if (!streams.is_array() || streams.empty()) {
    fail(ErrorCode::invalid_argument, "streams must be a non-empty array", loc.at("/streams"));
  }
  for (std::size_t i = 0; i < streams.size(); ++i) {
    spec.streams.push_back(parse_stream(streams[i], loc, "/streams/" + std::to_string(i)));
  }
  // The names and frame sizes by the rules the ONNX compiler follows too.
  check_interface(spec, {loc.at("/kernel"), [&loc](std::size_t i) { return loc.at("/streams/" + std::to_string(i) + "/name"); }});
  std::set<std::string> seen{lower(spec.kernel)};
  for (const auto& stream : spec.streams) seen.insert(lower(stream.name));
  const auto inputs = spec.inputs();
  const auto outputs = spec.outputs();
  if (inputs.empty()) fail(ErrorCode::invalid_argument, "at least one input stream is required", loc.at("/streams"));
  if (outputs.empty()) fail(ErrorCode::invalid_argument, "at least one output stream is required", loc.at("/streams"));
  if (inputs.size() > max_streams_per_direction || outputs.size() > max_streams_per_direction) {
    fail(ErrorCode::unsupported, "at most 8 input and 8 output streams are supported", loc.at("/streams"));
  }

  if (auto it = document.find("compute"); it != document.end()) {
    if (!it->is_object()) fail(ErrorCode::invalid_argument, "compute must be an object", loc.at("/compute"));
    reject_unknown_fields(*it, {"source", "function"}, loc, "/compute");
    ComputeSpec compute;
    const std::string source = require_string(require_field(*it, "source", loc, "/compute"), loc, "/compute/source");
    if (source.empty() || source.find('\0') != std::string::npos) {
      fail(ErrorCode::invalid_argument, "source must be a file path", loc.at("/compute/source"));
    }
    compute.source = source;
    compute.function = require_string(require_field(*it, "function", loc, "/compute"), loc, "/compute/function");
    require_identifier(compute.function, loc.at("/compute/function"));
    if (seen.count(lower(compute.function)) != 0) {
      fail(ErrorCode::invalid_argument, "the compute function's name is also a kernel or stream name",
           loc.at("/compute/function"));
    }
    spec.compute = std::move(compute);
  } else {
    // Pass-through: output k copies input k, so they must pair up exactly.
    if (inputs.size() != outputs.size()) {
      fail(ErrorCode::invalid_argument,
           "without a compute function the kernel is a pass-through, which needs as many outputs as inputs",
           loc.at("/streams"));
    }
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      const auto index = static_cast<std::size_t>(outputs[k] - spec.streams.data());
      if (inputs[k]->type != outputs[k]->type || inputs[k]->elements() != outputs[k]->elements()) {
        fail(ErrorCode::invalid_argument,
             "pass-through output " + std::to_string(k) + " must have the type and element count of input " +
                 std::to_string(k) + " (" + inputs[k]->type.name() + ", " + std::to_string(inputs[k]->elements()) +
                 " elements)",
             loc.at("/streams/" + std::to_string(index)));
      }
    }
  }
  return spec;
}

namespace {

// The source without comments and string/char literals (replaced by spaces), so that a
// declaration inside a comment or string is not mistaken for the real one.
std::string strip_comments_and_literals(std::string_view text) {
  std::string out(text);
  enum class State { code, line_comment, block_comment, string, character } state = State::code;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    const char next = i + 1 < out.size() ? out[i + 1] : '\0';
    switch (state) {
      case State::code:
        if (c == '/' && next == '/') { state = State::line_comment; out[i] = ' '; }
        else if (c == '/' && next == '*') { state = State::block_comment; out[i] = ' '; out[++i] = ' '; }
        else if (c == '"') { state = State::string; }
        else if (c == '\'') { state = State::character; }
        break;
      case State::line_comment:
        if (c == '\n') state = State::code; else out[i] = ' ';
        break;
      case State::block_comment:
        if (c == '*' && next == '/') { state = State::code; out[i] = ' '; out[++i] = ' '; }
        else if (c != '\n') out[i] = ' ';
        break;
      case State::string:
      case State::character:
        if (c == '\\' && i + 1 < out.size()) { out[i] = ' '; out[++i] = ' '; }
        else if ((state == State::string && c == '"') || (state == State::character && c == '\'')) state = State::code;
        else if (c != '\n') out[i] = ' ';
        break;
    }
  }
  return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string trim(std::string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

// Splits "a<b,c>, d" at commas outside <>, () and [].
std::vector<std::string> split_parameters(std::string_view list) {
  std::vector<std::string> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (c == '<' || c == '(' || c == '[') ++depth;
    if (c == '>' || c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(list.substr(start, i - start)));
      start = i + 1;
    }
  }
  std::string last = trim(list.substr(start));
  if (!last.empty() || !parts.empty()) parts.push_back(last);
  return parts;
}

// For "hls::stream<T>& name" (optionally "hls::stream<T> &name", no name, or a leading
// "::"), the spelling of T; nullopt for anything else.
std::optional<std::string> stream_element_type(const std::string& parameter) {
  std::string p = parameter;
  if (p.rfind("::", 0) == 0) p.erase(0, 2);
  constexpr std::string_view head = "hls::stream";
  if (p.rfind(head, 0) != 0) return std::nullopt;
  std::size_t i = head.size();
  while (i < p.size() && std::isspace(static_cast<unsigned char>(p[i]))) ++i;
  if (i >= p.size() || p[i] != '<') return std::nullopt;
  const std::size_t open = i;
  int depth = 0;
  std::size_t close = std::string::npos;
  for (std::size_t j = open; j < p.size(); ++j) {
    if (p[j] == '<') ++depth;
    if (p[j] == '>' && --depth == 0) { close = j; break; }
  }
  if (close == std::string::npos) return std::nullopt;
  std::string rest = trim(std::string_view(p).substr(close + 1));
  if (rest.empty() || rest[0] != '&') return std::nullopt;  // must be a reference
  rest = trim(std::string_view(rest).substr(1));
  for (char c : rest) {
    if (!is_word_char(c)) return std::nullopt;
  }
  return trim(std::string_view(p).substr(open + 1, close - open - 1));
}

}  // namespace

void check_compute_signature(KernelSpec& spec, std::string_view source_text, std::string_view origin) {
  if (!spec.compute) return;
  auto& compute = *spec.compute;
  const std::string where = std::string(origin) + ": function " + compute.function;
  const std::string code = strip_comments_and_literals(source_text);

  // Every `void NAME (` occurrence with word boundaries is a declaration or definition.
  std::vector<std::string> declarations;
  for (std::size_t at = code.find(compute.function); at != std::string::npos;
       at = code.find(compute.function, at + 1)) {
    if (at > 0 && is_word_char(code[at - 1])) continue;
    const std::size_t after = at + compute.function.size();
    if (after < code.size() && is_word_char(code[after])) continue;
    std::size_t open = after;
    while (open < code.size() && std::isspace(static_cast<unsigned char>(code[open]))) ++open;
    if (open >= code.size() || code[open] != '(') continue;
    std::size_t before = at;
    while (before > 0 && std::isspace(static_cast<unsigned char>(code[before - 1]))) --before;
    if (before < 4 || code.compare(before - 4, 4, "void") != 0 || (before > 4 && is_word_char(code[before - 5]))) {
      continue;  // a call, not a declaration
    }
    int depth = 0;
    std::size_t close = std::string::npos;
    for (std::size_t j = open; j < code.size(); ++j) {
      if (code[j] == '(') ++depth;
      if (code[j] == ')' && --depth == 0) { close = j; break; }
    }
    if (close == std::string::npos) fail(ErrorCode::parse, "unbalanced parentheses in the declaration", where);
    declarations.push_back(code.substr(open + 1, close - open - 1));
  }
  if (declarations.empty()) {
    fail(ErrorCode::not_found, "no declaration `void " + compute.function + "(...)` found in the compute source", where);
  }

  std::vector<const StreamSpec*> ordered;
  for (const auto& s : spec.streams) ordered.push_back(&s);
  std::vector<std::string> recorded;
  for (const auto& declaration : declarations) {
    const auto parameters = split_parameters(declaration);
    if (parameters.size() != ordered.size()) {
      fail(ErrorCode::invalid_argument,
           "declares " + std::to_string(parameters.size()) + " parameters, the spec has " +
               std::to_string(ordered.size()) + " streams (one hls::stream<T>& per stream, in spec order)",
           where);
    }
    std::vector<std::string> types;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      const std::string param_where = where + ", parameter " + std::to_string(i + 1) + " (stream " +
                                      ordered[i]->name + ")";
      auto element = stream_element_type(parameters[i]);
      if (!element) fail(ErrorCode::invalid_argument, "is not of the form hls::stream<T>& name", param_where);
      const std::string normalized = normalize_cpp_type(*element);
      std::string match;
      for (const auto& spelling : ordered[i]->type.accepted_hls_spellings()) {
        if (normalize_cpp_type(spelling) == normalized) match = spelling;
      }
      if (match.empty()) {
        std::string accepted;
        for (const auto& s : ordered[i]->type.accepted_hls_spellings()) accepted += (accepted.empty() ? "" : ", ") + s;
        fail(ErrorCode::invalid_argument,
             "element type does not match the stream's " + ordered[i]->type.name() + " (accepted: " + accepted + ")",
             param_where);
      }
      types.push_back(match);
    }
    if (!recorded.empty() && recorded != types) {
      fail(ErrorCode::invalid_argument, "declarations of the function disagree on parameter types", where);
    }
    recorded = types;
  }
  compute.parameter_types = recorded;
}

KernelSpec load_kernel_spec(const std::filesystem::path& path) {
  auto read = [](const std::filesystem::path& file, const std::string& what) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(ErrorCode::io, "cannot open " + what, file.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  KernelSpec spec = parse_kernel_spec(read(path, "the kernel spec"), path.string());
  if (spec.compute) {
    if (spec.compute->source.is_relative()) spec.compute->source = path.parent_path() / spec.compute->source;
    const std::string source = read(spec.compute->source, "the compute source (" + path.string() + ":/compute/source)");
    check_compute_signature(spec, source, spec.compute->source.string());
  }
  for (auto& stream : spec.streams) {
    if (stream.is_constant() && stream.constant_file.is_relative()) {
      stream.constant_file = path.parent_path() / stream.constant_file;
    }
  }
  return spec;
}

}  // namespace zynqnn::spec
