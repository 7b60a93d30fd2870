#!/bin/sh
# Builds and tests Mailpeek under sanitizers; exits non-zero on any failure.
#
#   build-aux/sanitizers.sh [asan|tsan]...      (default: both)
#
# asan: the whole project with AddressSanitizer + UBSan (+ LeakSanitizer) in
#       _build-asan, whole test suite. Known third-party leaks are suppressed
#       by build-aux/lsan.supp (each entry says why).
# tsan: ThreadSanitizer in _build-tsan (without the GUI: GTK is not what we
#       race-check), suites core, pop3 and mail. Debian's GLib is not built with
#       TSan, so build-aux/tsan-glib-shim.c is linked into the executables to
#       annotate GLib's locks, queues, pools, main-context hand-offs and
#       reference counts (see that file); without it every worker → main
#       context hand-off is a false race. build-aux/tsan.supp covers what
#       GLib does inside itself.
#
# Each build keeps meson-logs/testlog.json for build-aux/test-summary.py.
# Tests see MP_SANITIZER=address or thread: sanitized code is several times
# slower and ASan's shadow memory inflates RSS, so tests that assert a time
# or memory bound should relax or skip that bound when it is set.
# Environment: MESON_ARGS (extra setup args), MESON_TEST_ARGS (extra test
# args), MP_SAN_TIMEOUT_MULTIPLIER (default 4).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MULT=${MP_SAN_TIMEOUT_MULTIPLIER:-4}
status=0

# Configure $1 with the remaining arguments; reconfigure an existing build.
setup () {
  dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" ${MESON_ARGS:-}
  else
    meson setup "$dir" "$@" ${MESON_ARGS:-}
  fi
}

run_asan () {
  echo "=== AddressSanitizer + UBSan: _build-asan (whole test suite)"
  rm -f _build-asan/meson-logs/testlog.json  # never summarise a stale run
  setup _build-asan -Db_sanitize=address,undefined -Db_lundef=false || return 1
  meson compile -C _build-asan -j 2 || return 1
  # detect_leaks: LSan at exit of every test program. fast_unwind_on_malloc=0:
  # GLib and the other system libraries have no frame pointers, so only the
  # slow unwinder gets past g_malloc() to the frames lsan.supp names.
  # Stack-use-after-return detection stays off (slow under GTK; we have no
  # coroutines).
  # MP_SANITIZER tells tests that time or memory limits (RSS, main-loop
  # stalls) do not hold in this build.
  MP_SANITIZER=address \
  ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:halt_on_error=1:exitcode=1:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1" \
  LSAN_OPTIONS="suppressions=$ROOT/build-aux/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
    meson test -C _build-asan --print-errorlogs --num-processes 2 \
      --timeout-multiplier "$MULT" ${MESON_TEST_ARGS:-}
}

run_tsan () {
  echo "=== ThreadSanitizer: _build-tsan (suites core, pop3, mail)"
  shim_dir="$ROOT/_build-tsan/tsan-shim"
  mkdir -p "$shim_dir"
  rm -f _build-tsan/meson-logs/testlog.json
  # shellcheck disable=SC2046 # pkg-config output is a list of flags
  ${CC:-cc} -c -O1 -g -fPIC $(pkg-config --cflags gobject-2.0) \
    build-aux/tsan-glib-shim.c -o "$shim_dir/tsan-glib-shim.o" || return 1
  setup _build-tsan -Db_sanitize=thread -Db_lundef=false -Dgui=disabled \
    "-Dc_link_args=$shim_dir/tsan-glib-shim.o" || return 1
  meson compile -C _build-tsan -j 2 || return 1
  # G_SLICE=always-malloc: GLib 2.74's slice allocator recycles blocks
  # between threads through magazines TSan cannot see (false races).
  MP_SANITIZER=thread G_SLICE=always-malloc \
  TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1:history_size=4:suppressions=$ROOT/build-aux/tsan.supp" \
    meson test -C _build-tsan --print-errorlogs --num-processes 2 \
      --timeout-multiplier "$MULT" --suite core --suite pop3 --suite mail ${MESON_TEST_ARGS:-}
}

[ $# -gt 0 ] || set -- asan tsan
for what in "$@"; do
  case $what in
    asan) run_asan || { echo "*** asan: FAILED"; status=1; } ;;
    tsan) run_tsan || { echo "*** tsan: FAILED"; status=1; } ;;
    *) echo "usage: $0 [asan|tsan]..." >&2; exit 2 ;;
  esac
done

logs=""
for what in "$@"; do
  [ -f "_build-$what/meson-logs/testlog.json" ] && logs="$logs _build-$what/meson-logs/testlog.json"
done
if [ -n "$logs" ]; then
  # shellcheck disable=SC2086 # one argument per log
  python3 build-aux/test-summary.py $logs || status=1
fi
exit $status
