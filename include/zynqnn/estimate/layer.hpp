#pragma once
// The stage description the estimator reads: one entry per building block of the HLS layer
// library (hls/layers) in pipeline order, including the blocks between a network's layers
// (requantization, width converters, stream duplication). These are stages, not the
// compiler's layers (compiler::LayerKind): each compiler layer kind says in its layer file
// (src/compiler/layers/<kind>.cpp) which stages it becomes. Tests and tools (layers.json,
// `zynqnn estimate`) may write them by hand.
#include <string>
#include <string_view>

namespace zynqnn::estimate {

// The HLS library building block a stage is (layers.json's "kind").
enum class StageKind {
  conv,            // sliding_window + matrix_vector_unit (dense or grouped)
  depthwise_conv,  // sliding_window + depthwise_unit (groups == channels, multiplier 1)
  fully_connected, // matrix_vector_unit, one pixel
  max_pool,        // sliding_window + pool<max>
  avg_pool,        // sliding_window + pool<average>
  global_pool,     // global_pool (average or max)
  activation,      // activation / lut_activation
  requantize,      // requantize
  eltwise,         // eltwise (two streams) or eltwise_channel_const
  concat,          // concat_channels: in_channels from the first stream, out_channels in total
  width_convert,   // convert_width: simd lanes in, pe lanes out
  duplicate,       // duplicate_stream
};

std::string_view to_string(StageKind kind) noexcept;

// How multiply-accumulates are built: `automatic` picks LUTs for narrow operands (either
// operand at most 4 bits) and DSP48E1 slices otherwise.
enum class MacResource { automatic, lut, dsp };

struct LayerDesc {
  std::string name;
  StageKind kind = StageKind::conv;
  // Input feature map (NHWC); a fully connected layer has in_h = in_w = 1.
  int in_h = 1, in_w = 1, in_channels = 1;
  int out_channels = 0;  // 0: same as in_channels (layers that keep the channel count)
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;
  // Precision: bits of input activations, weights, accumulators, outputs. floating_point
  // means a float32 datapath (the bit fields are then ignored for arithmetic cost).
  int input_bits = 8, weight_bits = 8, accumulator_bits = 32, output_bits = 8;
  bool floating_point = false;
  MacResource mac_resource = MacResource::automatic;
  bool weights_streamed = false;  // weights from DDR through a stream instead of an on-chip ROM
  // Folding: PE output channels in parallel, SIMD input channels per word. For
  // width_convert: SIMD = lanes in, PE = lanes out.
  int pe = 1, simd = 1;

  int output_channels() const { return out_channels > 0 ? out_channels : in_channels; }
  int out_h() const;
  int out_w() const;
};

// Throws zynqnn::Error(invalid_argument) naming the layer and field when a size is not
// positive, a divisibility rule of the HLS templates is broken (SIMD | channels/groups,
// PE | out_channels/groups, ...), or the window does not fit the padded input.
void validate(const LayerDesc& layer);

}  // namespace zynqnn::estimate
