#!/bin/sh
# Installs the dependencies, builds Mailpeek and runs the whole test suite.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
if [ "${MP_SKIP_DEPS:-0}" != 1 ]; then
  sh build-aux/install-deps.sh
fi
BUILD=${BUILD:-_build}
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" ${MESON_ARGS:-}
fi
meson compile -C "$BUILD"
status=0
meson test -C "$BUILD" --print-errorlogs --num-processes 2 ${MESON_TEST_ARGS:-} || status=$?
python3 build-aux/test-summary.py "$BUILD/meson-logs/testlog.json" || status=1
exit $status
