#include "zynqnn/tclcheck/tcl_check.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tclcheck/kernel_export.hpp"
#include "tclcheck/subprocess.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::tclcheck {

extern const char* const vivado_model_tcl;

namespace {

using nlohmann::json;

std::optional<std::uint64_t> parse_size(std::string text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t scale = 1;
  const char unit = text.back();
  if (unit == 'K' || unit == 'k') scale = 1ull << 10;
  if (unit == 'M' || unit == 'm') scale = 1ull << 20;
  if (unit == 'G' || unit == 'g') scale = 1ull << 30;
  if (scale != 1) text.pop_back();
  try {
    std::size_t used = 0;
    const std::uint64_t value = std::stoull(text, &used, 0);
    if (used != text.size()) return std::nullopt;
    return value * scale;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string field(const json& record, const char* key) {
  auto it = record.find(key);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::vector<std::string> strings(const json& record, const char* key) {
  std::vector<std::string> out;
  if (auto it = record.find(key); it != record.end() && it->is_array()) {
    for (const auto& item : *it) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A temporary file holding the model, removed when done.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/zynqnn-vivado-model-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = mkstemp(name.data());
    if (fd < 0) throw Error(ErrorCode::io, "cannot create a temporary file", pattern);
    path_ = name.data();
    const ssize_t written = write(fd, text.data(), text.size());
    close(fd);
    if (written != static_cast<ssize_t>(text.size())) throw Error(ErrorCode::io, "cannot write a temporary file", path_);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

bool Report::passed() const {
  for (const auto& f : findings) {
    if (f.severity == "error") return false;
  }
  return true;
}

BlockDesign parse_recording(const std::string& json_lines) {
  BlockDesign design;
  std::istringstream lines(json_lines);
  std::string line;
  std::size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty()) continue;
    json record;
    try {
      record = json::parse(line);
    } catch (const json::exception& error) {
      throw Error(ErrorCode::parse, std::string("model output is not JSON: ") + error.what(),
                  "tcl-check model output line " + std::to_string(number));
    }
    const std::string kind = field(record, "kind");
    if (kind == "project") {
      design.project = field(record, "name");
      design.part = field(record, "part");
    } else if (kind == "cell") {
      Cell cell{field(record, "name"), field(record, "vlnv"), field(record, "type"), {}};
      design.cells[cell.name] = cell;
    } else if (kind == "property") {
      const std::string object = field(record, "object");
      const std::string key = field(record, "key");
      if (object.rfind("project:", 0) == 0 && lower(key) == "board_part") {
        design.board_part = field(record, "value");
      } else if (key.rfind("CONFIG.", 0) == 0) {
        auto it = design.cells.find(object);
        if (it != design.cells.end()) it->second.config[key.substr(7)] = field(record, "value");
      }
    } else if (kind == "intf_net") {
      design.intf_nets.emplace_back(field(record, "a"), field(record, "b"));
    } else if (kind == "net") {
      design.nets.push_back(strings(record, "pins"));
    } else if (kind == "address") {
      AddressAssignment a;
      a.space = field(record, "space");
      a.segment = field(record, "segment");
      a.offset = parse_size(field(record, "offset"));
      a.range = parse_size(field(record, "range"));
      design.addresses.push_back(a);
    } else if (kind == "automation") {
      design.automations.emplace_back(field(record, "rule"), field(record, "config"));
    } else if (kind == "step") {
      design.steps.push_back(field(record, "name"));
    } else if (kind == "launch_runs") {
      design.launch_steps.push_back(field(record, "to_step"));
    } else if (kind == "unknown") {
      design.unknown_commands.push_back(field(record, "name"));
    } else if (kind == "missing_object") {
      design.missing_objects.push_back(field(record, "kind") + " " + field(record, "name"));
    } else if (kind == "file" && field(record, "operation") == "copy") {
      std::vector<std::string> arguments;
      for (const auto& a : strings(record, "arguments")) {
        if (a != "-force" && a != "--") arguments.push_back(a);
      }
      for (std::size_t i = 0; i + 1 < arguments.size(); ++i) design.file_copies.emplace_back(arguments[i], arguments.back());
    } else if (kind == "message") {
      design.error_messages.push_back(field(record, "id") + ": " + field(record, "text"));
    } else if (kind == "script_error") {
      design.script_error = field(record, "message");
    } else if (kind == "returned") {
      design.returned = field(record, "value");
    }
  }
  return design;
}

BlockDesign record_block_design(const Options& options) {
  if (!std::filesystem::is_regular_file(options.script)) {
    throw Error(ErrorCode::not_found, "no such script", options.script.string());
  }
  TempFile model(vivado_model_tcl);
  const ProcessResult result = run_process({options.tclsh, model.path(), options.script.string()}, options.timeout);
  if (result.timed_out) {
    throw Error(ErrorCode::timeout,
                "the script did not finish within " + std::to_string(options.timeout.count()) + " ms under the model",
                options.script.string());
  }
  if (result.exit_code != 0) {
    throw Error(ErrorCode::internal, "the Vivado model failed (exit " + std::to_string(result.exit_code) + "): " + result.errors,
                options.script.string());
  }
  return parse_recording(result.output);
}

bool names_zynqnn_as_generator(const std::filesystem::path& script) {
  std::ifstream in(script);
  std::string line;
  for (int i = 0; i < 5 && std::getline(in, line); ++i) {
    if (line.rfind("#", 0) == 0 && line.find("generated by `zynqnn") != std::string::npos) return true;
  }
  return false;
}

Report run_tcl_check(const Options& options) {
  // Absolute first: a bare file name's parent_path() is empty, and the manifest is beside
  // the script's folder.
  const auto script = std::filesystem::absolute(options.script);
  const auto expected = options.manifest ? std::filesystem::absolute(*options.manifest)
                                         : script.parent_path().parent_path() / "manifest.json";
  CheckContext context;
  context.generated = names_zynqnn_as_generator(script);
  std::optional<manifest::Manifest> m;
  Report report;
  if (options.manifest || std::filesystem::is_regular_file(expected)) {
    m = manifest::load_manifest(expected);
    report.manifest = expected;
    context.manifest = &*m;
    context.manifest_dir = expected.parent_path();
    context.kernel_vlnv = exported_kernel_vlnv(context.manifest_dir / "hls" / "run_hls.tcl");
  }
  Options resolved = options;
  resolved.script = script;
  report.design = record_block_design(resolved);
  report.findings = check_block_design(report.design, context);
  if (!m && context.generated) {
    report.findings.push_back({"error", "manifest",
                               "the script names zynqnn as its generator but its manifest " + expected.string() +
                                   " is missing: the kernel-side checks could not run (give it with --manifest)"});
  } else if (!m) {
    report.findings.push_back({"warning", "manifest",
                               "no manifest: kernel stream widths and recorded addresses were not compared"});
  }
  return report;
}

std::string to_json(const Report& report) {
  json findings = json::array();
  for (const auto& f : report.findings) {
    findings.push_back({{"severity", f.severity}, {"check", f.check}, {"message", f.message}});
  }
  std::size_t errors = 0, warnings = 0;
  for (const auto& f : report.findings) (f.severity == "error" ? errors : warnings)++;
  json cells = json::object();
  for (const auto& [name, cell] : report.design.cells) cells[name] = cell.vlnv;
  json out{{"passed", report.passed()},
           {"errors", errors},
           {"warnings", warnings},
           {"findings", findings},
           {"summary",
            {{"project", report.design.project},
             {"part", report.design.part},
             {"board_part", report.design.board_part},
             {"manifest", report.manifest ? report.manifest->string() : std::string{}},
             {"cells", cells},
             {"interface_nets", report.design.intf_nets.size()},
             {"nets", report.design.nets.size()},
             {"address_assignments", report.design.addresses.size()}}},
           {"scope",
            "structural check of the block design the script describes; it does not prove that Vivado "
            "accepts the script"}};
  return out.dump();
}

}  // namespace zynqnn::tclcheck
