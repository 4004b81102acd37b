#!/usr/bin/env bash
# The demo (`make demo`, after `make build`): the Fashion-MNIST CNN compiled to an int8
# accelerator for the PYNQ-Z1, the 10,000 test images on the virtual board against the float
# model (onnxruntime), a seeded fault campaign under the watchdog, and build/demo/summary.json
# and build/demo/report.html (docs/demo.md). Any failing stage stops it with a non-zero exit.
# Extra arguments go to examples/fashion_mnist/demo.py (e.g. --images 1000).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
case "$build" in /*) ;; *) build="$here/$build" ;; esac
zynqnn="$build/bin/zynqnn"
python="$here/build/venv/bin/python"

[ -x "$zynqnn" ] || { echo "demo: $zynqnn is missing: run 'make build' first" >&2; exit 1; }
[ -x "$python" ] || { echo "demo: $python is missing: run 'make deps' (scripts/install-deps.sh) first" >&2; exit 1; }

export ZYNQNN_LIBRARY="$build/lib/libzynqnn_capi.so"
export ZYNQNN_CLI="$zynqnn"
export PYTHONPATH="$here/python${PYTHONPATH:+:$PYTHONPATH}"
# Two cores are shared with the virtual board's PL thread: keep the float model to one thread.
export OMP_NUM_THREADS=1
exec "$python" "$here/examples/fashion_mnist/demo.py" --zynqnn "$zynqnn" --out "$build/demo" "$@"
