#!/usr/bin/env bash
# Installs what zynqnn needs on a Debian machine (apt packages) and the Python test
# environment (a venv under build/venv). Idempotent: does nothing when all is present.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

apt_packages=(
  build-essential cmake ninja-build pkg-config git
  libgtest-dev libgmock-dev googletest libbenchmark-dev valgrind
  clang libclang-rt-14-dev
  g++-arm-linux-gnueabihf qemu-user
  tcl
  libonnx-dev libprotobuf-dev protobuf-compiler zlib1g-dev
  nlohmann-json3-dev libpugixml-dev libcli11-dev libfmt-dev libspdlog-dev
  libkainjow-mustache-dev libmosquitto-dev mosquitto mosquitto-clients
  python3 python3-venv python3-dev
  dataset-fashion-mnist
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Python environment: built with Debian's interpreter so it matches python3-dev.
venv="$here/build/venv"
stamp="$venv/.requirements-installed"
if [ ! -f "$stamp" ] || [ "$here/python/requirements-dev.txt" -nt "$stamp" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -r "$here/python/requirements-dev.txt"
  touch "$stamp"
fi
