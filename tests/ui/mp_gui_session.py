# SPDX-License-Identifier: GPL-3.0-or-later
"""What the GUI tests share: the test account as the product stores it (a key file
in $XDG_CONFIG_HOME, the password in a private Secret Service), and the command
that runs the app on the test's private session bus with its own output apart.

The app never reads a password or an account from the environment: the account
is a normal entry of accounts.conf, its password an item of a gnome-keyring that
lives in the test's HOME and is unlocked on the test's private bus.
"""

import email
import email.policy
import poplib
import ssl
import os
import subprocess
import tempfile
import time

ACCOUNT_ID = "test-account"
KEYRING_PASSWORD = "mailpeek-test-keyring"
SCHEMA = "io.github.mailpeek.Mailpeek.Account"   # src/core/mp-keyring.h
REQUIRED_TOOLS = ("gnome-keyring-daemon", "secret-tool")

# Inside dbus-run-session: unlock (or create) the keyring of $HOME, store the
# account's password when one is given, run the app with its output in its own
# log.  Then it says what a third-party session service (dunst, seen on real
# desktops) says when the bus goes away: only the app's own log is judged.
_SESSION = r'''
log=$1; shift
printf %s "$MP_GUI_KEYRING_PASSWORD" |
  gnome-keyring-daemon --unlock --components=secrets >/dev/null ||
  { echo "mp_gui_session: gnome-keyring-daemon did not start" >&2; exit 90; }
if [ -n "${MP_GUI_ACCOUNT_PASSWORD+set}" ]; then
  printf %s "$MP_GUI_ACCOUNT_PASSWORD" |
    secret-tool store --label="Mailpeek: $MP_GUI_ACCOUNT_ID" \
      xdg:schema "$MP_GUI_SCHEMA" account-id "$MP_GUI_ACCOUNT_ID" ||
    { echo "mp_gui_session: secret-tool could not store the password" >&2; exit 91; }
fi
unset MP_GUI_ACCOUNT_PASSWORD MP_GUI_KEYRING_PASSWORD
"$@" >"$log" 2>&1
rc=$?
echo "CRITICAL **: (a third-party session service, not Mailpeek) the session bus closed" >&2
exit $rc
'''


def failed_line(failures):
    """The last line of a GUI test that failed: the checks by name (a CI log is
    often read from its end, below a long tree or log dump)."""
    return "%d failed: %s" % (len(failures), " | ".join(failures))


def private_dirs(home):
    """The environment that gives a run its own HOME, XDG directories, in-memory
    GSettings and a software-rendered X11 display (add it to os.environ)."""
    return {
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
        "XDG_RUNTIME_DIR": os.path.join(home, "run"),
        "GSETTINGS_BACKEND": "memory",
        "GSK_RENDERER": "cairo",
        "GDK_BACKEND": "x11",
    }


def pop3_listing():
    """(uidl → Message-ID) as a fresh POP3 session sees the mailbox."""
    ctx = ssl.create_default_context(cafile=os.environ["MP_TEST_CA_FILE"])
    box = poplib.POP3_SSL(os.environ["MP_TEST_HOST"], int(os.environ["MP_TEST_POP3S_PORT"]),
                          context=ctx, timeout=30)
    try:
        box.user(os.environ["MP_TEST_USER"])
        box.pass_(os.environ["MP_TEST_PASSWORD"])
        result = {}
        for line in box.uidl()[1]:
            num, uidl = line.decode().split(" ", 1)
            headers = b"\r\n".join(box.top(int(num), 0)[1])
            msg = email.message_from_bytes(headers, policy=email.policy.default)
            result[uidl] = (msg.get("Message-ID") or "").strip().strip("<>")
        return result
    finally:
        box.quit()


def install_default_app(home, desktop_id, script_body, exec_args, mime_type):
    """A desktop file in @home's data dir whose program is a shell script with
    @script_body, run as `script exec_args`, set in @home's mimeapps.list as the
    default application for @mime_type (what GIO's lookup reads).  Returns the
    script's path."""
    script = os.path.join(home, desktop_id + ".sh")
    with open(script, "w", encoding="utf-8") as f:
        f.write("#!/bin/sh\n" + script_body)
    os.chmod(script, 0o755)
    apps = os.path.join(home, ".local", "share", "applications")
    os.makedirs(apps, exist_ok=True)
    with open(os.path.join(apps, desktop_id + ".desktop"), "w", encoding="utf-8") as f:
        f.write("[Desktop Entry]\nType=Application\nName=%s\nExec=%s %s\nMimeType=%s;\n"
                % (desktop_id, script, exec_args, mime_type))
    config = os.path.join(home, ".config")
    os.makedirs(config, exist_ok=True)
    with open(os.path.join(config, "mimeapps.list"), "w", encoding="utf-8") as f:
        f.write("[Default Applications]\n%s=%s.desktop\n" % (mime_type, desktop_id))
    return script


def write_account(config_home, user, host, port, ca_file=None, extra=()):
    """Writes accounts.conf with one POP3S account, as the account dialog saves it;
    @extra: more "key=value" lines of the account."""
    directory = os.path.join(config_home, "mailpeek")
    os.makedirs(directory, exist_ok=True)
    lines = ["[%s]" % ACCOUNT_ID, "name=%s@%s" % (user, host), "host=%s" % host,
             "port=%s" % port, "username=%s" % user, "security=tls"]
    if ca_file:
        lines.append("ca-file=%s" % ca_file)
    lines += list(extra)
    with open(os.path.join(directory, "accounts.conf"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def session_command(app_cmd, app_log, env, password=None):
    """The command to run under dbus-run-session; sets what it needs in @env.
    @password: stored in the keyring for the test account before the app starts."""
    env.update({"MP_GUI_KEYRING_PASSWORD": KEYRING_PASSWORD, "MP_GUI_SCHEMA": SCHEMA,
                "MP_GUI_ACCOUNT_ID": ACCOUNT_ID})
    env.pop("MP_GUI_ACCOUNT_PASSWORD", None)
    if password is not None:
        env["MP_GUI_ACCOUNT_PASSWORD"] = password
    return ["sh", "-c", _SESSION, "sh", app_log] + list(app_cmd)


def app_log_lines(app_log):
    """The app's own output (stdout + stderr), as lines."""
    if not os.path.exists(app_log):
        return []
    with open(app_log, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def private_env(home):
    """The environment of an app run in @home: its own HOME and XDG dirs (the runtime
    dir created), settings in memory, X11 with the cairo renderer, no a11y bridge."""
    env = dict(os.environ)
    env.update({
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
        "XDG_RUNTIME_DIR": os.path.join(home, "run"),
        "GSETTINGS_BACKEND": "memory",
        "NO_AT_BRIDGE": "1",
        "GSK_RENDERER": "cairo",
        "GDK_BACKEND": "x11",
    })
    env.pop("MALLOC_CHECK_", None)   # slows GTK a lot
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    return env


def run_session(cmd, env, timeout, during=None):
    """Runs @cmd; @during() runs meanwhile (it may wait for what the app does).
    Returns (exit status, combined output)."""
    with tempfile.TemporaryFile() as output:
        # In the private HOME, as a desktop starts an application (a file
        # chooser opens on the working directory, which must not be the tree).
        proc = subprocess.Popen(cmd, env=env, stdout=output, stderr=subprocess.STDOUT,
                                cwd=env.get("HOME"))
        try:
            if during:
                during()
            proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        output.seek(0)
        return proc.returncode, output.read().decode("utf-8", "replace")


def wait_until(pred, timeout):
    """@pred()'s first true value within @timeout seconds (polled), else its last."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.1)
    return pred()
