#!/usr/bin/env bash
# The test command: installs what is missing, configures, builds and runs every test through
# CTest, first on the default gcc build, then under ASan+UBSan and TSan (clang).
#   scripts/test.sh            all three builds
#   scripts/test.sh --quick    the default build only
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
jobs=$(nproc)

run_preset() {
  local preset=$1
  echo "=== $preset: configure, build, test"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
}

run_preset default
if [ "$quick" -eq 0 ]; then
  run_preset asan
  run_preset tsan
fi
