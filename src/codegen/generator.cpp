#include "zynqnn/codegen/generator.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "codegen/block_design_check.hpp"
#include "codegen/quoting.hpp"
#include "codegen/render.hpp"
#include "zynqnn/codegen/output_folder.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/spec/board_ps7.hpp"
#include "zynqnn/spec/name_rules.hpp"

namespace zynqnn::codegen {
namespace {

using kainjow::mustache::data;
using spec::Direction;
using spec::ElementKind;

// Cycles a dataflow stage needs before its first output (pipeline fill), per stage: an
// estimate for the unpack → compute → pack chain at II=1.
constexpr std::uint64_t kStageFillCycles = 8;
constexpr std::uint64_t kStages = 3;

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << std::setw(8) << std::setfill('0') << value;
  return out.str();
}

std::string number(double value) {
  std::ostringstream out;
  out << std::setprecision(12) << value;
  return out.str();
}

struct Layout {
  // DMA index and port index (position among inputs or among outputs) of each stream.
  std::vector<std::size_t> dma_of_stream;
  std::vector<std::size_t> port_of_stream;
  std::size_t dma_count = 0;
};

Layout layout_of(const spec::KernelSpec& spec) {
  Layout layout;
  std::size_t inputs = 0, outputs = 0;
  for (const auto& s : spec.streams) {
    const std::size_t port = s.direction == Direction::in ? inputs++ : outputs++;
    layout.port_of_stream.push_back(port);
    layout.dma_of_stream.push_back(port);
  }
  layout.dma_count = std::max(inputs, outputs);
  return layout;
}

std::string dma_name(std::size_t index) { return "axi_dma_" + std::to_string(index); }

constexpr const char* kInterruptController = "axi_intc_0";

spec::FclkChoice fclk_of(const spec::KernelSpec& spec) { return spec::board_fclk(spec.board, spec.clock_mhz); }

// Where a constant stream's frame lives in the output folder (the manifest's "constant").
std::string constant_path(const spec::StreamSpec& s) { return "constants/" + s.name + ".bin"; }

std::uint64_t stream_latency(const spec::StreamSpec& s) {
  return static_cast<std::uint64_t>(s.elements()) + kStageFillCycles * kStages;
}

}  // namespace

manifest::Manifest build_manifest(const spec::KernelSpec& spec) {
  const Layout layout = layout_of(spec);
  manifest::Manifest m;
  m.kernel = spec.kernel;
  m.board = spec.board.name;
  m.part = spec.board.part;
  m.board_part = spec.board.board_part;
  m.clock_mhz = fclk_of(spec).actual_mhz;
  m.requested_clock_mhz = spec.clock_mhz;
  m.control.mode = std::string(spec::to_string(spec.control));
  m.control.instance = spec.kernel + "_0";
  if (spec.control == spec::Control::axilite) {
    m.control.base_address = kernel_control_base_address;
    m.control.address_range = register_window;
  }
  for (std::size_t k = 0; k < layout.dma_count; ++k) {
    manifest::DmaInfo dma;
    dma.name = dma_name(k);
    dma.base_address = dma_base_address + k * dma_address_stride;
    dma.address_range = register_window;
    dma.length_width = spec::dma_length_width;
    m.dmas.push_back(dma);
  }
  for (std::size_t i = 0; i < spec.streams.size(); ++i) {
    const auto& s = spec.streams[i];
    auto& dma = m.dmas[layout.dma_of_stream[i]];
    const bool in = s.direction == Direction::in;
    (in ? dma.include_mm2s : dma.include_s2mm) = true;
    (in ? dma.mm2s_bits : dma.s2mm_bits) = s.stream_bits;
    manifest::StreamInfo info;
    info.name = s.name;
    info.direction = std::string(spec::to_string(s.direction));
    info.dtype = s.type.name();
    info.numpy_dtype = s.type.numpy_dtype();
    info.shape = s.shape;
    info.element_bits = s.type.slot_bits();
    info.value_bits = s.type.value_bits;
    info.fraction_bits = s.type.fraction_bits();
    info.elements = s.elements();
    info.stream_bits = s.stream_bits;
    info.elements_per_word = s.elements_per_word();
    info.words = s.words();
    info.bytes = s.bytes();
    info.dma = dma.name;
    info.channel = in ? "mm2s" : "s2mm";
    info.frame_latency_cycles = stream_latency(s);
    if (s.is_constant()) info.constant = constant_path(s);
    m.frame_latency_cycles = std::max(m.frame_latency_cycles, info.frame_latency_cycles);
    m.streams.push_back(info);
  }
  if (spec.frame_latency_cycles) {
    m.frame_latency_cycles = *spec.frame_latency_cycles;
    for (auto& stream : m.streams) stream.frame_latency_cycles = *spec.frame_latency_cycles;
  }
  // Interrupt controller inputs, in the order the block design concatenates the DMA
  // interrupts in front of it.
  m.interrupt_controller = manifest::InterruptControllerInfo{kInterruptController, interrupt_controller_base_address,
                                                             register_window};
  int irq = 0;
  for (auto& dma : m.dmas) {
    if (dma.include_mm2s) dma.mm2s_interrupt = irq++;
    if (dma.include_s2mm) dma.s2mm_interrupt = irq++;
  }
  m.latency_is_estimate = true;
  m.artifacts.bitstream = "vivado/" + spec.kernel + ".bit";
  m.artifacts.hwh = "vivado/" + spec.kernel + ".hwh";
  m.artifacts.sim_library = "sim/libkernel.so";
  m.artifacts.hls_top = "hls/" + spec.kernel + "_top.cpp";
  m.artifacts.block_design_tcl = "vivado/build_bd.tcl";
  return m;
}

namespace {

data stream_data(const spec::KernelSpec& spec, const Layout& layout, std::size_t i) {
  const auto& s = spec.streams[i];
  const bool in = s.direction == Direction::in;
  data d;
  d.set("name", s.name);
  d.set("index", std::to_string(i));
  d.set("port_index", std::to_string(layout.port_of_stream[i]));
  d.set("dma", dma_name(layout.dma_of_stream[i]));
  d.set("is_input", in);
  d.set("is_output", !in);
  d.set("is_constant", s.is_constant());
  d.set("is_user_input", in && !s.is_constant());
  d.set("dtype", s.type.name());
  d.set("numpy_dtype", s.type.numpy_dtype());
  const std::string elem = spec.compute && !spec.compute->parameter_types.empty() ? spec.compute->parameter_types[i]
                                                                                 : s.type.hls_type();
  d.set("elem", elem);
  d.set("hls_type", s.type.hls_type());
  d.set("is_signed_int", s.type.kind == ElementKind::signed_int);
  d.set("is_unsigned_int", s.type.kind == ElementKind::unsigned_int);
  d.set("is_float", s.type.kind == ElementKind::float32);
  d.set("is_fixed", s.type.kind == ElementKind::fixed);
  d.set("value_bits", std::to_string(s.type.value_bits));
  d.set("value_msb", std::to_string(s.type.value_bits - 1));
  d.set("fraction_bits", std::to_string(s.type.fraction_bits()));
  d.set("slot_bits", std::to_string(s.type.slot_bits()));
  d.set("stream_bits", std::to_string(s.stream_bits));
  d.set("elements", std::to_string(s.elements()));
  d.set("elements_per_word", std::to_string(s.elements_per_word()));
  d.set("last_slot", std::to_string(s.elements_per_word() - 1));
  d.set("words", std::to_string(s.words()));
  d.set("bytes", std::to_string(s.bytes()));
  std::string shape, shape_tuple;
  for (std::size_t k = 0; k < s.shape.size(); ++k) {
    shape += (k ? ", " : "") + std::to_string(s.shape[k]);
  }
  shape_tuple = "(" + shape + (s.shape.size() == 1 ? ",)" : ")");
  d.set("shape", shape);
  d.set("shape_tuple", shape_tuple);
  d.set("sep", std::string(i + 1 < spec.streams.size() ? ", " : ""));
  return d;
}

data template_data(const spec::KernelSpec& spec, const manifest::Manifest& m, const GenerateOptions& options) {
  const Layout layout = layout_of(spec);
  data root;
  root.set("kernel", spec.kernel);
  root.set("command", options.command);
  root.set("instance", m.control.instance);
  root.set("board", spec.board.name);
  root.set("part", spec.board.part);
  root.set("board_part", spec.board.board_part);
  const spec::FclkChoice fclk = fclk_of(spec);
  root.set("clock_mhz", number(fclk.actual_mhz));
  root.set("clock_period_ns", number(1000.0 / fclk.actual_mhz));
  root.set("clock_note", fclk.actual_mhz == spec.clock_mhz
                             ? std::string("as requested")
                             : "requested " + number(spec.clock_mhz) + " MHz, the nearest the FCLK dividers reach at or below");
  root.set("fclk_divisor0", std::to_string(fclk.divisor0));
  root.set("fclk_divisor1", std::to_string(fclk.divisor1));
  const spec::Ps7Board& ps7 = spec::ps7_board(spec.board);
  root.set("io_pll_mhz", number(ps7.io_pll_mhz));
  data ps7_settings{data::type::list};
  for (const auto& setting : ps7.settings) {
    data d;
    d.set("name", std::string(setting.name));
    d.set("value", std::string(setting.value));
    ps7_settings.push_back(d);
  }
  root.set("ps7_settings", ps7_settings);
  root.set("ctrl_none", spec.control == spec::Control::none);
  root.set("ctrl_axilite", spec.control == spec::Control::axilite);
  root.set("has_compute", spec.compute.has_value());
  bool has_fixed = false;
  for (const auto& s : spec.streams) has_fixed = has_fixed || s.type.kind == ElementKind::fixed;
  root.set("has_fixed", has_fixed);
  root.set("pass_through", !spec.compute.has_value());
  if (spec.compute) root.set("compute_function", spec.compute->function);
  root.set("frame_latency_cycles", std::to_string(m.frame_latency_cycles));
  root.set("hls_include_sh", shell_single_quote(options.hls_include_dir.string()));
  root.set("project_include_sh", shell_single_quote(options.project_include_dir.string()));

  data streams{data::type::list}, inputs{data::type::list}, outputs{data::type::list};
  data user_inputs{data::type::list};
  std::vector<data> in_items, out_items, user_items;
  bool has_constants = false;
  for (std::size_t i = 0; i < spec.streams.size(); ++i) {
    data d = stream_data(spec, layout, i);
    streams.push_back(d);
    (spec.streams[i].direction == Direction::in ? in_items : out_items).push_back(d);
    if (spec.streams[i].direction == Direction::in && !spec.streams[i].is_constant()) user_items.push_back(d);
    has_constants = has_constants || spec.streams[i].is_constant();
  }
  // The streams a caller fills (the Python wrapper's arguments).
  for (std::size_t k = 0; k < user_items.size(); ++k) {
    user_items[k].set("port_sep", std::string(k + 1 < user_items.size() ? ", " : ""));
    user_inputs.push_back(user_items[k]);
  }
  root.set("user_inputs", user_inputs);
  root.set("has_constants", has_constants);
  for (std::size_t k = 0; k < in_items.size(); ++k) {
    in_items[k].set("port_sep", std::string(k + 1 < in_items.size() ? ", " : ""));
    inputs.push_back(in_items[k]);
  }
  for (std::size_t k = 0; k < out_items.size(); ++k) {
    out_items[k].set("port_sep", std::string(k + 1 < out_items.size() ? ", " : ""));
    outputs.push_back(out_items[k]);
  }
  root.set("streams", streams);
  root.set("inputs", inputs);
  root.set("outputs", outputs);
  root.set("num_inputs", std::to_string(in_items.size()));
  root.set("num_outputs", std::to_string(out_items.size()));
  root.set("single_output", out_items.size() == 1);

  // Pass-through pairs: output k copies input k.
  data pairs{data::type::list};
  if (!spec.compute) {
    for (std::size_t k = 0; k < in_items.size(); ++k) {
      data p;
      p.set("pair", std::to_string(k));
      p.set("in_index", in_items[k].get("index")->string_value());
      p.set("out_index", out_items[k].get("index")->string_value());
      p.set("elem", in_items[k].get("elem")->string_value());
      p.set("elements", in_items[k].get("elements")->string_value());
      pairs.push_back(p);
    }
  }
  root.set("pass_pairs", pairs);

  // Block design: DMAs, interconnect ports, interrupts.
  data dmas{data::type::list}, lite{data::type::list}, masters{data::type::list}, irqs{data::type::list};
  std::size_t lite_port = 0, master_port = 0, irq_port = 0;
  auto two = [](std::size_t n) {
    std::ostringstream out;
    out << std::setw(2) << std::setfill('0') << n;
    return out.str();
  };
  for (std::size_t k = 0; k < m.dmas.size(); ++k) {
    const auto& dma = m.dmas[k];
    data d;
    d.set("name", dma.name);
    d.set("include_mm2s", std::string(dma.include_mm2s ? "1" : "0"));
    d.set("include_s2mm", std::string(dma.include_s2mm ? "1" : "0"));
    d.set("has_mm2s", dma.include_mm2s);
    d.set("has_s2mm", dma.include_s2mm);
    // The width properties of the included channels, as one list: a section per channel in
    // the template would leave a blank line inside the continued Tcl list.
    data widths{data::type::list};
    auto width = [&widths](const char* key, int bits) {
      data w;
      w.set("key", std::string(key));
      w.set("bits", std::to_string(bits));
      widths.push_back(w);
    };
    if (dma.include_mm2s) {
      width("c_m_axis_mm2s_tdata_width", dma.mm2s_bits);
      width("c_m_axi_mm2s_data_width", dma.mm2s_bits);
    }
    if (dma.include_s2mm) {
      width("c_s_axis_s2mm_tdata_width", dma.s2mm_bits);
      width("c_m_axi_s2mm_data_width", dma.s2mm_bits);
    }
    d.set("channel_widths", widths);
    d.set("length_width", std::to_string(dma.length_width));
    d.set("base_address", hex(dma.base_address));
    d.set("lite_port", two(lite_port));
    dmas.push_back(d);
    data l;
    l.set("port", two(lite_port++));
    l.set("target", dma.name + "/S_AXI_LITE");
    lite.push_back(l);
    for (const char* channel : {"MM2S", "S2MM"}) {
      const bool included = std::string(channel) == "MM2S" ? dma.include_mm2s : dma.include_s2mm;
      if (!included) continue;
      data mp;
      mp.set("port", two(master_port++));
      mp.set("source", dma.name + "/M_AXI_" + channel);
      mp.set("dma", dma.name);
      mp.set("space", std::string("Data_") + channel);
      masters.push_back(mp);
      data irq;
      irq.set("port", std::to_string(irq_port++));
      irq.set("source", dma.name + (std::string(channel) == "MM2S" ? "/mm2s_introut" : "/s2mm_introut"));
      irqs.push_back(irq);
    }
  }
  if (spec.control == spec::Control::axilite) {
    data l;
    l.set("port", two(lite_port++));
    l.set("target", m.control.instance + "/s_axi_control");
    lite.push_back(l);
  }
  data intc_port;
  intc_port.set("port", two(lite_port++));
  intc_port.set("target", std::string(kInterruptController) + "/s_axi");
  lite.push_back(intc_port);
  root.set("dmas", dmas);
  root.set("lite_ports", lite);
  root.set("master_ports", masters);
  root.set("irq_ports", irqs);
  root.set("num_lite", std::to_string(lite_port));
  root.set("num_masters", std::to_string(master_port));
  root.set("num_irqs", std::to_string(irq_port));
  root.set("control_base_address", hex(kernel_control_base_address));
  root.set("intc", std::string(kInterruptController));
  root.set("intc_base_address", hex(interrupt_controller_base_address));
  return root;
}

// One file of the output, rendered (or read) in memory before anything is written.
struct OutputFile {
  std::filesystem::path path;  // relative to the output folder
  std::string bytes;
  bool executable = false;
};

std::string read_whole_file(const std::filesystem::path& path, const std::string& what, const std::string& where) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read the " + what, where);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(ErrorCode::io, "reading the " + what + " failed", where);
  return text.str();
}

// The constant streams' frames, read (all of them, before anything is written: a constant
// may be a file of the folder being replaced) and checked: each must hold exactly the
// stream's bytes.
std::vector<OutputFile> read_constant_frames(const spec::KernelSpec& spec) {
  std::vector<OutputFile> frames;
  for (const auto& s : spec.streams) {
    if (!s.is_constant()) continue;
    const std::string where = "stream " + s.name + ": constant file " + s.constant_file.string();
    std::string bytes = read_whole_file(s.constant_file, "constant file", where);
    if (bytes.size() != static_cast<std::size_t>(s.bytes())) {
      throw Error(ErrorCode::invalid_argument,
                  "constant stream '" + s.name + "' needs exactly " + std::to_string(s.bytes()) +
                      " bytes (one frame of DMA words), the file has " + std::to_string(bytes.size()),
                  where);
    }
    frames.push_back({constant_path(s), std::move(bytes), false});
  }
  return frames;
}

// Every file of the output, in memory: templates rendered, the compute source and the
// constant frames read, the manifest last.
std::vector<OutputFile> render_output(const spec::KernelSpec& spec, const GenerateOptions& options) {
  if (spec.compute && spec.compute->parameter_types.size() != spec.streams.size()) {
    throw Error(ErrorCode::bad_state, "the compute function's signature has not been checked (load the spec with load_kernel_spec)",
                spec.compute->source.string());
  }
  spec::check_interface(spec);
  std::vector<OutputFile> constants = read_constant_frames(spec);
  const manifest::Manifest m = build_manifest(spec);
  const data root = template_data(spec, m, options);
  const std::string& k = spec.kernel;
  struct Template {
    std::string name;
    std::filesystem::path path;
    bool executable;
  };
  const std::vector<Template> templates{
      {"hls/top.h.mustache", "hls/" + k + "_top.h", false},
      {"hls/top.cpp.mustache", "hls/" + k + "_top.cpp", false},
      {"hls/tb.cpp.mustache", "hls/" + k + "_tb.cpp", false},
      {"hls/run_hls.tcl.mustache", "hls/run_hls.tcl", false},
      {"vivado/build_bd.tcl.mustache", "vivado/build_bd.tcl", false},
      {"vivado/build.sh.mustache", "vivado/build.sh", true},
      {"sim/kernel_abi.cpp.mustache", "sim/" + k + "_abi.cpp", false},
      {"sim/build.sh.mustache", "sim/build.sh", true},
      {"python/wrapper.py.mustache", "python/" + k + ".py", false},
  };
  std::vector<OutputFile> files;
  for (const auto& t : templates) files.push_back({t.path, render(t.name, root), t.executable});
  if (spec.compute) {
    files.push_back({"hls/" + k + "_compute.cpp",
                     read_whole_file(spec.compute->source, "compute source", spec.compute->source.string()), false});
  }
  for (auto& c : constants) files.push_back(std::move(c));
  files.push_back({"manifest.json", manifest::to_json(m), false});
  return files;
}

void write_output(const std::vector<OutputFile>& files, const std::filesystem::path& folder, GenerateResult& result) {
  for (const auto& f : files) {
    write_file_checked(folder / f.path, f.bytes);
    if (f.executable) {
      std::error_code ec;
      std::filesystem::permissions(folder / f.path,
                                   std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec |
                                       std::filesystem::perms::others_exec,
                                   std::filesystem::perm_options::add, ec);
      if (ec) throw Error(ErrorCode::io, "cannot make the script executable: " + ec.message(), (folder / f.path).string());
    }
    result.files.push_back(f.path);
  }
}

// The written folder's block design passes the structural check (or the check cannot run).
void check_block_design(const std::filesystem::path& folder, const spec::KernelSpec& spec, GenerateResult& result) {
  const std::optional<std::string> skipped = check_written_block_design(folder);
  result.block_design_checked = !skipped;
  result.block_design_skipped_reason = skipped.value_or("");
  result.requested_clock_mhz = spec.clock_mhz;
  result.clock_mhz = fclk_of(spec).actual_mhz;
}

bool compiler_available() {
  const char* cxx = std::getenv("CXX");
  const std::string probe = std::string("command -v ") + (cxx && *cxx ? "\"$CXX\"" : "g++") + " >/dev/null 2>&1";
  return std::system(probe.c_str()) == 0;
}

// Runs `sh SCRIPT` and returns its exit status and combined output.
std::pair<int, std::string> run_script(const std::filesystem::path& script) {
  const std::string command = "sh " + shell_single_quote(script.string()) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw Error(ErrorCode::io, "cannot start the host build", script.string());
  std::string output;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

std::string clock_note(double requested_mhz, double actual_mhz) {
  if (actual_mhz == requested_mhz) return "";
  return "note: the PL clock is " + number(actual_mhz) + " MHz, not the requested " + number(requested_mhz) +
         " MHz: the nearest the processing system's FCLK dividers reach at or below it (manifest.json records both)";
}

GenerateResult write_generated_files(const spec::KernelSpec& spec, const GenerateOptions& options,
                                     const std::filesystem::path& folder) {
  const std::vector<OutputFile> files = render_output(spec, options);
  GenerateResult result;
  write_output(files, folder, result);
  check_block_design(folder, spec, result);
  return result;
}

GenerateResult generate(const spec::KernelSpec& spec, const GenerateOptions& options) {
  const std::vector<OutputFile> files = render_output(spec, options);
  StagedFolder staged(options.output_dir, options.replace_foreign_folder);
  const std::filesystem::path& out = staged.path();
  GenerateResult result;
  write_output(files, out, result);
  check_block_design(out, spec, result);

  if (!options.build_sim) {
    result.sim_skipped_reason = "skipped on request (--no-build)";
  } else if (!compiler_available()) {
    result.sim_skipped_reason = "no C++ compiler (g++ or $CXX) on PATH";
  } else {
    auto [status, log] = run_script(out / "sim" / "build.sh");
    result.sim_build_log = log;
    if (status != 0) {
      throw Error(ErrorCode::bad_state, "the host build of the kernel failed (exit " + std::to_string(status) + "):\n" + log,
                  (staged.target() / "sim" / "build.sh").string());
    }
    result.sim_built = true;
  }
  staged.commit();
  return result;
}

}  // namespace zynqnn::codegen
