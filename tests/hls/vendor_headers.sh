#!/bin/sh
# Every generated design against Xilinx's own ap_types (the copy the pinned hls4ml wheel ships,
# hls4ml/templates/vivado/ap_types): each HLS source must be C++14, as Vitis HLS 2020.2-2021.2
# compile it with gcc 6.2 (UG1399), and each testbench built on Xilinx's headers must print the
# same output digest as the one built on zynqnn's C-simulation headers: bit-identical outputs.
# Xilinx publishes no ap_axi_sdata.h; zynqnn's (hls/include/ap_axi_sdata.h: the documented
# ap_axiu / hls::axis fields) stands in for it, copied apart so that it includes Xilinx's ap_int.h.
# Usage: vendor_headers.sh ZYNQNN_CLI WORK_DIR SOURCE_DIR FIXTURES_DIR PYTHON
set -eu
cli=$1 work=$2 source=$3 fixtures=$4 python=$5
vendor=$("$python" -c 'import importlib.util, os; s = importlib.util.find_spec("hls4ml"); print(os.path.join(s.submodule_search_locations[0], "templates", "vivado", "ap_types"))') || {
  echo "hls4ml (for Xilinx's ap_types) is not installed in $python: run scripts/install-deps.sh test"; exit 1; }
[ -f "$vendor/ap_fixed.h" ] || { echo "no ap_fixed.h in $vendor"; exit 1; }
rm -rf "$work"
mkdir -p "$work/axis"
cp "$source/hls/include/ap_axi_sdata.h" "$work/axis/"

for spec in "$source"/examples/specs/*.json; do
  "$cli" generate "$spec" -o "$work/spec-$(basename "$spec" .json)" --no-build >/dev/null
done
mnist=$fixtures/onnx/mnist-8/model.onnx
torch=$source/tests/models/torch
"$cli" compile "$mnist" -o "$work/mnist-float32" --no-build >/dev/null
"$cli" compile "$mnist" -o "$work/mnist-fixed" --precision 'fixed<16,6>' --no-build >/dev/null
"$cli" compile "$mnist" -o "$work/mnist-ddr-folded" --weights ddr --target-fps 500 --no-build >/dev/null
"$cli" compile "$torch/qdq/lenet_per_channel.onnx" -o "$work/lenet-int8" --no-build >/dev/null
for model in sensor1d residual depthwise_separable view_mlp; do
  "$cli" compile "$torch/torchscript/$model.onnx" -o "$work/$model" --no-build >/dev/null
done
for model in head_tanh head_hardswish; do  # activations through double on ap_fixed
  "$cli" compile "$torch/torchscript/$model.onnx" -o "$work/$model-fixed" --precision 'fixed<16,6>' --no-build >/dev/null
done

# The layer library's headers, each alone (the designs below include only what they use).
sources=0
for header in "$source"/hls/layers/*.h; do
  unit="$work/header-$(basename "$header").cpp"
  printf '#include "%s"\n' "$header" >"$unit"
  if ! out=$(g++ -std=c++14 -pedantic-errors -fsyntax-only -isystem "$work/axis" -isystem "$vendor" "$unit" 2>&1); then
    echo "not C++14 on Xilinx's headers: $header"; echo "$out" | grep -m 10 error; exit 1
  fi
  sources=$((sources + 1))
done

# Each design's testbench on both sets of headers: the same digest of every output slot.
designs=0
for hls in "$work"/*/hls; do
  tb=$(ls "$hls"/*_tb.cpp)
  units="$tb $(ls "$hls"/*_top.cpp) $(ls "$hls"/*_compute.cpp 2>/dev/null || true)"
  # shellcheck disable=SC2086
  # C++14 with pedantic errors: a C++17 construct in a design is an error; Xilinx's headers are exempt.
  if ! out=$(g++ -std=c++14 -pedantic-errors -O1 -isystem "$work/axis" -isystem "$vendor" -I "$hls" -o "$hls/tb_xilinx" $units 2>&1); then
    echo "not C++14 on Xilinx's headers: $hls"; echo "$out" | grep -m 10 error; exit 1
  fi
  sources=$((sources + $(echo "$units" | wc -w)))
  # shellcheck disable=SC2086
  g++ -std=c++17 -O1 -w -I "$source/hls/include" -I "$hls" -o "$hls/tb_zynqnn" $units
  xilinx=$(cd "$hls" && ./tb_xilinx | tail -1)
  zynqnn=$(cd "$hls" && ./tb_zynqnn | tail -1)
  case $xilinx in *"testbench: passed (output digest"*) ;; *) echo "$hls on Xilinx's headers: $xilinx"; exit 1 ;; esac
  if [ "$xilinx" != "$zynqnn" ]; then
    echo "$hls: outputs differ between Xilinx's headers ($xilinx) and zynqnn's ($zynqnn)"; exit 1
  fi
  designs=$((designs + 1))
done
echo "$sources HLS sources are C++14 on Xilinx's ap_types; $designs designs give bit-identical testbench outputs on both"
