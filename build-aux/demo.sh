#!/bin/sh
# Quick start: installs the dependencies, builds Mailpeek and opens it on a demo
# mailbox — a private Dovecot (tests/harness/with-dovecot.py) serving alice's sample
# mail over POP3S.  Dovecot runs until the Mailpeek window is closed.  Nothing of
# your own accounts, keyring or mail is touched: the demo account is written to a
# temporary config dir, its password to a private gnome-keyring on a private
# session bus, and the seen-mail state stays in the same temporary directory.
#
#   build-aux/demo.sh                # MP_SKIP_DEPS=1 skips the apt-get step
#   BUILD=_build-demo build-aux/demo.sh
#
# Without a display (no $DISPLAY / $WAYLAND_DISPLAY) it runs under Xvfb, takes a
# screenshot of the list and the preview into $BUILD/demo.png and exits (through
# the GUI tests' build of the app, tests/ui/mailpeek-test-app, which selects a
# message by script).
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

TEST_APP="$ROOT/$BUILD/tests/ui/mailpeek-test-app"

rm -f "$ROOT/$BUILD/demo.png"
STATE=$(mktemp -d "${TMPDIR:-/tmp}/mailpeek-demo-XXXXXX")
trap 'rm -rf "$STATE"' EXIT INT TERM

export MP_SOURCE_ROOT="$ROOT" MP_BUILD_ROOT="$ROOT/$BUILD"
export DEMO_EXE="$EXE" DEMO_TEST_APP="$TEST_APP" DEMO_STATE="$STATE" DEMO_SHOT="$ROOT/$BUILD/demo.png"

# Runs on the private session bus: a gnome-keyring of its own (files and control
# socket in the temporary directory, so it never finds your running keyring)
# holding the demo password for the account "demo", then the app.
cat > "$STATE/session.sh" <<'SESSION'
#!/bin/sh
set -eu
mkdir -p "$DEMO_STATE/run" && chmod 700 "$DEMO_STATE/run"
printf %s demo | XDG_RUNTIME_DIR="$DEMO_STATE/run" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null
printf %s "$MP_TEST_PASSWORD" | secret-tool store --label="Mailpeek: demo" \
  xdg:schema io.github.mailpeek.Mailpeek.Account account-id demo
exec "$@"
SESSION

# Runs inside with-dovecot.py, which exports MP_TEST_* for the private server.
cat > "$STATE/run.sh" <<'INNER'
#!/bin/sh
set -eu
# Config, data (the keyring file), state and cache under the temporary directory;
# HOME stays (X11 finds its ~/.Xauthority there), settings live in memory.
export XDG_CONFIG_HOME="$DEMO_STATE/config" XDG_DATA_HOME="$DEMO_STATE/data" \
       XDG_STATE_HOME="$DEMO_STATE/state" XDG_CACHE_HOME="$DEMO_STATE/cache" \
       GSETTINGS_BACKEND=memory
mkdir -p "$XDG_CONFIG_HOME/mailpeek" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
# The demo account, as the account dialog saves one; the server's certificate is
# trusted through the account's CA file.
cat > "$XDG_CONFIG_HOME/mailpeek/accounts.conf" <<CONF
[demo]
name=Demo: $MP_TEST_USER@$MP_TEST_HOST
host=$MP_TEST_HOST
port=$MP_TEST_POP3S_PORT
username=$MP_TEST_USER
security=tls
ca-file=$MP_TEST_CA_FILE
CONF
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Mailpeek demo: alice's mailbox on $MP_TEST_HOST:$MP_TEST_POP3S_PORT (close the window to stop)."
  exec dbus-run-session -- sh "$DEMO_STATE/session.sh" "$DEMO_EXE"
fi
echo "No display: running under Xvfb and saving a screenshot to $DEMO_SHOT"
if [ ! -x "$DEMO_TEST_APP" ]; then
  echo "demo.sh: $DEMO_TEST_APP was not built" >&2
  exit 1
fi
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
export XDG_RUNTIME_DIR="$DEMO_STATE/run"
xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- sh "$DEMO_STATE/session.sh" "$DEMO_TEST_APP"
test -s "$DEMO_SHOT"
echo "Screenshot: $DEMO_SHOT"
INNER
chmod +x "$STATE/run.sh"

python3 tests/harness/with-dovecot.py -- "$STATE/run.sh"
