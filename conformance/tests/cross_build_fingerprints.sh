#!/usr/bin/env bash
# The cross-build determinism test (CTest determinism_cross_build_gcc_O0): builds the sim
# adapter (loop core + aio::sim + the scenario interpreter) with another compiler or
# optimisation level than the presets use, in a scratch build directory, and checks that it
# gives the golden fingerprints (scripts/fingerprints.sh). The presets already check gcc -O2
# (default), clang -O0 (asan) and clang -O2 (tsan) against the same file; this adds gcc -O0.
#
#   cross_build_fingerprints.sh SOURCE_DIR WORK_DIR LOOPCHECK CXX CC CXXFLAGS
set -euo pipefail
[ $# -eq 6 ] || { echo "usage: $0 SOURCE_DIR WORK_DIR LOOPCHECK CXX CC CXXFLAGS" >&2; exit 2; }
src=$1 work=$2 loopcheck=$3 cxx=$4 cc=$5 flags=$6

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
start=$(date +%s)
# Configured once; later runs only rebuild what changed.
if [ ! -f "$work/build.ninja" ]; then
  cmake -S "$src" -B "$work" -G Ninja "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_CXX_FLAGS="$flags" -DAIO_BUILD_TESTS=OFF -DAIO_BUILD_BENCH=OFF \
    -DAIO_HEADER_CHECK=OFF -DAIO_SANITIZE= >"$work.configure.log" 2>&1 ||
    { cat "$work.configure.log"; exit 1; }
fi
cmake --build "$work" --target loopcheck-aio-adapter -j 2 >"$work.build.log" 2>&1 ||
  { tail -50 "$work.build.log"; exit 1; }
echo "built the sim adapter with $cxx $flags in $(( $(date +%s) - start )) s"
adapter=$(find "$work" -name loopcheck-aio-adapter -type f -perm -u+x | head -1)
"$src/scripts/fingerprints.sh" --loopcheck "$loopcheck" --adapter-cmd "$adapter --backend sim"
