#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz) in _build-fuzz and runs each for
# SECONDS (default 60), one after the other; prints executions and coverage
# per target and exits non-zero if any target crashed.
#
#   build-aux/fuzz.sh [SECONDS] [TARGET...]      e.g. build-aux/fuzz.sh 300 pop3-session
#
# The whole project is compiled with clang and
# -fsanitize=fuzzer-no-link,address,undefined (so libFuzzer sees coverage of
# the engine and mail libraries, and ASan/UBSan check them); the targets link
# with -fsanitize=fuzzer,address,undefined (tests/fuzz/meson.build).
# New inputs go to tests/fuzz/corpus-run/<target>/ (git-ignored); crash
# reproducers to _build-fuzz/fuzz-artifacts/. Copy a reproducer into
# tests/fuzz/corpus/<target>/ so every normal `meson test` replays it.
# Logs: _build-fuzz/fuzz-logs/<target>.log (libFuzzer's -print_final_stats=1).
set -u
cd "$(dirname "$0")/.."
SECS=${1:-60}
[ $# -gt 0 ] && shift
BUILD=${MP_FUZZ_BUILD:-_build-fuzz}

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang meson setup "$BUILD" -Dfuzzing=true -Dgui=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false \
    "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" || exit 1
fi
# Only the fuzz targets (and the libraries they link): the CLI or other
# programs need not build for fuzzing to work.
targets=$(meson introspect --targets "$BUILD" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["type"] == "executable" and t["name"].startswith("fuzz-"):
        print("tests/fuzz/" + t["name"])')
[ -n "$targets" ] || { echo "no fuzz target configured" >&2; exit 1; }
# shellcheck disable=SC2086 # one word per target
meson compile -C "$BUILD" -j 2 $targets || exit 1

mkdir -p "$BUILD/fuzz-logs" "$BUILD/fuzz-artifacts"
status=0
results=""
for exe in "$BUILD"/tests/fuzz/fuzz-*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=${exe##*/fuzz-}
  if [ $# -gt 0 ]; then
    case " $* " in *" $name "*) ;; *) continue ;; esac
  fi
  corpus=tests/fuzz/corpus-run/$name
  log=$BUILD/fuzz-logs/$name.log
  mkdir -p "$corpus"
  echo "=== $name: ${SECS} s"
  ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" \
  "$exe" -max_total_time="$SECS" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$BUILD/fuzz-artifacts/$name-" \
    "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  # last status line, e.g. "#123456 DONE cov: 812 ft: 2345 corp: 210/40Kb ..."
  last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -n 1)
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p')
  if [ $rc -eq 0 ]; then
    verdict=ok
  else
    verdict="CRASH (exit $rc)"
    status=1
    grep -E 'ERROR: |SUMMARY: |runtime error|fuzz check failed' "$log" | head -n 5
    grep -E 'Test unit written to' "$log" | sed 's/^/  /'
  fi
  results="$results$(printf '%-14s execs %-10s (%s/s)  cov %-6s ft %-6s corpus %-12s %s' \
    "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict")
"
done

echo
echo "Fuzzing summary (${SECS} s per target; logs in $BUILD/fuzz-logs):"
printf '%s' "$results"
[ -n "$results" ] || { echo "no fuzz target was built" >&2; status=1; }
exit $status
