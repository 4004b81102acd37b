#!/usr/bin/env bash
# The Python layer's tests (pytest) against the freshly built C ABI library and CLI, including
# an install of the package into a fresh venv.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
export ZYNQNN_LIBRARY="$build/lib/libzynqnn_capi.so"
export ZYNQNN_CLI="$build/bin/zynqnn"
export PYTHONPATH="$here/python${PYTHONPATH:+:$PYTHONPATH}"
cd "$here"
"$here/build/venv/bin/python" -m pytest -q python/tests "$@"
