#!/bin/sh
# Host-build time of a compiled network's C-simulation library (g++, -O1 and -O2) and
# inferences per second of mnist-8 on this CPU (float32, int8).
# Usage: bench/compiler_bench.sh [BUILD_DIR]   (BUILD_DIR configured with -DZYNQNN_BENCH=ON)
set -eu
build=${1:-build}
model=${ZYNQNN_FIXTURES_DIR:-/work/shared/fixtures}/onnx/mnist-8/model.onnx
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$build/bin/zynqnn" compile "$model" -o "$out/mnist" --no-build >/dev/null
for opt in -O1 -O2; do
  rm -f "$out"/mnist/sim/*.o "$out"/mnist/sim/libkernel.so
  start=$(date +%s.%N)
  ZYNQNN_SIM_OPT=$opt sh "$out/mnist/sim/build.sh" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "sim library build (mnist-8, float32, g++ $opt): $(echo "$end - $start" | bc) s"
done
if [ -x "$build/bin/compiler_bench" ]; then
  "$build/bin/compiler_bench"
else
  echo "compiler_bench not built (configure with -DZYNQNN_BENCH=ON)"
fi
