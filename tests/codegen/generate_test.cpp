// The generator end to end: what the generated files declare, the generated testbench
// compiled and run with g++, the host build loaded through the PL kernel ABI and fed
// frames, and the "no heap" check of the kernel's object code.
#include "zynqnn/codegen/generator.hpp"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <regex>

#include "ap_axi_sdata.h"
#include "hls_stream.h"
#include "accelerator/board_from_manifest.hpp"
#include "test_support.hpp"
#include "zynqnn/board/virtual/pl_kernel_abi.h"
#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::codegen {
namespace {

using namespace zynqnn::testing;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class GenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::filesystem::path(scratch_dir("generate"));
    GenerateOptions options;
    options.hls_include_dir = hls_include();
    options.project_include_dir = std::string(ZYNQNN_SOURCE_DIR) + "/include";
    options.output_dir = *root_ / "mixer";
    mixer_ = new GenerateResult(generate(spec::load_kernel_spec(example_spec("mixer")), options));
    options.output_dir = *root_ / "adder";
    generate(spec::load_kernel_spec(example_spec("adder")), options);
    // An output folder whose path needs quoting in the generated shell scripts.
    options.output_dir = *root_ / "pass through 'quoted' $(x)";
    passthrough_ = new GenerateResult(generate(spec::load_kernel_spec(example_spec("passthrough")), options));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*root_);
    delete mixer_;
    delete passthrough_;
    delete root_;
  }
  static std::filesystem::path mixer_dir() { return *root_ / "mixer"; }
  static std::filesystem::path adder_dir() { return *root_ / "adder"; }
  static std::filesystem::path passthrough_dir() { return *root_ / "pass through 'quoted' $(x)"; }

  static std::filesystem::path* root_;
  static GenerateResult* mixer_;
  static GenerateResult* passthrough_;
};
std::filesystem::path* GenerateTest::root_ = nullptr;
GenerateResult* GenerateTest::mixer_ = nullptr;
GenerateResult* GenerateTest::passthrough_ = nullptr;

TEST_F(GenerateTest, WritesEveryArtifact) {
  for (const char* file : {"hls/mixer_top.h", "hls/mixer_top.cpp", "hls/mixer_tb.cpp", "hls/mixer_compute.cpp",
                           "hls/run_hls.tcl", "vivado/build_bd.tcl", "vivado/build.sh", "sim/mixer_abi.cpp",
                           "sim/build.sh", "python/mixer.py", "manifest.json"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(mixer_dir() / file)) << file;
  }
  EXPECT_TRUE(mixer_->sim_built) << mixer_->sim_skipped_reason;
  EXPECT_TRUE(std::filesystem::is_regular_file(mixer_dir() / "sim/libkernel.so"));
  EXPECT_TRUE(passthrough_->sim_built);
  EXPECT_TRUE(std::filesystem::is_regular_file(passthrough_dir() / "sim/libkernel.so"));
  const auto m = manifest::load_manifest(mixer_dir() / "manifest.json");
  // The manifest tests and fuzz seeds use a copy of this manifest: it must stay current.
  EXPECT_EQ(read_text(mixer_dir() / "manifest.json"),
            read_text(std::string(ZYNQNN_SOURCE_DIR) + "/fuzz/corpus/manifest/mixer.json"));
  EXPECT_EQ(m.artifacts.sim_library, "sim/libkernel.so");
  EXPECT_EQ(m.artifacts.hls_top, "hls/mixer_top.cpp");
}

TEST_F(GenerateTest, TopDeclaresInterfacePragmasAndPortTypes) {
  const std::string top = read_text(mixer_dir() / "hls/mixer_top.cpp");
  const std::string header = read_text(mixer_dir() / "hls/mixer_top.h");
  for (const char* port : {"a", "b", "c", "y", "z", "f"}) {
    EXPECT_EQ(count(top, std::string("#pragma HLS INTERFACE axis port=") + port + "\n"), 1u) << port;
  }
  EXPECT_EQ(count(top, "#pragma HLS INTERFACE s_axilite port=return bundle=control"), 1u);
  EXPECT_EQ(count(top, "ap_ctrl_none"), 0u);
  EXPECT_EQ(count(top, "#pragma HLS DATAFLOW"), 1u);
  EXPECT_EQ(count(top, "#pragma HLS PIPELINE II=1"), 6u);  // one unpack or pack loop per stream
  EXPECT_NE(top.find("void mixer(hls::stream<znn_word_0_t>& a, hls::stream<znn_word_1_t>& b, "
                     "hls::stream<znn_word_2_t>& c, hls::stream<znn_word_3_t>& y, hls::stream<znn_word_4_t>& z, "
                     "hls::stream<znn_word_5_t>& f)"),
            std::string::npos);
  EXPECT_NE(top.find("  mix(znn_elements_0_stream, znn_elements_1_stream, znn_elements_2_stream, "
                     "znn_elements_3_stream, znn_elements_4_stream, znn_elements_5_stream);"),
            std::string::npos);
  // DMA words: ap_axiu<stream width, 0, 0, 0>; elements in the spellings the compute declares.
  EXPECT_NE(header.find("typedef ap_axiu<32, 0, 0, 0> znn_word_0_t;"), std::string::npos);
  EXPECT_NE(header.find("typedef ap_axiu<64, 0, 0, 0> znn_word_2_t;"), std::string::npos);
  EXPECT_NE(header.find("typedef ap_axiu<64, 0, 0, 0> znn_word_3_t;"), std::string::npos);
  EXPECT_NE(header.find("typedef ap_uint<8> znn_elem_1_t;"), std::string::npos);
  EXPECT_NE(header.find("typedef ap_fixed<12,4> znn_elem_2_t;"), std::string::npos);
  EXPECT_NE(header.find("typedef int znn_elem_3_t;"), std::string::npos);
  EXPECT_NE(header.find("typedef float znn_elem_5_t;"), std::string::npos);
  EXPECT_NE(header.find("static const int znn_words_1 = 10;"), std::string::npos);  // uint8[37], 4 per word
  EXPECT_NE(header.find("#include \"ap_fixed.h\""), std::string::npos);
  // TLAST on the frame's last word, TKEEP/TSTRB all ones, a word written when full or last.
  EXPECT_EQ(count(top, "const bool last_element = (i == znn_elements_"), 3u);
  EXPECT_EQ(count(top, "word.last = last_element ? 1 : 0;"), 3u);
  EXPECT_EQ(count(top, "word.keep = -1;"), 3u);
  EXPECT_EQ(count(top, "word.strb = -1;"), 3u);
  EXPECT_NE(top.find("if (slot == 1 || last_element) {"), std::string::npos);  // 2 per word (y, z)

  const std::string pass = read_text(passthrough_dir() / "hls/passthrough_top.cpp");
  EXPECT_EQ(count(pass, "#pragma HLS INTERFACE ap_ctrl_none port=return"), 1u);
  EXPECT_EQ(count(pass, "s_axilite"), 0u);
  EXPECT_NE(pass.find("znn_copy_0(znn_elements_0_stream, znn_elements_1_stream);"), std::string::npos);
}

TEST_F(GenerateTest, HlsScript) {
  const std::string tcl = read_text(mixer_dir() / "hls/run_hls.tcl");
  for (const char* line : {"open_project -reset mixer_hls", "set_top mixer", "add_files mixer_top.cpp",
                           "add_files mixer_compute.cpp", "add_files -tb mixer_tb.cpp", "set_part xc7z020clg400-1",
                           "create_clock -period 8 -name default", "csim_design", "csynth_design",
                           "export_design -format ip_catalog -vendor zynqnn.org -library hls -version 1.0 -ipname mixer"}) {
    EXPECT_NE(tcl.find(std::string(line) + "\n"), std::string::npos) << line;
  }
}

TEST_F(GenerateTest, BlockDesignScript) {
  const std::string tcl = read_text(mixer_dir() / "vivado/build_bd.tcl");
  EXPECT_NE(tcl.find("create_project $project_name $project_dir -part xc7z020clg400-1 -force"), std::string::npos);
  EXPECT_NE(tcl.find("set_property board_part www.digilentinc.com:pynq-z1:part0:1.0 [current_project]"), std::string::npos);
  EXPECT_EQ(count(tcl, "create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma:7.1"), 3u);
  EXPECT_EQ(count(tcl, "CONFIG.c_include_sg {0}"), 3u);
  EXPECT_EQ(count(tcl, "CONFIG.c_sg_length_width {26}"), 3u);
  EXPECT_NE(tcl.find("CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ {125}"), std::string::npos);
  EXPECT_NE(tcl.find("CONFIG.PCW_S_AXI_HP0_DATA_WIDTH {64}"), std::string::npos);
  EXPECT_NE(tcl.find("apply_board_preset \"1\""), std::string::npos);
  EXPECT_NE(tcl.find("connect_bd_intf_net [get_bd_intf_pins axi_dma_2/M_AXIS_MM2S] [get_bd_intf_pins mixer_0/c]"),
            std::string::npos);
  EXPECT_NE(tcl.find("connect_bd_intf_net [get_bd_intf_pins mixer_0/f] [get_bd_intf_pins axi_dma_2/S_AXIS_S2MM]"),
            std::string::npos);
  EXPECT_NE(tcl.find("[get_bd_addr_segs mixer_0/s_axi_control/Reg]"), std::string::npos);
  for (const char* step : {"validate_bd_design", "make_wrapper", "launch_runs impl_1 -to_step write_bitstream"}) {
    EXPECT_NE(tcl.find(step), std::string::npos) << step;
  }
}

TEST_F(GenerateTest, BuildScriptSaysWhenTheToolsAreMissing) {
  std::string output;
  const int status =
      run("env PATH=/usr/bin:/bin sh " + sh_quote((mixer_dir() / "vivado/build.sh").string()), output);
  EXPECT_EQ(status, 3) << output;
  EXPECT_NE(output.find("not installed or not on PATH: vitis-run/vitis_hls/vivado_hls vivado"), std::string::npos)
      << output;
  EXPECT_NE(output.find("vivado -mode batch -source build_bd.tcl"), std::string::npos) << output;
}

TEST_F(GenerateTest, PythonWrapperIsValidPython) {
  const std::string py = read_text(mixer_dir() / "python/mixer.py");
  EXPECT_NE(py.find("class mixer:"), std::string::npos);
  EXPECT_NE(py.find("def run(self, a, b, c):"), std::string::npos);
  EXPECT_NE(py.find("zynqnn.Accelerator(manifest_path, board=board, **options)"), std::string::npos);
  EXPECT_NE(py.find("return self.accelerator.run(a=a, b=b, c=c)"), std::string::npos);
  EXPECT_NE(py.find("typed wrapper around zynqnn.Accelerator, generated by `zynqnn generate`."), std::string::npos);
  // Several outputs: __call__ gives them by name, as zynqnn.Accelerator does.
  EXPECT_NE(py.find("outputs = self.run(a=a, b=b, c=c)\n        return outputs\n"), std::string::npos);
  EXPECT_NE(py.find("c: shape (37,), fixed<12,4> (real values on the grid of 2**-8; lossy=True rounds to it)."), std::string::npos);
  EXPECT_NE(py.find("\"y\": shape (37,), int32 (NumPy int32)."), std::string::npos);
  std::string output;
  EXPECT_EQ(run("python3 -c 'import ast,sys; ast.parse(open(sys.argv[1]).read())' '" +
                    (mixer_dir() / "python/mixer.py").string() + "'",
                output),
            0)
      << output;
}

TEST_F(GenerateTest, TestbenchPassesForTheMixer) {
  std::string output;
  EXPECT_EQ(run_testbench(mixer_dir(), "mixer", true, output), 0) << output;
  EXPECT_NE(output.find("mixer testbench: passed"), std::string::npos) << output;
}

TEST_F(GenerateTest, TestbenchCatchesAMissingTlast) {
  // The same kernel with the TLAST logic broken: the testbench must fail.
  const auto dir = *root_ / "mixer_broken";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(mixer_dir(), dir, std::filesystem::copy_options::recursive);
  std::string top = read_text(dir / "hls/mixer_top.cpp");
  const auto at = top.find("word.last = last_element ? 1 : 0;");
  ASSERT_NE(at, std::string::npos);
  top.replace(at, std::strlen("word.last = last_element ? 1 : 0;"), "word.last = 0;");
  write_text(dir / "hls/mixer_top.cpp", top);
  std::string output;
  EXPECT_EQ(run_testbench(dir, "mixer", true, output), 1) << output;
  EXPECT_NE(output.find("TLAST is 0, expected 1"), std::string::npos) << output;
}

TEST_F(GenerateTest, TestbenchPassesForThePassThrough) {
  std::string output;
  EXPECT_EQ(run_testbench(passthrough_dir(), "passthrough", false, output), 0) << output;
}

// --- The host build through the PL kernel ABI ---

class KernelLibrary {
 public:
  explicit KernelLibrary(const std::filesystem::path& path) : handle_(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {}
  ~KernelLibrary() {
    if (handle_) dlclose(handle_);
  }
  const zynqnn_pl_kernel_abi* abi() const {
    if (!handle_) return nullptr;
    auto entry = reinterpret_cast<const zynqnn_pl_kernel_abi* (*)()>(dlsym(handle_, "zynqnn_pl_kernel_v1"));
    return entry ? entry() : nullptr;
  }
  void* handle() const { return handle_; }

 private:
  void* handle_;
};

using Word32 = ap_axiu<32, 0, 0, 0>;
using Word64 = ap_axiu<64, 0, 0, 0>;

// Packs `slots` (each `slot_bits` wide) into words of W bits, TLAST on the last.
template <typename Word, int W>
void feed(hls::stream<Word>& stream, const std::vector<std::uint64_t>& slots, int slot_bits) {
  const std::size_t per_word = W / slot_bits;
  const std::uint64_t mask = slot_bits == 64 ? ~0ull : (1ull << slot_bits) - 1;
  for (std::size_t first = 0; first < slots.size(); first += per_word) {
    std::uint64_t data = 0;
    for (std::size_t k = 0; k < per_word && first + k < slots.size(); ++k) {
      data |= (slots[first + k] & mask) << (k * slot_bits);
    }
    Word word;
    word.data = data;
    word.keep = -1;
    word.strb = -1;
    word.last = first + per_word >= slots.size();
    stream.write(word);
  }
}

// Reads a frame of `count` slots, checking TLAST only on the last word and zero padding.
template <typename Word, int W>
std::vector<std::uint64_t> drain(hls::stream<Word>& stream, std::size_t count, int slot_bits) {
  const std::size_t per_word = W / slot_bits;
  const std::size_t words = (count + per_word - 1) / per_word;
  const std::uint64_t mask = slot_bits == 64 ? ~0ull : (1ull << slot_bits) - 1;
  std::vector<std::uint64_t> slots;
  for (std::size_t w = 0; w < words; ++w) {
    EXPECT_FALSE(stream.empty()) << "word " << w << " of " << words << " missing";
    if (stream.empty()) break;
    const Word word = stream.read();
    EXPECT_EQ(static_cast<bool>(word.last), w + 1 == words) << "TLAST on word " << w;
    EXPECT_TRUE(word.keep.and_reduce());
    for (std::size_t k = 0; k < per_word; ++k) {
      const std::uint64_t slot = (word.data.to_uint64() >> (k * slot_bits)) & mask;
      if (w * per_word + k < count) {
        slots.push_back(slot);
      } else {
        EXPECT_EQ(slot, 0u) << "padding in word " << w;
      }
    }
  }
  EXPECT_TRUE(stream.empty()) << "more words than the frame has";
  return slots;
}

std::int64_t sign_extend(std::uint64_t value, int bits) {
  const std::uint64_t sign = 1ull << (bits - 1);
  value &= (bits == 64 ? ~0ull : (1ull << bits) - 1);
  return static_cast<std::int64_t>((value ^ sign) - sign);
}

TEST_F(GenerateTest, HostBuildRunsFramesThroughThePlKernelAbi) {
  KernelLibrary library(mixer_dir() / "sim/libkernel.so");
  ASSERT_NE(library.handle(), nullptr) << dlerror();
  const zynqnn_pl_kernel_abi* abi = library.abi();
  ASSERT_NE(abi, nullptr);
  EXPECT_EQ(abi->abi_version, 1u);
  ASSERT_EQ(abi->num_inputs, 3u);
  ASSERT_EQ(abi->num_outputs, 3u);
  EXPECT_EQ(std::vector<unsigned>(abi->input_bits, abi->input_bits + 3), (std::vector<unsigned>{32, 32, 64}));
  EXPECT_EQ(std::vector<unsigned>(abi->output_bits, abi->output_bits + 3), (std::vector<unsigned>{64, 32, 32}));
  EXPECT_GE(abi->frame_latency_cycles, 37u);

  constexpr std::size_t n = 37;
  for (int frame = 0; frame < 2; ++frame) {  // the kernel runs frame after frame
    std::vector<std::uint64_t> a(n), b(n), c(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = static_cast<std::uint16_t>(static_cast<std::int16_t>(i * 997 - 18000 + frame * 7));  // int16
      b[i] = (i * 37 + 200 + frame) & 0xFF;                                                     // uint8
      c[i] = static_cast<std::uint16_t>(sign_extend(i * 211 + 3000 * frame, 12));  // fixed<12,4> raw, in 16 bits
    }
    hls::stream<Word32> sa, sb, sz, sf;
    hls::stream<Word64> sc, sy;
    feed<Word32, 32>(sa, a, 16);
    feed<Word32, 32>(sb, b, 8);
    feed<Word64, 64>(sc, c, 16);
    void* inputs[] = {&sa, &sb, &sc};
    void* outputs[] = {&sy, &sz, &sf};
    abi->run_frame(inputs, outputs);

    const auto y = drain<Word64, 64>(sy, n, 32);
    const auto z = drain<Word32, 32>(sz, n, 16);
    const auto f = drain<Word32, 32>(sf, n, 32);
    ASSERT_EQ(y.size(), n);
    ASSERT_EQ(z.size(), n);
    ASSERT_EQ(f.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t av = sign_extend(a[i], 16);
      EXPECT_EQ(sign_extend(y[i], 32), av + static_cast<std::int64_t>(b[i])) << "y[" << i << "]";
      // z = 2c in fixed<12,4>: the raw value doubles and wraps to 12 bits, sign-extended to 16.
      EXPECT_EQ(sign_extend(z[i], 16), sign_extend(static_cast<std::uint64_t>(sign_extend(c[i], 12) * 2), 12))
          << "z[" << i << "]";
      float fv;
      const auto bits = static_cast<std::uint32_t>(f[i]);
      std::memcpy(&fv, &bits, sizeof fv);
      EXPECT_EQ(fv, static_cast<float>(av) * 0.5f) << "f[" << i << "]";
    }
  }
}

TEST_F(GenerateTest, PassThroughHostBuildCopiesAFrame) {
  KernelLibrary library(passthrough_dir() / "sim/libkernel.so");
  ASSERT_NE(library.handle(), nullptr) << dlerror();
  const zynqnn_pl_kernel_abi* abi = library.abi();
  ASSERT_NE(abi, nullptr);
  ASSERT_EQ(abi->num_inputs, 1u);
  std::vector<std::uint64_t> data(1024);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint32_t>(i * 2654435761u);
  hls::stream<Word32> in, out;
  feed<Word32, 32>(in, data, 32);
  void* inputs[] = {&in};
  void* outputs[] = {&out};
  abi->run_frame(inputs, outputs);
  const auto copied = drain<Word32, 32>(out, 1024, 32);
  EXPECT_EQ(copied, data);
}

TEST_F(GenerateTest, KernelObjectCodeHasNoHeapReferences) {
  // The kernel (top + compute) compiled against a declaration-only hls::stream: whatever
  // allocates in the object is the kernel's own doing.
  const std::string hls = (mixer_dir() / "hls").string();
  const std::string no_heap = std::string(ZYNQNN_SOURCE_DIR) + "/tests/codegen/no_heap_include";
  std::string output;
  ASSERT_EQ(run("cd '" + hls + "' && g++ -std=c++17 -O2 -fPIC -I'" + no_heap + "' -I'" + hls_include() +
                    "' -I. -c mixer_top.cpp -o top_noheap.o && g++ -std=c++17 -O2 -fPIC -I'" + no_heap + "' -I'" +
                    hls_include() + "' -I. -c mixer_compute.cpp -o compute_noheap.o",
                output),
            0)
      << output;
  for (const char* object : {"top_noheap.o", "compute_noheap.o"}) {
    ASSERT_EQ(run("nm -u '" + hls + "/" + object + "'", output), 0) << output;
    EXPECT_NE(output.find("hls6stream"), std::string::npos) << "the stream operations should be undefined";
    const std::regex heap(R"(\b(malloc|calloc|realloc|free|_Znwm|_Znam|_Znwj|_Znaj|_ZdlPv\w*|_ZdaPv\w*)\b)");
    EXPECT_FALSE(std::regex_search(output, heap)) << object << " references the heap:\n" << output;
  }
}

TEST(Generate, RefusesAnUncheckedComputeSignature) {
  auto spec = spec::parse_kernel_spec(read_text(example_spec("mixer")), "mixer.json");
  GenerateOptions options;
  options.output_dir = scratch_dir("unchecked");
  options.build_sim = false;
  try {
    generate(spec, options);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_state);
  }
  EXPECT_FALSE(std::filesystem::exists(options.output_dir / "hls"));
  std::filesystem::remove_all(options.output_dir);
}


// --- generate -> host build -> virtual board -> compare ---
// The frames go through the virtual board's DMA register models with the direct-register
// sequence of PG021 (S2MM first, then MM2S, then wait for Idle), driven by the manifest:
// stream sizes, DMA bases and channels come from manifest.json only.
namespace vb = zynqnn::virtual_board;

constexpr std::uint32_t kMm2sControl = 0x00, kMm2sStatus = 0x04, kMm2sAddress = 0x18, kMm2sLength = 0x28;
constexpr std::uint32_t kS2mmControl = 0x30, kS2mmStatus = 0x34, kS2mmAddress = 0x48, kS2mmLength = 0x58;
constexpr std::uint32_t kRunStop = 1u, kIdle = 2u, kErrors = 0x70u;

// Runs one frame of a generated kernel on the virtual board. `inputs` holds each input's
// host array bytes (NumPy layout); returns each output's DMA buffer (words, with padding).
std::map<std::string, std::vector<std::uint8_t>> run_on_virtual_board(
    const std::filesystem::path& dir, const std::map<std::string, std::vector<std::uint8_t>>& inputs,
    vb::Stats* stats = nullptr) {
  const auto m = manifest::load_manifest(dir / "manifest.json");
  vb::VirtualBoard board(virtual_board_config(m), vb::load_kernel_library((dir / m.artifacts.sim_library).string()));

  std::map<std::string, std::unique_ptr<DmaBuffer>> buffers;
  std::map<std::string, std::unique_ptr<RegisterSpace>> registers;
  for (const auto& dma : m.dmas) registers[dma.name] = board.map_registers(dma.base_address, 0x10000);
  for (const auto& s : m.streams) {
    auto buffer = board.memory().allocate(static_cast<std::size_t>(s.bytes), 64);
    std::memset(buffer->data(), 0, buffer->size());
    if (s.direction == "in") {
      const auto& host = inputs.at(s.name);
      EXPECT_EQ(host.size(), static_cast<std::size_t>(s.elements * s.element_bits / 8)) << s.name;
      std::memcpy(buffer->data(), host.data(), std::min(host.size(), buffer->size()));
      buffer->sync_for_device(0, buffer->size());
    }
    buffers[s.name] = std::move(buffer);
  }
  // Receive first, then send.
  for (const auto* s : m.outputs()) {
    auto& regs = *registers.at(s->dma);
    regs.write32(kS2mmControl, kRunStop);
    regs.write32(kS2mmAddress, static_cast<std::uint32_t>(buffers.at(s->name)->physical_address()));
    regs.write32(kS2mmLength, static_cast<std::uint32_t>(s->bytes));
  }
  for (const auto* s : m.all_inputs()) {  // every MM2S channel
    auto& regs = *registers.at(s->dma);
    regs.write32(kMm2sControl, kRunStop);
    regs.write32(kMm2sAddress, static_cast<std::uint32_t>(buffers.at(s->name)->physical_address()));
    regs.write32(kMm2sLength, static_cast<std::uint32_t>(s->bytes));
  }
  // Wait for every channel to go idle, with a bound (modeled time advances while we sleep).
  std::map<std::string, std::vector<std::uint8_t>> outputs;
  for (const auto& s : m.streams) {
    auto& regs = *registers.at(s.dma);
    const std::uint32_t status = s.channel == "mm2s" ? kMm2sStatus : kS2mmStatus;
    int polls = 0;
    while ((regs.read32(status) & kIdle) == 0 && polls++ < 200000) {
      board.clock().sleep_for(std::chrono::microseconds(5));
    }
    EXPECT_NE(regs.read32(status) & kIdle, 0u) << s.name << " never went idle";
    EXPECT_EQ(regs.read32(status) & kErrors, 0u) << s.name;
    if (s.channel == "s2mm") {
      EXPECT_EQ(regs.read32(kS2mmLength), static_cast<std::uint32_t>(s.bytes)) << s.name;
      auto& buffer = *buffers.at(s.name);
      buffer.sync_for_cpu(0, buffer.size());
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(buffer.data());
      outputs[s.name].assign(bytes, bytes + buffer.size());
    }
  }
  if (stats) *stats = board.stats();
  return outputs;
}

template <typename T>
std::vector<std::uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<std::uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

template <typename T>
std::vector<T> values_of(const std::vector<std::uint8_t>& bytes, std::size_t n) {
  std::vector<T> out(n);
  EXPECT_GE(bytes.size(), n * sizeof(T));
  std::memcpy(out.data(), bytes.data(), std::min(bytes.size(), n * sizeof(T)));
  return out;
}

TEST_F(GenerateTest, FramesRoundTripThroughTheVirtualBoard) {
  // Host arrays (NumPy layout: little-endian elements, packed), as the Python layer hands them.
  constexpr std::size_t n = 37;
  std::vector<std::int16_t> a(n);
  std::vector<std::uint8_t> b(n);
  std::vector<std::int16_t> c(n);  // fixed<12,4> raw values, sign-extended to 16 bits
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = static_cast<std::int16_t>(static_cast<int>(i) * 811 - 15000);
    b[i] = static_cast<std::uint8_t>(i * 53 + 9);
    c[i] = static_cast<std::int16_t>(sign_extend(i * 97 + 1500, 12));
  }
  vb::Stats stats;
  const auto out = run_on_virtual_board(mixer_dir(), {{"a", bytes_of(a)}, {"b", bytes_of(b)}, {"c", bytes_of(c)}}, &stats);
  const auto m = manifest::load_manifest(mixer_dir() / "manifest.json");
  ASSERT_EQ(out.size(), 3u);
  const auto y = values_of<std::int32_t>(out.at("y"), n);
  const auto z = values_of<std::int16_t>(out.at("z"), n);
  const auto f = values_of<float>(out.at("f"), n);
  for (std::size_t pad = n * 4; pad < out.at("y").size(); ++pad) {
    EXPECT_EQ(out.at("y")[pad], 0u) << "padding byte " << pad;
  }
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(y[i], a[i] + b[i]) << i;
    EXPECT_EQ(z[i], sign_extend(static_cast<std::uint64_t>(c[i] * 2), 12)) << i;
    EXPECT_EQ(f[i], static_cast<float>(a[i]) * 0.5f) << i;
  }
  EXPECT_EQ(stats.frames, 1u);
  EXPECT_EQ(stats.dma_errors, 0u);
}

TEST_F(GenerateTest, TwoInputsOfDifferentTypesIntoOneOutputOnTheVirtualBoard) {
  // adder: int16[101] + uint8[101] (4 per 32-bit word: the last word holds one) -> int32[101];
  // DMA 1 has only an MM2S channel.
  const auto m = manifest::load_manifest(adder_dir() / "manifest.json");
  ASSERT_EQ(m.dmas.size(), 2u);
  EXPECT_FALSE(m.dmas[1].include_s2mm);
  EXPECT_EQ(m.find_stream("b")->words, 26);
  constexpr std::size_t n = 101;
  std::vector<std::int16_t> a(n);
  std::vector<std::uint8_t> b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = static_cast<std::int16_t>(32767 - static_cast<int>(i) * 613);
    b[i] = static_cast<std::uint8_t>(255 - i * 7);
  }
  const auto out = run_on_virtual_board(adder_dir(), {{"a", bytes_of(a)}, {"b", bytes_of(b)}});
  const auto sum = values_of<std::int32_t>(out.at("sum"), n);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(sum[i], a[i] + b[i]) << i;
  std::string output;
  EXPECT_EQ(run_testbench(adder_dir(), "adder", true, output), 0) << output;
}

}  // namespace
}  // namespace zynqnn::codegen
