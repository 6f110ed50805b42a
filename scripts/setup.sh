#!/usr/bin/env bash
# Installs the Debian 12 packages loopcheck needs, only those that are missing.
# Called by scripts/test.sh and scripts/conformance.sh; safe to run again.
set -euo pipefail

packages=(
  g++ clang lld cmake ninja-build pkg-config   # compilers and build
  libclang-rt-dev                              # clang's sanitizer runtimes (asan/tsan presets)
  libgtest-dev libgmock-dev                    # tests
  librapidcheck-dev                            # conformance/properties/: property tests
  libbenchmark-dev                             # bench/
  libyaml-cpp-dev nlohmann-json3-dev           # conformance/: the loopcheck harness
  python3 python3-yaml python3-uvloop          # the Python driver (asyncio, uvloop), reference tools
  chromium                                     # conformance tests: the HTML report renders
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
