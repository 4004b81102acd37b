#pragma once
// C-simulation model of Vitis HLS AXI4-Stream side-channel types, zynqnn's own:
// ap_axis / ap_axiu (signed / unsigned data) and the hls::axis template of newer releases.
// TKEEP and TSTRB have one bit per data byte; TLAST marks the final word of a packet.
#include "ap_int.h"

template <int D, int U, int TI, int TD>
struct ap_axis {
  ap_int<D> data;
  ap_uint<(D + 7) / 8> keep;
  ap_uint<(D + 7) / 8> strb;
  ap_uint<U> user;
  ap_uint<1> last;
  ap_uint<TI> id;
  ap_uint<TD> dest;
};

template <int D, int U, int TI, int TD>
struct ap_axiu {
  ap_uint<D> data;
  ap_uint<(D + 7) / 8> keep;
  ap_uint<(D + 7) / 8> strb;
  ap_uint<U> user;
  ap_uint<1> last;
  ap_uint<TI> id;
  ap_uint<TD> dest;
};

namespace hls {
template <typename T, int U = 0, int TI = 0, int TD = 0>
struct axis {
  T data;
  ap_uint<(T::length() + 7) / 8> keep;
  ap_uint<(T::length() + 7) / 8> strb;
  ap_uint<U> user;
  ap_uint<1> last;
  ap_uint<TI> id;
  ap_uint<TD> dest;
};
}  // namespace hls
