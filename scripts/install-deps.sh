#!/usr/bin/env bash
# Installs what zynqnn needs on a Debian machine (apt packages) and the Python environment
# (a venv under build/venv, every version pinned by python/constraints/dev.txt). Idempotent:
# does nothing when all is present.
#
# usage: install-deps.sh [demo|test]
#   demo  what `make demo` needs: the compiler toolchain, the libraries the CLI and the C ABI
#         link, the Python environment and the Fashion-MNIST test set;
#   test  (default) all of that, plus GoogleTest, Google Benchmark, clang (sanitizers, libFuzzer),
#         the armhf cross compiler, qemu (armhf tests; an emulated x86-64 CPU for the reference
#         checks), Tcl, valgrind and the MQTT broker the tests use.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:-test}

demo_packages=(
  build-essential cmake ninja-build pkg-config git ccache
  libonnx-dev libprotobuf-dev protobuf-compiler zlib1g-dev
  nlohmann-json3-dev libpugixml-dev libcli11-dev libfmt-dev libspdlog-dev
  libkainjow-mustache-dev libmosquitto-dev
  python3 python3-venv python3-dev
  dataset-fashion-mnist
)
test_packages=(
  libgtest-dev libgmock-dev googletest libbenchmark-dev valgrind
  clang libclang-rt-14-dev
  g++-arm-linux-gnueabihf qemu-user
  tcl
  mosquitto mosquitto-clients
)
case "$profile" in
  demo) apt_packages=("${demo_packages[@]}") ;;
  test) apt_packages=("${demo_packages[@]}" "${test_packages[@]}") ;;
  *) echo "install-deps: unknown profile '$profile' (demo or test)" >&2; exit 2 ;;
esac

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps ($profile): installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Debian versions the suite was last run with are recorded in scripts/debian-versions.txt;
# a machine with others still runs (Debian stable's point releases change them), and says so.
recorded="$here/scripts/debian-versions.txt"
mkdir -p "$here/build"
dpkg-query -W -f='${Package}=${Version}\n' "${apt_packages[@]}" 2>/dev/null | sort >"$here/build/debian-versions.txt" || true
if [ -f "$recorded" ]; then
  differ=$(grep -v '^#' "$recorded" | sort | comm -13 - "$here/build/debian-versions.txt" | tr '\n' ' ')
  [ -z "$differ" ] || echo "install-deps: Debian packages differ from scripts/debian-versions.txt: $differ"
fi

# The Python environment: built with Debian's interpreter so it matches python3-dev. Every
# package, pip included, at the version python/constraints/dev.txt names.
venv="$here/build/venv"
stamp="$venv/.requirements-installed"
constraints="$here/python/constraints/dev.txt"
if [ ! -f "$stamp" ] || [ "$here/python/requirements-dev.txt" -nt "$stamp" ] || [ "$constraints" -nt "$stamp" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q -c "$constraints" pip
  "$venv/bin/pip" install -q -c "$constraints" -r "$here/python/requirements-dev.txt"
  # Only for the files it ships: Xilinx's open-source ap_types, the reference the generated
  # designs are compiled against (tests/hls/vendor_headers.sh); none of its dependencies.
  "$venv/bin/pip" install -q --no-deps -c "$constraints" hls4ml
  touch "$stamp"
fi
