#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR briefly on its seed corpus (fuzz/corpus/NAME),
# failing on the first crash or sanitizer report. FUZZ_SECONDS sets the time per target (make test:
# 20 s each; make fuzz: 300 s each).
set -euo pipefail
build=${1:?usage: run-fuzzers.sh BUILD_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-20}
shopt -s nullglob
targets=("$build"/bin/fuzz_*)
if ((${#targets[@]} == 0)); then
  echo "run-fuzzers: no fuzz targets in $build/bin" >&2
  exit 1
fi
passed=0
for target in "${targets[@]}"; do
  name=$(basename "$target")
  corpus="$here/fuzz/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  echo "== $name (${seconds}s, seeds: $corpus)"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work" "$corpus" 2>"$work/log" || {
      tail -50 "$work/log"; echo "run-fuzzers: $name FAILED (artifacts in $work)" >&2; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$work/log" | tail -2
  rm -rf "$work"
  passed=$((passed + 1))
done
echo "fuzz: ${passed} passed, 0 failed"
