#!/usr/bin/env bash
# Benchmarks (`make bench`): the Google Benchmark targets, `zynqnn bench dma` on each device,
# and the instructions one DMA round trip costs, counted by callgrind as the difference
# between two runs (1,000 and 11,000 calls) so that start-up cancels out.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
bin="$build/bin"
[ -x "$bin/zynqnn" ] || { echo "bench: $bin/zynqnn is missing: run 'make build' first" >&2; exit 1; }

echo "== Google Benchmark targets"
for bench in "$bin"/bench_*; do
  [ -x "$bench" ] || continue
  "$bench" --benchmark_min_time=0.2
done

echo
echo "== fault campaign on the virtual board (generated 256-word pass-through, three policies; docs/watchdog.md)"
calls=${CAMPAIGN_CALLS:-100000}
"$bin/zynqnn" generate bench/campaign_passthrough.json -o "$build/campaign/pt256" >/dev/null
"$bin/zynqnn" campaign "$build/campaign/pt256" --calls "$calls" --seed 1 \
  --faults hang=0.001,stall=0.001,missing_tlast=0.001,extra_words=0.001,corrupt_output=0.001,bus_error=0.001,early_tlast=0.001,drift=0.0005 \
  --input-range 0:16777215 --output-range 0:16777215

echo
echo "== zynqnn bench dma"
devices=$("$bin/zynqnn" bench dma --help | sed -n 's/.*--device.*{\(.*\)}.*/\1/p' | tr ',' ' ')
for device in ${devices:-null}; do
  calls=200000
  [ "$device" = null ] || calls=2000
  "$bin/zynqnn" bench dma --device "$device" --calls "$calls" --bytes-in 4096 --bytes-out 4096 --json
done
# The virtual board's reference round trip: 1 KiB each way through the loopback (host time;
# docs/virtual-board.md, "Host cost"). Wall-clock time depends on the machine's load: reported
# with the load average, never failed on.
reference=$("$bin/zynqnn" bench dma --device virtual --calls 2000 --bytes-in 1024 --bytes-out 1024 --json)
echo "$reference"
median_ns=$(echo "$reference" | sed -n 's/.*"ns_per_call_median":\([0-9.e+]*\).*/\1/p')
echo "virtual board, 1 KiB loopback round trip: $(awk -v ns="$median_ns" 'BEGIN { printf "%.1f", ns / 1000 }') us median" \
  "(target <= 20 us; load average $(cut -d' ' -f1-3 /proc/loadavg))"

echo
echo "== instructions per DMA round trip (null device, callgrind)"
if ! command -v valgrind >/dev/null; then
  echo "valgrind is not installed: skipped"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  count() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out.$1" \
      "$bin/zynqnn" bench dma --device null --calls "$1" --bytes-in 4096 --bytes-out 4096 >/dev/null 2>"$tmp/log.$1"
    sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$tmp/out.$1"
  }
  small=$(count 1000)
  large=$(count 11000)
  per_call=$(( (large - small) / 10000 ))
  echo "instructions: ${small} for 1,000 calls, ${large} for 11,000 calls"
  echo "instructions per round trip: ${per_call} (target <= 1500)"
  if (( per_call > 1500 )); then
    echo "bench: over the 1,500-instruction target" >&2
    exit 1
  fi
fi

echo
echo "== instructions per watched call (null board, 256-word pass-through, callgrind; docs/watchdog.md)"
# Inclusive instructions of Watchdog::process (fixed, adaptive) and of Accelerator::run (the
# bare call, plus 125 for its 1 KiB input copy) divided by their call counts.
per_call_of() {  # callgrind file, function name
  awk -v want="$2" '
    /^c?fn=\(/ { id = $1; sub(/^c?fn=/, "", id); name = substr($0, index($0, ")") + 2)
                  if (name != "") names[id] = name
                  if ($0 ~ /^cfn=/) current = id; next }
    /^calls=/ { split($1, c, "="); pending = c[2]; next }
    pending != "" { calls[current] += pending; cost[current] += $2; pending = ""; next }
    END { for (id in calls) if (names[id] == want) { n += calls[id]; total += cost[id] }
          if (n > 0) printf "%d", total / n }' "$1"
}
if [ -x "$bin/bench_watchdog" ]; then
  for run in bare_call/virtual:0 watched_call/virtual:0/adaptive:0 watched_call/virtual:0/adaptive:1; do
    out="$tmp/watchdog.$(echo "$run" | tr '/:' '__')"
    valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$out" \
      "$bin/bench_watchdog" --benchmark_filter="^$run\$" --benchmark_min_time=0.05 >/dev/null 2>&1
    case "$run" in
      bare_call*) echo "bare call: $(( $(per_call_of "$out" "zynqnn::Accelerator::run(std::chrono::duration<long, std::ratio<1l, 1000000000l> >)") + 125 )) instructions" ;;
      *adaptive:0) echo "fixed: $(per_call_of "$out" "zynqnn::watchdog::Watchdog::process(unsigned long, std::vector<std::span<std::byte const, 18446744073709551615ul>, std::allocator<std::span<std::byte const, 18446744073709551615ul> > > const&, zynqnn::watchdog::CallReport&)") instructions" ;;
      *adaptive:1) echo "adaptive: $(per_call_of "$out" "zynqnn::watchdog::Watchdog::process(unsigned long, std::vector<std::span<std::byte const, 18446744073709551615ul>, std::allocator<std::span<std::byte const, 18446744073709551615ul> > > const&, zynqnn::watchdog::CallReport&)") instructions" ;;
    esac
  done
else
  echo "bench_watchdog is not built (configure with -DZYNQNN_BENCH=ON): skipped"
fi

echo
echo "== one Python call (784-byte input, 40-byte output): zynqnn vs PYNQ's DMA channel code"
# Its own environment: pynq pins an older protobuf, which would break onnx in build/venv.
venv="$build/pynq-bench-venv"
{ [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } &&
  "$venv/bin/pip" install -q -c python/constraints/pynq.txt pip numpy cffi &&
  "$venv/bin/pip" install -q -c python/constraints/pynq.txt -r python/requirements-pynq.txt ||
  echo "bench: pynq could not be installed; the plain-Python register sequence stands in (labeled)"
ZYNQNN_LIBRARY="$build/lib/libzynqnn_capi.so" ZYNQNN_CLI="$bin/zynqnn" PYTHONPATH="$PWD/python" \
  "$venv/bin/python" -m zynqnn.bench --calls 20000 --instructions --json | tee "$tmp/python-bench.json"
# The requirement: at least 10x fewer instructions per call than PYNQ's path, same run.
"$venv/bin/python" - "$tmp/python-bench.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
ratio = report.get("ratio_instructions_pynq_over_null")
if ratio is None:
    sys.exit("bench: no instruction counts (valgrind missing?)")
paths = report["paths"]
print(f"one Python call: {paths['null']['instructions_per_call']:,.0f} instructions, "
      f"{paths['null']['median_ns_per_call']:,.0f} ns median; PYNQ {paths['pynq']['instructions_per_call']:,.0f} "
      f"instructions, {paths['pynq']['median_ns_per_call']:,.0f} ns: {ratio:.1f}x fewer instructions (target >= 10)")
if ratio < 10:
    sys.exit("bench: under the 10x target")
PY

echo
echo "== mnist-8 C-simulation: zynqnn beside hls4ml (build/hls4ml-venv, bench/hls4ml_side_by_side.py)"
hls_venv="$build/hls4ml-venv"
if { [ -x "$hls_venv/bin/python" ] || python3 -m venv "$hls_venv" >/dev/null 2>&1; } &&
   "$hls_venv/bin/pip" install -q -c python/constraints/hls4ml.txt -r python/requirements-hls4ml.txt \
     >"$build/hls4ml-pip.log" 2>&1; then
  "$hls_venv/bin/python" bench/hls4ml_side_by_side.py --zynqnn "$bin/zynqnn" \
    --network-bench "$bin/compiler_network_bench" --work-dir "$build/bench-hls4ml" \
    --json-out "$build/bench-hls4ml/result.json"
else
  echo "hls4ml side by side: skipped, hls4ml could not be installed (see $build/hls4ml-pip.log)"
fi
