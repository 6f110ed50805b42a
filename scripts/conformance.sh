#!/usr/bin/env bash
# The main job: builds loopcheck, runs the whole scenario corpus (scenarios/) on every
# adapter available here, and writes reports/:
#   native   aio on epoll            } when the aio adapter library is part of the build
#   sim      aio on the simulator    }
#   model    the reference model (conformance/model/): CPython's scheduling, virtual time
#   asyncio  CPython's asyncio       } through the Python driver, when /usr/bin/python3 is
#   uvloop   uvloop                  } there (and can import uvloop)
# reports/runs/<adapter>.jsonl is each run's canonical record; from them loopcheck writes
# reports/junit.xml, reports/summary.md and reports/index.html (matrix, findings, traces of
# failures, benchmark chart), and reports/coverage.txt (rules against scenarios).
# Exit status 1 if any result is unexpected (FAIL, ERROR, CRASH, TIMEOUT, XPASS), if a
# scenario or expectations file is invalid, or if a catalogue rule lacks a scenario and a reason.
#   scripts/conformance.sh [--seed S] [--jobs N]
set -euo pipefail
cd "$(dirname "$0")/.."

seed=1
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed=$2; shift 2 ;;
    --jobs|-j) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "conformance.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j 2 --target loopcheck
lc=build/default/conformance/loopcheck

mkdir -p reports
rm -rf reports/runs
status=0
lint=()
if [ -d ../shared/seeds ]; then lint=(--lint); fi  # doc quotes against the seed documents
"$lc" validate "${lint[@]}" || status=1
"$lc" coverage >reports/coverage.txt || { status=1; echo "coverage: see reports/coverage.txt" >&2; }

adapters=()
if "$lc" adapters --no-probe | grep -A1 '^native ' | grep -q unavailable; then
  echo "conformance: native and sim are not built in (conformance/adapters/aio/ is missing)" >&2
  status=1
else
  adapters+=(native sim)
fi
adapters+=(model)
if [ -x /usr/bin/python3 ]; then
  adapters+=(asyncio)
  if /usr/bin/python3 -c 'import uvloop' 2>/dev/null; then adapters+=(uvloop); fi
fi

for a in "${adapters[@]}"; do
  echo "=== $a"
  "$lc" run --adapter "$a" -j "$jobs" --seed "$seed" --report reports --no-progress || status=1
done
echo "reports: reports/index.html, reports/summary.md, reports/junit.xml, reports/runs/*.jsonl"
exit "$status"
