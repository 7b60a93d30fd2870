#!/bin/sh
# Quick start: installs the dependencies, builds Mailpeek and opens it on a demo
# mailbox — a private Dovecot (tests/harness/with-dovecot.py) serving alice's sample
# mail over POP3S.  Dovecot runs until the Mailpeek window is closed.  Nothing of
# your own accounts, keyring or mail is touched (test mode: a temporary account,
# the password from the environment, state under a temporary directory).
#
#   build-aux/demo.sh                # MP_SKIP_DEPS=1 skips the apt-get step
#   BUILD=_build-demo build-aux/demo.sh
#
# Without a display (no $DISPLAY / $WAYLAND_DISPLAY) it runs under Xvfb, takes a
# screenshot of the list and the preview into $BUILD/demo.png and exits.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "${MP_SKIP_DEPS:-0}" != 1 ]; then
  sh build-aux/install-deps.sh
fi

BUILD=${BUILD:-_build}
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" ${MESON_ARGS:-}
fi
meson compile -C "$BUILD"

EXE="$ROOT/$BUILD/src/ui/mailpeek"
if [ ! -x "$EXE" ]; then
  echo "demo.sh: $EXE was not built (GTK 4 / libadwaita missing? see meson setup output)" >&2
  exit 1
fi

STATE=$(mktemp -d "${TMPDIR:-/tmp}/mailpeek-demo-XXXXXX")
trap 'rm -rf "$STATE"' EXIT INT TERM

export MP_SOURCE_ROOT="$ROOT" MP_BUILD_ROOT="$ROOT/$BUILD"
export DEMO_EXE="$EXE" DEMO_STATE="$STATE" DEMO_SHOT="$ROOT/$BUILD/demo.png"

# Runs inside with-dovecot.py, which exports MP_TEST_* for the private server.
cat > "$STATE/run.sh" <<'INNER'
#!/bin/sh
set -eu
export MAILPEEK_TEST_ACCOUNT="pop3s://$MP_TEST_USER@$MP_TEST_HOST:$MP_TEST_POP3S_PORT"
export MAILPEEK_TEST_PASSWORD="$MP_TEST_PASSWORD"
export MAILPEEK_TEST_CA_FILE="$MP_TEST_CA_FILE"
# Its own instance even when your Mailpeek is running.
export MAILPEEK_NON_UNIQUE=1
# Seen-mail state of the demo account stays in the temporary directory.
export XDG_STATE_HOME="$DEMO_STATE/state"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Mailpeek demo: alice's mailbox on $MP_TEST_HOST:$MP_TEST_POP3S_PORT (close the window to stop)."
  exec "$DEMO_EXE"
fi
echo "No display: running under Xvfb and saving a screenshot to $DEMO_SHOT"
cat > "$DEMO_STATE/script.txt" <<SCRIPT
wait-idle 60
select 7
wait-preview
sleep 500
screenshot $DEMO_SHOT
quit
SCRIPT
export MAILPEEK_TEST_SCRIPT="$DEMO_STATE/script.txt"
export MAILPEEK_TEST_OUTPUT="$DEMO_STATE/out.jsonl"
export GSK_RENDERER=cairo NO_AT_BRIDGE=1
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$DEMO_EXE"
test -s "$DEMO_SHOT"
echo "Screenshot: $DEMO_SHOT"
INNER
chmod +x "$STATE/run.sh"

python3 tests/harness/with-dovecot.py -- "$STATE/run.sh"
