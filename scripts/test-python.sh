#!/usr/bin/env bash
# The Python layer's tests (pytest) against the freshly built C ABI library and CLI, including
# an install of the package into a fresh venv; then PYNQ's own code on the virtual board in its
# own venv (build/pynq-venv: pynq pins an older protobuf than onnx needs in build/venv).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
export ZYNQNN_LIBRARY="$build/lib/libzynqnn_capi.so"
export ZYNQNN_CLI="$build/bin/zynqnn"
export PYTHONPATH="$here/python${PYTHONPATH:+:$PYTHONPATH}"
cd "$here"
pynq_tests=python/tests/test_pynq_device.py
"$here/build/venv/bin/python" -m pytest -q python/tests --ignore="$pynq_tests" "$@"

# PYNQ 3.1.2 from PyPI, every package at the version python/constraints/pynq.txt names, made
# anew when the pins change. An install that fails stops the run (set -e): these tests are
# never skipped for want of pynq.
venv="$build/pynq-venv"
stamp="$venv/.requirements-installed"
constraints="$here/python/constraints/pynq.txt"
requirements="$here/python/requirements-pynq.txt"
if [ ! -f "$stamp" ] || [ "$constraints" -nt "$stamp" ] || [ "$requirements" -nt "$stamp" ]; then
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q -c "$constraints" pip
  "$venv/bin/pip" install -q -c "$constraints" -r "$requirements"
  touch "$stamp"
fi
status=0
ZYNQNN_REQUIRE_PYNQ=1 "$venv/bin/python" -m pytest -q "$pynq_tests" "$@" || status=$?
# 5: a -k expression given for the other tests selected none of these.
[ "$status" -eq 0 ] || [ "$status" -eq 5 ] || exit "$status"
