#pragma once
// What the host does at a PL port of a compiled network: reorder NCHW <-> NHWC (ElementOrder),
// prepare run-time operands (HostPacking: weights in the matrix-vector unit's tile order, a
// broadcast, a transpose), and convert float values to the stream's element type (float32
// bits, int8 with the port's scale and zero point, fixed point) and back.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "zynqnn/graph/tensor.hpp"
#include "zynqnn/network/precision.hpp"

namespace zynqnn::network {

// Stream element j of a PL tensor is ONNX (row-major) element (j % channels_major) * pixels_major
// + j / channels_major: the NHWC order of an NCHW tensor. Identity when either count is 1.
struct ElementOrder {
  std::int64_t channels_major = 1;
  std::int64_t pixels_major = 1;
  bool identity() const { return channels_major == 1 || pixels_major == 1; }
  std::int64_t onnx_index(std::int64_t stream_index) const {
    return identity() ? stream_index
                      : (stream_index % channels_major) * pixels_major + stream_index / channels_major;
  }
};

// How the host prepares a run-time operand before streaming it (a PS step): weights packed
// into the matrix-vector unit's tile order, or a tensor broadcast to a full shape and scaled.
struct HostPacking {
  enum class Kind { none, mvu_weights, broadcast, transpose } kind = Kind::none;
  // mvu_weights: ONNX weights (conv OIHW, or Gemm B [K,N] / [N,K] with trans_b) scaled by
  // `factor`, with the dense input columns in the stream order of `columns`.
  bool conv = false, trans_b = false;
  std::int64_t out_c = 0, in_c = 0, kernel_h = 1, kernel_w = 1;
  int pe = 1, simd = 1;
  ElementOrder columns;
  // broadcast: to `shape`, times `factor`. transpose: a 2-D tensor transposed.
  graph::Shape shape;
  float factor = 1.0F;
};

// A PL port as the host sees it: the graph value it carries and how that value is streamed.
struct HostPort {
  std::string value;  // graph value name
  graph::Shape shape; // ONNX shape
  graph::DType dtype = graph::DType::float32;
  std::int64_t pixels = 1, channels = 1;  // the stream: `pixels` groups of `channels` elements
  ElementOrder order;
  // int8 precision: the quantization of the stream's values (real = scale * (q - zero_point)).
  float scale = 1.0F;
  std::int32_t zero_point = 0;
  HostPacking packing;  // PL input ports only
  // A PL input the host never computes: a layer's weights streamed from DDR. The compiler
  // writes its bytes next to the manifest and the accelerator sends them with every call.
  bool constant = false;
  std::int64_t elements() const { return pixels * channels; }
};

// A stream's layout in the DMA buffers (from the manifest).
struct StreamLayout {
  int element_bits = 32;
  int stream_bits = 32;
  std::int64_t elements = 0;
  std::int64_t bytes = 0;
  int fraction_bits = 0;
};

// The weights in the matrix-vector unit's [PE][TILES][SIMD] order (weight_layout.h), flattened.
std::vector<float> pack_mvu_weights(const HostPacking& packing, const std::vector<float>& onnx_weights);

// What the host streams for a PL input port: `x` prepared as `port.packing` says (packed
// weights, broadcast, transposed), or x itself; in stream order (NHWC for an image).
std::vector<float> host_prepare(const graph::Tensor& x, const HostPort& port);

// The DMA bytes of a stream whose elements are `values` (float32 bits, int8 quantized with
// the port's scale and zero point, or fixed point rounded half to even and saturated).
std::vector<std::byte> encode_stream(std::span<const float> values, const HostPort& port, const StreamLayout& layout,
                                     const Precision& precision);

// The DMA bytes the host sends for `x` at an input port (integer tensors as they are).
std::vector<std::byte> to_stream(const graph::Tensor& x, const HostPort& port, const StreamLayout& layout,
                                 const Precision& precision);
// The tensor an output port's DMA bytes hold, back in ONNX order and type.
graph::Tensor from_stream(std::span<const std::byte> bytes, const HostPort& port, const StreamLayout& layout,
                          const Precision& precision);

// Stream layouts of a manifest, in port order.
void read_stream_layouts(const std::filesystem::path& manifest, std::vector<StreamLayout>& inputs,
                         std::vector<StreamLayout>& outputs);

}  // namespace zynqnn::network
