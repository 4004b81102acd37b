#!/usr/bin/env bash
# Runs GoogleTest binaries on an emulated x86-64 CPU with AVX2 and FMA but no AVX-512 and no
# VNNI (qemu-x86_64 -cpu Haswell, user mode: the same binaries, only CPUID and the executed
# instructions change). The suite must not depend on the CPU it runs on: results that did
# (a reference computed by CPU-specific int8 kernels) show up here on any build machine.
# usage: on_avx2_only_cpu.sh QEMU_X86_64 TEST_BINARY...
set -uo pipefail
qemu=${1:?usage: on_avx2_only_cpu.sh QEMU_X86_64 TEST_BINARY...}
shift
if [ ! -x "$qemu" ]; then
  echo "on_avx2_only_cpu: qemu-x86_64 is not installed (Debian package qemu-user; scripts/install-deps.sh test installs it)" >&2
  exit 1
fi
passed=0
failed=0
for binary in "$@"; do
  log=$(mktemp)
  if "$qemu" -cpu Haswell "$binary" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "$(basename "$binary"): $(grep -E '^\[  PASSED  \]' "$log")"
  else
    failed=$((failed + 1))
    grep -v "TCG doesn't support requested feature" "$log" | tail -40
    echo "$(basename "$binary"): FAILED on the emulated AVX2-only CPU"
  fi
  rm -f "$log"
done
echo "on an AVX2-only CPU: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
