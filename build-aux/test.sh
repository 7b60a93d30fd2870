#!/bin/sh
# The README's test command: installs the dependencies, builds Mailpeek and runs the
# whole test suite — the normal build, then the same suite under AddressSanitizer +
# UBSan, the threaded suites under ThreadSanitizer, and a short libFuzzer smoke run of
# every fuzz target. Ends with one line "N passed, N failed" over all of them and exits
# non-zero on any failure.
#
#   MP_SKIP_DEPS=1   skip the apt-get step
#   MP_QUICK=1       only the normal build (no sanitizer or fuzz builds)
#   BUILD=dir        build directory of the normal build (default _build)
set -u
cd "$(dirname "$0")/.."
if [ "${MP_SKIP_DEPS:-0}" != 1 ]; then
  sh build-aux/install-deps.sh || exit 1
fi
BUILD=${BUILD:-_build}
status=0
logs="$BUILD/meson-logs/testlog.json"

echo "=== Normal build: $BUILD"
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" ${MESON_ARGS:-} || exit 1
fi
meson compile -C "$BUILD" || exit 1
meson test -C "$BUILD" --print-errorlogs --num-processes 2 ${MESON_TEST_ARGS:-} || status=1

if [ "${MP_QUICK:-0}" != 1 ]; then
  sh build-aux/sanitizers.sh asan tsan || status=1
  logs="$logs _build-asan/meson-logs/testlog.json _build-tsan/meson-logs/testlog.json"

  echo "=== libFuzzer smoke run: _build-fuzz"
  FUZZ=_build-fuzz
  rm -f "$FUZZ/meson-logs/testlog.json"
  if [ ! -f "$FUZZ/build.ninja" ]; then
    CC=clang meson setup "$FUZZ" -Dfuzzing=true -Dgui=disabled \
      -Db_sanitize=address,undefined -Db_lundef=false \
      "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" || status=1
  fi
  meson test -C "$FUZZ" --suite fuzz --print-errorlogs --num-processes 2 || status=1
  logs="$logs $FUZZ/meson-logs/testlog.json"
fi

# shellcheck disable=SC2086 # one word per log
python3 build-aux/test-summary.py $logs || status=1
exit $status
