#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR briefly on its seed corpus (fuzz/corpus/NAME),
# failing on the first crash or sanitizer report. FUZZ_SECONDS sets the time per target (make test:
# 20 s each; make fuzz: 300 s each); FUZZ_JOBS targets run at once (default: the core count).
set -euo pipefail
build=${1:?usage: run-fuzzers.sh BUILD_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-$(nproc)}
shopt -s nullglob
targets=("$build"/bin/fuzz_*)
if ((${#targets[@]} == 0)); then
  echo "run-fuzzers: no fuzz targets in $build/bin" >&2
  exit 1
fi

# One target: its verdict in $work/verdict ("ok" or "FAILED"), its log in $work/log.
run_one() {
  local target=$1 work=$2
  local name corpus
  name=$(basename "$target")
  corpus="$here/fuzz/corpus/${name#fuzz_}"
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$work/" "$work/corpus" "$corpus" 2>"$work/log"; then
    echo ok >"$work/verdict"
  else
    echo FAILED >"$work/verdict"
  fi
}

works=()
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  work=$(mktemp -d)
  mkdir "$work/corpus"
  works+=("$work")
  echo "== $(basename "$target") (${seconds}s, seeds: $here/fuzz/corpus/$(basename "$target" | sed 's/^fuzz_//'))"
  run_one "$target" "$work" &
done
wait

passed=0
failed=0
for i in "${!targets[@]}"; do
  name=$(basename "${targets[$i]}")
  work=${works[$i]}
  if [ "$(cat "$work/verdict" 2>/dev/null)" = ok ]; then
    echo "$name: $(grep -E "stat::number_of_executed_units" "$work/log" | tail -1)"
    rm -rf "$work"
    passed=$((passed + 1))
  else
    tail -50 "$work/log"
    echo "run-fuzzers: $name FAILED (artifacts in $work)" >&2
    failed=$((failed + 1))
  fi
done
echo "fuzz: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
