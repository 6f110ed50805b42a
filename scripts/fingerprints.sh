#!/usr/bin/env bash
# The golden simulator fingerprints: the scenario corpus on aio::sim for seeds 1..5, and for
# seeds 1..2 in chaos mode (documented level), one fingerprint per scenario run, against the
# checked-in conformance/tests/data/sim-fingerprints.txt. Every build of aio (gcc or clang,
# -O0 or -O2, sanitizers or not) must give exactly these: CTest checks it in every preset
# (test determinism_fingerprints_golden) and builds a gcc -O0 adapter to check that too.
#
#   scripts/fingerprints.sh                 compare (build/default's loopcheck, adapter sim)
#   scripts/fingerprints.sh --update        rewrite the file, after a change that is meant to
#                                           change traces (a new scenario, a new trace line...)
#   options: --loopcheck BIN   --adapter-cmd 'CMD'   --golden FILE
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
loopcheck="$root/build/default/conformance/loopcheck"
golden="$root/conformance/tests/data/sim-fingerprints.txt"
adapter=(--adapter sim)
update=0
while [ $# -gt 0 ]; do
  case "$1" in
    --loopcheck) loopcheck=$2; shift 2 ;;
    --adapter-cmd) adapter=(--adapter-cmd "$2"); shift 2 ;;
    --golden) golden=$2; shift 2 ;;
    --update) update=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "fingerprints.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ -x "$loopcheck" ] || { echo "fingerprints.sh: no loopcheck at $loopcheck (build it, or give --loopcheck)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One run of the corpus: "<id> seed=<S> <mode> <fingerprint>" per scenario run.
collect() {
  local mode=$1; shift
  # The exit status is not ours to judge (a failing scenario has a fingerprint too), but every
  # run must have given one.
  "$loopcheck" run "${adapter[@]}" --root "$root" --fingerprint --no-progress -q "$@" >"$tmp/out" 2>"$tmp/err" || true
  if ! grep -q '^fingerprint [0-9a-f]* combined' "$tmp/out"; then
    echo "fingerprints.sh: loopcheck run $* gave no fingerprints:" >&2
    cat "$tmp/out" "$tmp/err" >&2
    exit 1
  fi
  awk -v mode="$mode" '$1 == "fingerprint" && $3 != "combined" && $3 != "none:" { print $3, $4, mode, $2 }' "$tmp/out"
}

{
  collect plain --seed 1 --repeat 5
  collect chaos --seed 1 --repeat 2 --chaos
} | LC_ALL=C sort >"$tmp/now"

count=$(wc -l <"$tmp/now")
if [ "$update" -eq 1 ]; then
  {
    echo "# Golden fingerprints of the scenario corpus on aio::sim: <scenario> seed=<S> <plain|chaos> <fingerprint>."
    echo "# Every build must give exactly these. Regenerate (after a change meant to change traces):"
    echo "#   scripts/fingerprints.sh --update"
    cat "$tmp/now"
  } >"$golden"
  echo "fingerprints.sh: wrote $count fingerprints to $golden"
  exit 0
fi

[ -f "$golden" ] || { echo "fingerprints.sh: no $golden: run scripts/fingerprints.sh --update" >&2; exit 1; }
grep -v '^#' "$golden" >"$tmp/golden"
if cmp -s "$tmp/golden" "$tmp/now"; then
  echo "fingerprints.sh: $count fingerprints, all as in $(basename "$golden")"
  exit 0
fi
echo "fingerprints.sh: the fingerprints differ from $golden (< golden, > this build):"
diff "$tmp/golden" "$tmp/now" | head -60 || true
echo "If only one compiler or optimisation level differs, determinism is broken (see sim/README.md,"
echo "Determinism: loopcheck run --check-determinism, the source scan). If every build differs after"
echo "a change meant to change traces, regenerate: scripts/fingerprints.sh --update"
exit 1
