#pragma once
// The arithmetic a compiled network uses on the programmable logic (the runtime's type: the
// host converts values to it when it runs the network).
#include "zynqnn/network/precision.hpp"

namespace zynqnn::compiler {

using network::Precision;
using network::PrecisionKind;

}  // namespace zynqnn::compiler
