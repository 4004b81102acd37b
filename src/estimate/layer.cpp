#include "zynqnn/estimate/layer.hpp"

#include <string>

#include "zynqnn/core/error.hpp"

namespace zynqnn::estimate {

std::string_view to_string(StageKind kind) noexcept {
  switch (kind) {
    case StageKind::conv: return "conv";
    case StageKind::depthwise_conv: return "depthwise_conv";
    case StageKind::fully_connected: return "fully_connected";
    case StageKind::max_pool: return "max_pool";
    case StageKind::avg_pool: return "avg_pool";
    case StageKind::global_pool: return "global_pool";
    case StageKind::activation: return "activation";
    case StageKind::requantize: return "requantize";
    case StageKind::eltwise: return "eltwise";
    case StageKind::concat: return "concat";
    case StageKind::width_convert: return "width_convert";
    case StageKind::duplicate: return "duplicate";
  }
  return "unknown";
}

namespace {

bool windowed(StageKind kind) {
  return kind == StageKind::conv || kind == StageKind::depthwise_conv || kind == StageKind::max_pool ||
         kind == StageKind::avg_pool;
}

int padded_out(int in, int pad_a, int pad_b, int dilation, int kernel, int stride) {
  const int span = in + pad_a + pad_b - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

[[noreturn]] void fail(const LayerDesc& layer, const std::string& field, const std::string& message) {
  throw Error(ErrorCode::invalid_argument, message, "layer '" + layer.name + "' (" +
                                                        std::string(to_string(layer.kind)) + "), field " + field);
}

void require_positive(const LayerDesc& layer, const char* field, int value) {
  if (value <= 0) fail(layer, field, std::string(field) + " must be positive, got " + std::to_string(value));
}

void require_divides(const LayerDesc& layer, const char* field, int divisor, int value, const char* what) {
  if (divisor <= 0 || value % divisor != 0)
    fail(layer, field,
         std::string(field) + " = " + std::to_string(divisor) + " must divide " + what + " = " + std::to_string(value));
}

}  // namespace

int LayerDesc::out_h() const {
  return windowed(kind) ? padded_out(in_h, pad_top, pad_bottom, dilation_h, kernel_h, stride_h)
                        : (kind == StageKind::global_pool ? 1 : in_h);
}

int LayerDesc::out_w() const {
  return windowed(kind) ? padded_out(in_w, pad_left, pad_right, dilation_w, kernel_w, stride_w)
                        : (kind == StageKind::global_pool ? 1 : in_w);
}

void validate(const LayerDesc& layer) {
  require_positive(layer, "in_h", layer.in_h);
  require_positive(layer, "in_w", layer.in_w);
  require_positive(layer, "in_channels", layer.in_channels);
  require_positive(layer, "pe", layer.pe);
  require_positive(layer, "simd", layer.simd);
  if (layer.out_channels < 0) fail(layer, "out_channels", "out_channels must be >= 0 (0: same as in_channels)");
  if (!layer.floating_point) {
    for (auto [field, bits] : {std::pair{"input_bits", layer.input_bits}, std::pair{"weight_bits", layer.weight_bits},
                               std::pair{"accumulator_bits", layer.accumulator_bits},
                               std::pair{"output_bits", layer.output_bits}}) {
      if (bits <= 0 || bits > 64) fail(layer, field, std::string(field) + " must be in 1..64");
    }
  }
  const int c = layer.in_channels, oc = layer.output_channels();
  if (windowed(layer.kind)) {
    require_positive(layer, "kernel_h", layer.kernel_h);
    require_positive(layer, "kernel_w", layer.kernel_w);
    require_positive(layer, "stride_h", layer.stride_h);
    require_positive(layer, "stride_w", layer.stride_w);
    require_positive(layer, "dilation_h", layer.dilation_h);
    require_positive(layer, "dilation_w", layer.dilation_w);
    if (layer.pad_top < 0 || layer.pad_left < 0 || layer.pad_bottom < 0 || layer.pad_right < 0)
      fail(layer, "pads", "pads must be >= 0");
    if (layer.out_h() <= 0 || layer.out_w() <= 0)
      fail(layer, "kernel", "the (dilated) kernel does not fit the padded input");
  }
  switch (layer.kind) {
    case StageKind::conv:
      require_positive(layer, "groups", layer.groups);
      require_divides(layer, "groups", layer.groups, c, "in_channels");
      require_divides(layer, "groups", layer.groups, oc, "out_channels");
      require_divides(layer, "simd", layer.simd, c / layer.groups, "in_channels/groups");
      require_divides(layer, "pe", layer.pe, oc / layer.groups, "out_channels/groups");
      break;
    case StageKind::fully_connected:
      require_divides(layer, "simd", layer.simd, c, "in_channels");
      require_divides(layer, "pe", layer.pe, oc, "out_channels");
      break;
    case StageKind::depthwise_conv:
      if (oc != c) fail(layer, "out_channels", "a depthwise convolution keeps the channel count (multiplier 1)");
      require_divides(layer, "simd", layer.simd, c, "in_channels");
      break;
    case StageKind::concat:
      if (oc <= c) fail(layer, "out_channels", "concat out_channels must exceed the first input's in_channels");
      require_divides(layer, "simd", layer.simd, c, "in_channels");
      require_divides(layer, "simd", layer.simd, oc - c, "out_channels - in_channels");
      break;
    case StageKind::width_convert:
      if (layer.simd % layer.pe != 0 && layer.pe % layer.simd != 0)
        fail(layer, "pe", "width_convert: one of simd (lanes in) and pe (lanes out) must divide the other");
      require_divides(layer, "simd", layer.simd, c, "in_channels");
      require_divides(layer, "pe", layer.pe, c, "in_channels");
      break;
    default:
      if (oc != c) fail(layer, "out_channels", "this layer keeps the channel count");
      require_divides(layer, "simd", layer.simd, c, "in_channels");
      break;
  }
}

}  // namespace zynqnn::estimate
