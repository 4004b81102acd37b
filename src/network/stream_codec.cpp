// Float values <-> the DMA bytes of a stream: elements packed in slots of element_bits,
// float32 as their bits, int8 quantized, fixed point rounded half to even and saturated.
#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"
#include "zynqnn/manifest/manifest.hpp"
#include "zynqnn/network/host_port.hpp"
#include "zynqnn/quant/quantize.hpp"

namespace zynqnn::network {
namespace {

using graph::DType;
using graph::Tensor;

std::size_t slot_bytes(const StreamLayout& l) { return static_cast<std::size_t>(l.element_bits / 8); }

// Slots are whole bytes and every slot of the layout lies inside `available` bytes.
void check_layout(const StreamLayout& l, std::size_t available, const std::string& where) {
  if (l.element_bits != 8 && l.element_bits != 16 && l.element_bits != 32 && l.element_bits != 64)
    throw Error(ErrorCode::invalid_argument, fmt::format("a stream slot of {} bits (8, 16, 32 or 64 expected)", l.element_bits),
                where);
  if (l.elements < 0 || static_cast<std::uint64_t>(l.elements) * slot_bytes(l) > available)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} elements of {} bits do not fit in {} bytes", l.elements, l.element_bits, available), where);
}

std::int64_t read_slot(std::span<const std::byte> bytes, std::int64_t j, int bits, bool is_signed) {
  std::uint64_t raw = 0;
  std::memcpy(&raw, bytes.data() + j * (bits / 8), static_cast<std::size_t>(bits / 8));
  if (is_signed && bits < 64) {
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    if (raw & sign) raw |= ~((sign << 1) - 1);
  }
  return static_cast<std::int64_t>(raw);
}

void write_slot(std::vector<std::byte>& bytes, std::int64_t j, int bits, std::uint64_t raw) {
  std::memcpy(bytes.data() + j * (bits / 8), &raw, static_cast<std::size_t>(bits / 8));
}

}  // namespace

std::vector<std::byte> encode_stream(std::span<const float> values, const HostPort& t, const StreamLayout& l,
                                     const Precision& p) {
  if (static_cast<std::int64_t>(values.size()) != l.elements)
    throw Error(ErrorCode::internal, fmt::format("{} elements prepared for a stream of {}", values.size(), l.elements), t.value);
  if (l.bytes < 0) throw Error(ErrorCode::invalid_argument, "a stream of a negative byte count", t.value);
  std::vector<std::byte> bytes(static_cast<std::size_t>(l.bytes));
  check_layout(l, bytes.size(), t.value);
  for (std::int64_t j = 0; j < l.elements; ++j) {
    const float v = values[static_cast<std::size_t>(j)];
    if (p.kind == PrecisionKind::float32) {
      std::uint32_t bits = 0;
      std::memcpy(&bits, &v, 4);
      write_slot(bytes, j, l.element_bits, bits);
    } else if (p.kind == PrecisionKind::int8) {
      const std::int8_t q = quant::quantize_int8(v, t.scale, t.zero_point);
      write_slot(bytes, j, l.element_bits, static_cast<std::uint64_t>(static_cast<std::int64_t>(q)));
    } else {
      const double limit = std::ldexp(1.0, p.width - 1);
      const double q = std::clamp(std::nearbyint(std::ldexp(static_cast<double>(v), l.fraction_bits)), -limit, limit - 1);
      write_slot(bytes, j, l.element_bits, static_cast<std::uint64_t>(static_cast<std::int64_t>(q)));
    }
  }
  return bytes;
}

std::vector<std::byte> to_stream(const Tensor& x, const HostPort& t, const StreamLayout& l, const Precision& p) {
  if (x.dtype() == DType::float32) return encode_stream(host_prepare(x, t), t, l, p);
  // Integer tensors stream as they are (packed if weights).
  const std::vector<float> values = host_prepare(x, t);
  if (static_cast<std::int64_t>(values.size()) != l.elements)
    throw Error(ErrorCode::invalid_argument, fmt::format("{} elements given, the accelerator takes {}", values.size(), l.elements),
                t.value);
  if (l.bytes < 0) throw Error(ErrorCode::invalid_argument, "a stream of a negative byte count", t.value);
  std::vector<std::byte> bytes(static_cast<std::size_t>(l.bytes));
  check_layout(l, bytes.size(), t.value);
  for (std::int64_t j = 0; j < l.elements; ++j)
    write_slot(bytes, j, l.element_bits,
               static_cast<std::uint64_t>(static_cast<std::int64_t>(values[static_cast<std::size_t>(j)])));
  return bytes;
}

Tensor from_stream(std::span<const std::byte> bytes, const HostPort& t, const StreamLayout& l, const Precision& p) {
  check_layout(l, bytes.size(), t.value);
  if (t.elements() != l.elements)
    throw Error(ErrorCode::invalid_argument, fmt::format("the port has {} elements, its stream {}", t.elements(), l.elements),
                t.value);
  Tensor y(t.dtype, t.shape);
  if (y.size() != t.elements())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("shape {} does not hold the stream's {} elements", graph::shape_to_string(t.shape), t.elements()),
                t.value);
  for (std::int64_t j = 0; j < t.elements(); ++j) {
    const auto k = static_cast<std::size_t>(t.order.onnx_index(j));
    if (t.dtype != DType::float32) {
      const std::int64_t v = read_slot(bytes, j, l.element_bits, t.dtype == DType::int8 || t.dtype == DType::int32 || t.dtype == DType::int16);
      switch (t.dtype) {
        case DType::int8: y.data<std::int8_t>()[k] = static_cast<std::int8_t>(v); break;
        case DType::uint8: y.data<std::uint8_t>()[k] = static_cast<std::uint8_t>(v); break;
        case DType::int32: y.data<std::int32_t>()[k] = static_cast<std::int32_t>(v); break;
        default: throw Error(ErrorCode::unsupported, "output element type", t.value);
      }
      continue;
    }
    float v = 0;
    if (p.kind == PrecisionKind::float32) {
      const auto bits = static_cast<std::uint32_t>(read_slot(bytes, j, l.element_bits, false));
      std::memcpy(&v, &bits, 4);
    } else if (p.kind == PrecisionKind::int8) {
      v = quant::dequantize_int8(static_cast<std::int8_t>(read_slot(bytes, j, l.element_bits, true)), t.scale, t.zero_point);
    } else {
      v = static_cast<float>(std::ldexp(static_cast<double>(read_slot(bytes, j, l.element_bits, true)), -l.fraction_bits));
    }
    y.data<float>()[k] = v;
  }
  return y;
}

void read_stream_layouts(const std::filesystem::path& manifest_path, std::vector<StreamLayout>& inputs,
                         std::vector<StreamLayout>& outputs) {
  const auto m = manifest::load_manifest(manifest_path);
  auto layout = [](const manifest::StreamInfo* s) {
    return StreamLayout{s->element_bits, s->stream_bits, s->elements, s->bytes, s->fraction_bits};
  };
  for (const auto* s : m.inputs()) inputs.push_back(layout(s));
  for (const auto* s : m.outputs()) outputs.push_back(layout(s));
}

}  // namespace zynqnn::network
