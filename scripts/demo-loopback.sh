#!/usr/bin/env bash
# The seed example end to end on the virtual board (`make demo-loopback`; `make demo` is the
# Fashion-MNIST demo). 1,024 int32
# points through the loopback kernel and back, checked; then the same with the kernel hung:
# the wait ends at its deadline, the driver recovers (abort, reconfigure, re-init) and the
# next transfer is checked again.
set -euo pipefail
cd "$(dirname "$0")/.."
zynqnn=${BUILD:-build}/bin/zynqnn
[ -x "$zynqnn" ] || { echo "demo: $zynqnn is missing: run 'make build' first" >&2; exit 1; }

echo "== loopback, 1024 points"
"$zynqnn" loopback --points 1024
echo
echo "== loopback, 1024 points, kernel hung (deadline 100 ms of board time)"
"$zynqnn" loopback --points 1024 --fault hang --timeout-ms 100
echo
echo "== the same as JSON"
"$zynqnn" loopback --points 1024 --fault hang --timeout-ms 100 --json
