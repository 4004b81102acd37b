#include "zynqnn/compiler/weight_placement.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/layers/kind.hpp"
#include "zynqnn/compiler/estimate.hpp"
#include "zynqnn/core/error.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

namespace zynqnn::compiler {
namespace {

constexpr std::int64_t kMaxDmaTransferBytes = (std::int64_t{1} << 26) - 1;  // LENGTH is 26 bits wide

// Bytes of the layer's weight stream a frame, as the generator lays the port out (the
// precision's element type in its slot, 32-bit DMA words).
std::int64_t weight_stream_bytes(const PlLayer& l, const Precision& p) {
  spec::StreamSpec stream;
  stream.type = *spec::parse_element_type(p.name());  // "float32", "int8", "fixed<W,I>"
  stream.shape = {weight_stream_elements(l)};
  stream.stream_bits = 32;
  return stream.bytes();
}

std::int64_t weights_per_pass(const PlLayer& l) {
  const std::int64_t k = layers::matrix_vector_of(l) == layers::MatrixVector::conv ? l.kernel_h * l.kernel_w : 1;
  return l.out_c * l.in_c * k;
}

std::string unique_id(const LayerPlan& plan, const std::string& base) {
  auto taken = [&](const std::string& id) {
    return std::any_of(plan.tensors.begin(), plan.tensors.end(), [&](const auto& t) { return t.second.id == id; });
  };
  std::string id = base;
  for (int n = 2; taken(id); ++n) id = fmt::format("{}_{}", base, n);
  return id;
}

void move_to_ddr(LayerPlan& plan, PlLayer& l) {
  PlTensor t;
  t.value = std::string("\x01") + "ddr_weights\x01" + l.id;
  t.id = unique_id(plan, l.id + "_weights_ddr");
  t.dtype = graph::DType::float32;  // the datapath's weight type on the PL, as the activations
  t.channels = weight_stream_elements(l);
  t.shape = {t.channels};
  t.constant = true;
  plan.pl_inputs.push_back(t.value);
  l.ddr_weight_port = t.value;
  l.pe = l.simd = 1;
  plan.tensors.emplace(t.value, std::move(t));
}

}  // namespace

WeightPlacement parse_weight_placement(const std::string& text) {
  if (text == "auto") return WeightPlacement::automatic;
  if (text == "on-chip") return WeightPlacement::on_chip;
  if (text == "ddr") return WeightPlacement::ddr;
  throw Error(ErrorCode::invalid_argument, "weights are placed 'auto', 'on-chip' or 'ddr', not '" + text + "'", "--weights");
}

const char* to_string(WeightPlacement placement) {
  switch (placement) {
    case WeightPlacement::automatic: return "auto";
    case WeightPlacement::on_chip: return "on-chip";
    case WeightPlacement::ddr: return "ddr";
  }
  return "?";
}

bool can_stream_weights(const PlLayer& l) {
  if (!l.weight_port.empty() || l.integer) return false;
  const layers::MatrixVector unit = layers::matrix_vector_of(l);
  return (unit == layers::MatrixVector::conv && l.groups == 1) || unit == layers::MatrixVector::dense;
}

std::int64_t weight_stream_repeats(const PlLayer& l) {
  return layers::matrix_vector_of(l) == layers::MatrixVector::conv ? l.out_h * l.out_w : l.pixels;
}

std::int64_t weight_stream_elements(const PlLayer& l) { return weights_per_pass(l) * weight_stream_repeats(l); }

HostPacking mvu_weight_packing(const PlLayer& l) {
  HostPacking packing;
  packing.kind = HostPacking::Kind::mvu_weights;
  packing.conv = layers::matrix_vector_of(l) == layers::MatrixVector::conv;
  packing.trans_b = true;
  packing.out_c = l.out_c;
  packing.in_c = l.in_c;
  packing.kernel_h = packing.conv ? l.kernel_h : 1;
  packing.kernel_w = packing.conv ? l.kernel_w : 1;
  packing.pe = l.pe;
  packing.simd = l.simd;
  return packing;
}

std::vector<float> ddr_weight_pass(const PlLayer& l, const Precision& precision) {
  if (l.ddr_weight_port.empty() || l.pe != 1 || l.simd != 1)
    throw Error(ErrorCode::internal, "the layer's weights are not streamed at PE = SIMD = 1", l.id);
  const bool int8 = precision.kind == PrecisionKind::int8;
  return pack_mvu_weights(mvu_weight_packing(l), int8 ? std::vector<float>(l.qweights.begin(), l.qweights.end()) : l.weights);
}

void place_weights(LayerPlan& plan, WeightPlacement placement, double clock_mhz) {
  if (placement == WeightPlacement::on_chip) return;
  if (placement == WeightPlacement::ddr) {
    for (auto& l : plan.layers) {
      if (!can_stream_weights(l)) continue;
      const std::int64_t bytes = weight_stream_bytes(l, plan.precision);
      if (bytes > kMaxDmaTransferBytes)
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("its weights read once per output pixel are {} bytes a frame, above one DMA transfer ({} bytes)",
                                bytes, kMaxDmaTransferBytes),
                    "weights of " + l.id);
      move_to_ddr(plan, l);
    }
    return;
  }
  // automatic: the largest weight matrices leave the chip first, until the memory fits.
  for (;;) {
    const NetworkEstimate e = estimate(plan, clock_mhz);
    if (e.bram18 <= e.budget.bram18) return;
    PlLayer* largest = nullptr;
    for (auto& l : plan.layers)
      if (can_stream_weights(l) && l.ddr_weight_port.empty() &&
          weight_stream_bytes(l, plan.precision) <= kMaxDmaTransferBytes &&
          (!largest || weights_per_pass(l) > weights_per_pass(*largest)))
        largest = &l;
    if (!largest) return;  // the estimate says what still does not fit
    move_to_ddr(plan, *largest);
  }
}

}  // namespace zynqnn::compiler
