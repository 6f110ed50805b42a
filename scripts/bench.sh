#!/usr/bin/env bash
# The benchmark command: installs the peers' Debian packages that are missing, configures the
# default preset and runs bench/run.py (aio against libuv, Boost.Asio, asyncio and uvloop),
# which builds the bench programs and writes reports/bench/results.{json,md}.
#   scripts/bench.sh            full run (about 4 minutes on 2 cores)
#   scripts/bench.sh --quick    CI smoke: 2 rounds, n / 10
# Other options go to bench/run.py (--workloads, --impls, --rounds, --out; see --help).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh  # compilers, cmake, Google Benchmark, python3

packages=(libuv1-dev libboost-dev python3-uvloop pkg-config)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "bench: need root (or sudo) to install ${missing[*]}; the peers that need them are skipped" >&2
    fi
  fi
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

cmake --preset default >/dev/null
exec /usr/bin/python3 bench/run.py "$@"
