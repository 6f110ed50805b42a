#!/usr/bin/env bash
# The long fuzzing campaign: builds the fuzz targets in the asan preset (clang, libFuzzer,
# ASan+UBSan) and runs each for N minutes, one after another, on its own growing corpus
# under build/fuzz/corpus/<target> (seeded from fuzz/targets.txt's directories), with its
# dictionary. Crashes, leaks and timeouts land in build/fuzz/artifacts/; logs in
# build/fuzz/logs/<target>.log; the last status line of each run is printed at the end.
#   scripts/fuzz.sh                        every target, 10 minutes each
#   scripts/fuzz.sh --minutes 2 check_trace scenario_yaml
#   scripts/fuzz.sh --jobs 2               two targets at a time (the machine has 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10
jobs=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=$(grep '^[a-z]' fuzz/targets.txt | cut -d' ' -f1)
[ ${#targets[@]} -eq 0 ] && read -r -a targets <<< "$(echo $all)"
for t in "${targets[@]}"; do
  grep -qx "$t" <<< "$all" || { echo "fuzz.sh: no target '$t' (fuzz/targets.txt has: $(echo $all))" >&2; exit 2; }
done

[ -f build/asan/CMakeCache.txt ] || cmake --preset asan >/dev/null
bins=()
for t in "${targets[@]}"; do bins+=("${t}_fuzzer"); done
cmake --build --preset asan -j 2 --target "${bins[@]}"

out=build/fuzz
mkdir -p "$out/logs" "$out/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1 seeds dict=()
  seeds=$(grep "^$t " fuzz/targets.txt | cut -d' ' -f2-)
  mkdir -p "$out/corpus/$t"
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  echo "== $t: $minutes min, log $out/logs/$t.log"
  # shellcheck disable=SC2086
  nice -n 10 "build/asan/fuzz/${t}_fuzzer" -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" "${dict[@]}" \
    "$out/corpus/$t" $seeds > "$out/logs/$t.log" 2>&1 || echo "!! $t stopped early: see $out/logs/$t.log"
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

status=0
for t in "${targets[@]}"; do
  log=$out/logs/$t.log
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  eps=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
  if grep -qE '^(==[0-9]+==ERROR|SUMMARY: |fuzz invariant broken|ALARM: working on the last Unit)' "$log"; then
    echo "$t: FOUND A PROBLEM (artifacts in $out/artifacts/, log $log)"; status=1
  else
    echo "$t: clean; ${eps:-?} exec/s; $last"
  fi
done
exit $status
