// A kernel top built from the layer library, compiled to an object file only: the test
// `hls_layers_no_heap` checks that it has no undefined reference to malloc/operator new.
// The stream types are declared as explicit instantiations elsewhere, as the stream is the
// interface HLS implements in hardware; everything the layers themselves do is in this object.
#include "zynqnn_layers.h"

namespace zh = zynqnn_hls;

using in_word = zh::word<ap_int<8>, 4>;
using acc_word = zh::word<ap_int<32>, 4>;
using out_word = zh::word<ap_int<8>, 4>;
extern template class hls::stream<in_word>;
extern template class hls::stream<acc_word>;
extern template class hls::stream<out_word>;

using window_cfg = zh::window_config<8, 8, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1>;
using mvu_cfg = zh::conv_mvu_config<window_cfg, 8, 4>;
using out_shape = zh::stream_shape<window_cfg::OUT_H * window_cfg::OUT_W, 8, 4>;

static const ap_int<8> conv_weights[4][mvu_cfg::TILES][4] = {};
static const ap_int<32> conv_bias[4][mvu_cfg::NF] = {};
static const zh::requant_params conv_requant[4][out_shape::FOLDS] = {};

void no_heap_window(hls::stream<in_word>& in, hls::stream<in_word>& windows) {
  zh::sliding_window<window_cfg>(in, windows, ap_int<8>(0));
}

void no_heap_mvu(hls::stream<in_word>& windows, hls::stream<acc_word>& acc) {
#pragma HLS ARRAY_PARTITION variable = conv_weights complete dim = 1
#pragma HLS ARRAY_PARTITION variable = conv_weights complete dim = 3
  zh::matrix_vector_unit<mvu_cfg, ap_int<8>, ap_int<8>, ap_int<32>>(windows, acc, conv_weights, conv_bias);
}

void no_heap_requant(hls::stream<acc_word>& acc, hls::stream<out_word>& out) {
  zh::requantize<out_shape, ap_int<32>, ap_int<8>>(acc, out, conv_requant, zh::requant_output{0, 0, 127});
}

void no_heap_pool(hls::stream<out_word>& in, hls::stream<out_word>& out) {
  zh::global_pool<out_shape, zh::pool_kind::average, ap_int<8>, ap_int<32>, ap_int<8>>(in, out);
}
